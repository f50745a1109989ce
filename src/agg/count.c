// SPDX-License-Identifier: GPL-2.0-only
/* count(): how many times. The value is {count}. */
#include "agg/agg.h"
#include "codegen/cg.h"

static size_t count_nvals(const struct map *m)
{
	(void)m;
	return 1;
}

static void count_update(struct cg *cg, const struct map *m)
{
	(void)m;
	agg_emit_add(cg, false);
}

static bool count_number(const struct map *m, const uint64_t *v, uint64_t *out, bool *sign)
{
	(void)m;
	*out = v[0];
	*sign = false;
	return true;
}

static void count_read(struct cg *cg, const struct map *m, int w0, int w1, int reg)
{
	(void)m;
	(void)w1;
	cg_emit(cg, LDX(BPF_DW, reg, R10, (int16_t)w0));
}

const struct agg_ops agg_count = {
	.name = "count",
	.nargs = 0,
	.shape = AGG_NUMBER,
	.json_type = "map",
	.prom_type = "counter",
	.additive = true,
	.nvals = count_nvals,
	.combine = agg_combine_add,
	.emit_update = count_update,
	.emit_read = count_read,
	.number = count_number,
	.cmp = agg_cmp_number,
};
