// SPDX-License-Identifier: GPL-2.0-only
/* sum(v), avg(v), stats(v): the value is {count, sum}, so that a sum of
 * zeroes still shows, and an average is worked out at the end. */
#include "agg/agg.h"
#include "codegen/cg.h"

static size_t sum_nvals(const struct map *m)
{
	(void)m;
	return 2;
}

static void sum_update(struct cg *cg, const struct map *m)
{
	(void)m;
	agg_emit_add(cg, true);
}

static bool sum_number(const struct map *m, const uint64_t *v, uint64_t *out, bool *sign)
{
	*out = v[1];
	*sign = m->val.sign;
	return true;
}

/* The average, rounded toward zero; 0 of nothing. */
static bool avg_number(const struct map *m, const uint64_t *v, uint64_t *out, bool *sign)
{
	*sign = true;
	if (!v[0])
		*out = 0;
	else if (m->val.sign)
		*out = (uint64_t)((int64_t)v[1] / (int64_t)v[0]);
	else
		*out = (uint64_t)(int64_t)(v[1] / v[0]);
	return v[0] != 0;
}

static void sum_read(struct cg *cg, const struct map *m, int w0, int w1, int reg)
{
	(void)m;
	(void)w0;
	cg_emit(cg, LDX(BPF_DW, reg, R10, (int16_t)w1));
}

/* As avg_number: the sum over the count, toward zero; 0 of nothing. */
static void avg_read(struct cg *cg, const struct map *m, int w0, int w1, int reg)
{
	int done = cg_label(cg);
	int tmp = reg == R1 ? R2 : R1;

	cg_emit(cg, LDX(BPF_DW, tmp, R10, (int16_t)w0));
	cg_emit(cg, MOV64_IMM(reg, 0));
	cg_jmp_imm(cg, BPF_JEQ, tmp, 0, done);
	cg_emit(cg, LDX(BPF_DW, reg, R10, (int16_t)w1));
	if (m->val.sign)
		cg_emit(cg, SALU64_REG(BPF_DIV, reg, tmp));
	else
		cg_emit(cg, ALU64_REG(BPF_DIV, reg, tmp));
	cg_place(cg, done);
}

/* stats() sort by how many values they saw. */
static int stats_cmp(const struct map *m, const uint64_t *a, const uint64_t *b)
{
	(void)m;
	return a[0] < b[0] ? -1 : a[0] > b[0];
}

const struct agg_ops agg_sum = {
	.name = "sum",
	.nargs = 1,
	.shape = AGG_NUMBER,
	.json_type = "map",
	.prom_type = "counter",
	.additive = true,
	.signed_value = true,
	.nvals = sum_nvals,
	.combine = agg_combine_add,
	.emit_update = sum_update,
	.emit_read = sum_read,
	.number = sum_number,
	.cmp = agg_cmp_number,
};

const struct agg_ops agg_avg = {
	.name = "avg",
	.nargs = 1,
	.shape = AGG_NUMBER,
	.json_type = "stats",
	.prom_type = "gauge",
	.additive = true,
	.signed_value = true,
	.nvals = sum_nvals,
	.combine = agg_combine_add,
	.emit_update = sum_update,
	.emit_read = avg_read,
	.number = avg_number,
	.cmp = agg_cmp_number,
};

const struct agg_ops agg_stats = {
	.name = "stats",
	.nargs = 1,
	.shape = AGG_STATS,
	.json_type = "stats",
	.prom_type = "summary",
	.additive = true,
	.signed_value = true,
	.nvals = sum_nvals,
	.combine = agg_combine_add,
	.emit_update = sum_update,
	.number = avg_number,
	.cmp = stats_cmp,
};
