// SPDX-License-Identifier: GPL-2.0-only
/* hist(v): power-of-two buckets; lhist(v, min, max, step): linear ones.
 * The value is one count per bucket, then the sum of the values. Bucket
 * bounds are worked out here once, for the -j and Prometheus output
 * (bucket_range) and the text labels made from them (bucket_label). */
#include <stdio.h>

#include "agg/agg.h"
#include "codegen/cg.h"
#include "sema/scope.h"

#define HIST_BUCKETS 66
#define LHIST_MAX_BUCKETS 1000

/* negative, 0, then [2^k, 2^(k+1)) for k = 0..63 */
static int hist_nbuckets(const struct map *m)
{
	(void)m;
	return HIST_BUCKETS;
}

/* below min, the steps, from max on */
static int lhist_nbuckets(const struct map *m)
{
	return (int)(((uint64_t)m->hi - (uint64_t)m->lo) / (uint64_t)m->step) + 2;
}

static size_t buckets_nvals(const struct map *m)
{
	return (size_t)m->agg->nbuckets(m);
}

static void bucket_update(struct cg *cg, const struct map *m)
{
	(void)m;
	agg_emit_add(cg, false);
}

/* Power-of-two bucket of R1 into R2: 0 negative, 1 zero, then 2 + log2. */
static void hist_bucket(struct cg *cg, const struct map *m, bool sign)
{
	int done = cg_label(cg);

	(void)m;
	if (sign) {
		cg_emit(cg, MOV64_IMM(R2, 0));
		cg_jmp_imm(cg, BPF_JSLT, R1, 0, done);
	}
	cg_emit(cg, MOV64_IMM(R2, 1));
	cg_jmp_imm(cg, BPF_JEQ, R1, 0, done);
	cg_emit(cg, MOV64_IMM(R2, 2));
	for (int s = 32; s >= 1; s /= 2) {
		int skip = cg_label(cg);
		cg_emit(cg, MOV64_REG(R3, R1));
		cg_emit(cg, ALU64_IMM(BPF_RSH, R3, s));
		cg_jmp_imm(cg, BPF_JEQ, R3, 0, skip);
		cg_emit(cg, MOV64_REG(R1, R3));
		cg_emit(cg, ALU64_IMM(BPF_ADD, R2, s));
		cg_place(cg, skip);
	}
	cg_place(cg, done);
}

/* Linear bucket of R1 into R2: 0 below lo, nb + 1 from hi on. */
static void lhist_bucket(struct cg *cg, const struct map *m, bool sign)
{
	int done = cg_label(cg);
	int nb = m->nbuckets - 2;

	cg_emit(cg, MOV64_IMM(R2, 0));
	cg_mov_imm(cg, R3, m->lo);
	cg_jmp_reg(cg, sign ? BPF_JSLT : BPF_JLT, R1, R3, done);
	cg_emit(cg, MOV64_IMM(R2, nb + 1));
	cg_mov_imm(cg, R3, m->hi);
	cg_jmp_reg(cg, sign ? BPF_JSGE : BPF_JGE, R1, R3, done);
	cg_mov_imm(cg, R3, m->lo);
	cg_emit(cg, ALU64_REG(BPF_SUB, R1, R3));
	cg_mov_imm(cg, R3, m->step);
	cg_emit(cg, ALU64_REG(BPF_DIV, R1, R3));
	cg_emit(cg, MOV64_REG(R2, R1));
	cg_emit(cg, ALU64_IMM(BPF_ADD, R2, 1));
	cg_place(cg, done);
}

/* Histograms sort by how many values they saw. */
static int buckets_cmp(const struct map *m, const uint64_t *a, const uint64_t *b)
{
	uint64_t x = 0, y = 0;

	for (int i = 0; i < m->nbuckets; i++)
		x += a[i], y += b[i];
	return x < y ? -1 : x > y;
}

static bool lhist_params(struct scope *sc, struct node *call, int64_t v[3])
{
	struct node *p = call->list->next;

	for (int i = 0; i < 3; i++, p = p->next) {
		sema_expr(sc, p);
		if (p->kind != AST_INT) {
			sc_error(sc, p->loc, "the bounds and step of lhist() must be constants");
			return false;
		}
		v[i] = (int64_t)p->num;
	}
	if (v[0] >= v[1] || v[2] <= 0) {
		sc_error(sc, call->loc, "lhist() needs min < max and a step above 0");
		return false;
	}
	/* every bucket bound is min + k * step <= max, in int64 arithmetic
	 * here and in the output: so max - min must be an int64 too */
	int64_t width;
	if (__builtin_sub_overflow(v[1], v[0], &width)) {
		sc_error(sc, call->loc, "lhist() bounds too far apart: max - min overflows "
			 "64-bit signed integers");
		return false;
	}
	if ((uint64_t)width / (uint64_t)v[2] > LHIST_MAX_BUCKETS ||
	    (uint64_t)width % (uint64_t)v[2]) {
		sc_error(sc, call->loc, "lhist() needs (max - min) to be a multiple of the step, "
			 "with at most %d buckets", LHIST_MAX_BUCKETS);
		return false;
	}
	return true;
}

