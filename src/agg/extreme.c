// SPDX-License-Identifier: GPL-2.0-only
/* min(v), max(v): the value is {count, biased extreme}. The bias makes
 * "larger wins" an unsigned comparison for both, with 0 meaning "nothing
 * yet": a signed value has its sign bit flipped, a minimum is
 * complemented. It is defined here once, for the code that stores a value
 * (emit_bias), the per-CPU combining (unsigned max of the biased words)
 * and the number printed (unbias); agg_bias() is its C form. */
#include "agg/agg.h"
#include "codegen/cg.h"
#include "sema/sema.h"

#define SIGN_BIT (1ULL << 63)

extern const struct agg_ops agg_min;

static bool is_min(const struct map *m)
{
	return m->agg == &agg_min;
}

uint64_t agg_bias(const struct map *m, uint64_t v)
{
	if (m->val.sign)
		v ^= SIGN_BIT;
	return is_min(m) ? ~v : v;
}

static uint64_t unbias(const struct map *m, uint64_t u)
{
	if (is_min(m))
		u = ~u;
	if (m->val.sign)
		u ^= SIGN_BIT;
	return u;
}

/* R1 biased in place: agg_bias() in BPF. */
static void emit_bias(struct cg *cg, const struct map *m)
{
	if (m->val.sign) {
		cg_ld_imm64(cg, R3, SIGN_BIT);
		cg_emit(cg, ALU64_REG(BPF_XOR, R1, R3));
	}
	if (is_min(m))
		cg_emit(cg, ALU64_IMM(BPF_XOR, R1, -1));
}

/* Unsigned max of R1 into *(u64 *)(R0 + 8), with compare-and-exchange so
 * that a preempting update on this CPU is never lost. */
static void emit_max(struct cg *cg)
{
	int loop = cg_label(cg), done = cg_label(cg);

	cg_emit(cg, MOV64_REG(R3, R0));
	cg_emit(cg, MOV64_IMM(R4, 1));
	cg_emit(cg, ATOMIC64(BPF_ADD, R3, R4, 0));
	cg_emit(cg, MOV64_IMM(R4, 8));
	cg_place(cg, loop);
	cg_emit(cg, LDX(BPF_DW, R0, R3, 8));
	cg_jmp_reg(cg, BPF_JGE, R0, R1, done);
	cg_emit(cg, MOV64_REG(R2, R0));
	cg_emit(cg, ATOMIC64(BPF_CMPXCHG, R3, R1, 8));
	cg_jmp_reg(cg, BPF_JEQ, R0, R2, done);
	cg_emit(cg, ALU64_IMM(BPF_SUB, R4, 1));
	cg_jmp_imm(cg, BPF_JNE, R4, 0, loop);
	cg_place(cg, done);
}

static void extreme_update(struct cg *cg, const struct map *m)
{
	emit_bias(cg, m);
	emit_max(cg);
}

/* In a probe: counts add up, the biased words' unsigned max wins (0, a
 * CPU without a value, never does). */
static void extreme_fold(struct cg *cg, const struct map *m, int w0, int w1)
{
	int keep = cg_label(cg);

	(void)m;
	agg_emit_fold_add(cg, 0, w0);
	cg_emit(cg, LDX(BPF_DW, R1, R0, 8));
	cg_emit(cg, LDX(BPF_DW, R2, R10, (int16_t)w1));
	cg_jmp_reg(cg, BPF_JGE, R2, R1, keep);
	cg_emit(cg, STX(BPF_DW, R10, R1, (int16_t)w1));
	cg_place(cg, keep);
}

/* unbias() in BPF; 0 when no CPU saw a value, as printed. */
static void extreme_read(struct cg *cg, const struct map *m, int w0, int w1, int reg)
{
	int done = cg_label(cg);
	int tmp = reg == R1 ? R2 : R1;

	cg_emit(cg, MOV64_IMM(reg, 0));
	cg_emit(cg, LDX(BPF_DW, tmp, R10, (int16_t)w0));
	cg_jmp_imm(cg, BPF_JEQ, tmp, 0, done);
	cg_emit(cg, LDX(BPF_DW, reg, R10, (int16_t)w1));
	if (is_min(m))
		cg_emit(cg, ALU64_IMM(BPF_XOR, reg, -1));
	if (m->val.sign) {
		cg_ld_imm64(cg, tmp, SIGN_BIT);
		cg_emit(cg, ALU64_REG(BPF_XOR, reg, tmp));
	}
	cg_place(cg, done);
}

static size_t extreme_nvals(const struct map *m)
{
	(void)m;
	return 2;
}

/* The CPUs' counts add up; the extreme is the largest biased word of a
 * CPU that saw a value. */
static void extreme_combine(uint64_t *out, const uint64_t *v, size_t n)
{
	(void)n;
	if (v[0] && (!out[0] || v[1] > out[1]))
		out[1] = v[1];
	out[0] += v[0];
}

static bool extreme_number(const struct map *m, const uint64_t *v, uint64_t *out, bool *sign)
{
	*out = unbias(m, v[1]);
	*sign = m->val.sign;
	return v[0] != 0;
}

static int extreme_cmp(const struct map *m, const uint64_t *a, const uint64_t *b)
{
	int64_t x = (int64_t)unbias(m, a[1]), y = (int64_t)unbias(m, b[1]);

	return x < y ? -1 : x > y;
}

const struct agg_ops agg_min = {
	.name = "min",
	.nargs = 1,
	.shape = AGG_NUMBER,
	.json_type = "map",
	.prom_type = "gauge",
	.signed_value = true,
	.nvals = extreme_nvals,
	.combine = extreme_combine,
	.emit_update = extreme_update,
	.emit_read = extreme_read,
	.emit_fold = extreme_fold,
	.number = extreme_number,
	.cmp = extreme_cmp,
};

const struct agg_ops agg_max = {
	.name = "max",
	.nargs = 1,
	.shape = AGG_NUMBER,
	.json_type = "map",
	.prom_type = "gauge",
	.signed_value = true,
	.nvals = extreme_nvals,
	.combine = extreme_combine,
	.emit_update = extreme_update,
	.emit_read = extreme_read,
	.emit_fold = extreme_fold,
	.number = extreme_number,
	.cmp = extreme_cmp,
};