static bool hist_range(const struct map *m, int i, uint64_t *lo, uint64_t *hi, bool *has_lo,
		       bool *has_hi, bool *sign)
{
	*has_lo = *has_hi = true;
	*sign = true;
	if (i == 0) {
		*has_lo = false;
		*hi = (uint64_t)-1;
		return m->val.sign;
	}
	*sign = false;
	if (i == 1) {
		*lo = *hi = 0;
		return true;
	}
	int k = i - 2;
	*lo = 1ULL << k;
	*hi = (k == 63 ? 0 : 1ULL << (k + 1)) - 1;
	return true;
}

static bool lhist_range(const struct map *m, int i, uint64_t *lo, uint64_t *hi, bool *has_lo,
			bool *has_hi, bool *sign)
{
	int nb = m->nbuckets - 2;
	int64_t l = i == 0 ? 0 : m->lo + (int64_t)(i - 1) * m->step;

	*sign = true;
	*has_lo = i > 0;
	*has_hi = i <= nb;
	*lo = (uint64_t)l;
	/* unsigned: below INT64_MIN there is nothing, and no overflow */
	*hi = i == 0 ? (uint64_t)m->lo - 1 : (uint64_t)(l + m->step) - 1;
	return true;
}

/* 1024 -> "1K", 1536 -> "1536"; top: 2^64, "16E". */
static void with_suffix(char *buf, size_t len, uint64_t v, bool top)
{
	static const char units[] = "KMGTPE";
	int u = -1;

	if (top) {
		snprintf(buf, len, "16E");
		return;
	}
	while (v && v % 1024 == 0 && u < 5) {
		v /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, "%llu", (unsigned long long)v);
	else
		snprintf(buf, len, "%llu%c", (unsigned long long)v, units[u]);
}

/* "(..., 0)", "[0]", "[1]", "[2, 4)", ... "[8E, 16E)" */
static void hist_label(const struct map *m, int i, char *buf, size_t len)
{
	uint64_t lo, hi;
	bool has_lo, has_hi, sign;
	char a[32], b[32];

	hist_range(m, i, &lo, &hi, &has_lo, &has_hi, &sign);
	if (!has_lo) {
		snprintf(buf, len, "(..., 0)");
	} else if (lo == hi) {
		snprintf(buf, len, "[%llu]", (unsigned long long)lo);
	} else {
		with_suffix(a, sizeof(a), lo, false);
		with_suffix(b, sizeof(b), hi + 1, hi == UINT64_MAX);
		snprintf(buf, len, "[%s, %s)", a, b);
	}
}

/* An lhist bound: in M or K when both it and the step are a whole
 * number of them (bpftrace's rule), else in digits; 0 is "0". */
static void lin_label(char *buf, size_t len, int64_t v, int64_t step)
{
	if (v == 0)
		snprintf(buf, len, "0");
	else if (step % (1 << 20) == 0 && v % (1 << 20) == 0)
		snprintf(buf, len, "%lldM", (long long)(v / (1 << 20)));
	else if (step % 1024 == 0 && v % 1024 == 0)
		snprintf(buf, len, "%lldK", (long long)(v / 1024));
	else
		snprintf(buf, len, "%lld", (long long)v);
}

/* "(..., min)", "[min, min + step)", ... "[max, ...)", as bpftrace
 * writes them: "[2K, 3K)" for a step of 1024 */
static void lhist_label(const struct map *m, int i, char *buf, size_t len)
{
	uint64_t lo, hi;
	bool has_lo, has_hi, sign;
	char a[32], b[32];

	lhist_range(m, i, &lo, &hi, &has_lo, &has_hi, &sign);
	lin_label(a, sizeof(a), (int64_t)lo, m->step);
	lin_label(b, sizeof(b), (int64_t)(hi + 1), m->step);
	if (!has_lo)
		snprintf(buf, len, "(..., %s)", b);
	else if (!has_hi)
		snprintf(buf, len, "[%s, ...)", a);
	else
		snprintf(buf, len, "[%s, %s)", a, b);
}

const struct agg_ops agg_hist = {
	.name = "hist",
	.nargs = 1,
	.shape = AGG_BUCKETS,
	.json_type = "hist",
	.prom_type = "histogram",
	.additive = true,
	.signed_value = true,
	.nbuckets = hist_nbuckets,
	.nvals = buckets_nvals,
	.combine = agg_combine_add,
	.emit_bucket = hist_bucket,
	.emit_update = bucket_update,
	.cmp = buckets_cmp,
	.bucket_range = hist_range,
	.bucket_label = hist_label,
};

const struct agg_ops agg_lhist = {
	.name = "lhist",
	.nargs = 4,
	.shape = AGG_BUCKETS,
	.json_type = "hist",
	.prom_type = "histogram",
	.additive = true,
	.signed_value = true,
	.params = lhist_params,
	.nbuckets = lhist_nbuckets,
	.nvals = buckets_nvals,
	.combine = agg_combine_add,
	.emit_bucket = lhist_bucket,
	.emit_update = bucket_update,
	.cmp = buckets_cmp,
	.bucket_range = lhist_range,
	.bucket_label = lhist_label,
};
