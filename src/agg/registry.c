// SPDX-License-Identifier: GPL-2.0-only
/* The aggregation registry, and what the families share: the layout of
 * their kernel maps, adding up, sorting by the number printed. A new
 * aggregation is one file that defines its struct agg_ops, one row here
 * and one line in Makefile.am. */
#include <string.h>

#include "agg/agg.h"
#include "codegen/cg.h"
#include "sema/sema.h"

extern const struct agg_ops agg_count, agg_sum, agg_avg, agg_stats, agg_min, agg_max,
	agg_hist, agg_lhist;

static const struct agg_ops *const aggs[] = {
	&agg_count, &agg_sum, &agg_avg, &agg_min, &agg_max, &agg_stats, &agg_hist, &agg_lhist,
};

const struct agg_ops *agg_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(aggs); i++)
		if (!strcmp(aggs[i]->name, name))
			return aggs[i];
	return NULL;
}

const struct agg_ops *agg_at(size_t i)
{
	return i < ARRAY_SIZE(aggs) ? aggs[i] : NULL;
}

/* A keyless aggregation is a per-CPU array indexed by bucket (the kernel
 * inlines the lookup), a bucket {count, sum}; a keyed one a per-CPU hash
 * of whole values, a histogram's sum (a Prometheus histogram's _sum)
 * after its buckets. */
void agg_layout(struct map *m, uint32_t max_entries)
{
	const struct agg_ops *a = m->agg;
	size_t words = a->nvals(m);

	m->nbuckets = a->nbuckets ? a->nbuckets(m) : 0;
	m->percpu = true;
	if (!m->nkeys) {
		m->array = true;
		m->key_size = 4;
		m->max_entries = m->nbuckets ? (uint32_t)m->nbuckets : 1;
		/* a bucket is {count, sum}: one lookup per event still */
		m->val_size = m->nbuckets ? 16 : words * 8;
		return;
	}
	m->val_size = words * 8 + (m->nbuckets ? 8 : 0);
	m->max_entries = max_entries;
}

size_t agg_nvals(const struct map *m)
{
	return m->agg ? m->agg->nvals(m) : m->val_size / 8;
}

void agg_emit_add(struct cg *cg, bool sum)
{
	cg_emit(cg, MOV64_IMM(sum ? R2 : R1, 1));
	cg_emit(cg, ATOMIC64(BPF_ADD, R0, sum ? R2 : R1, 0));
	if (sum)
		cg_emit(cg, ATOMIC64(BPF_ADD, R0, R1, 8));
}

void agg_emit_fold_add(struct cg *cg, int off, int slot)
{
	cg_emit(cg, LDX(BPF_DW, R1, R0, (int16_t)off));
	cg_emit(cg, LDX(BPF_DW, R2, R10, (int16_t)slot));
	cg_emit(cg, ALU64_REG(BPF_ADD, R2, R1));
	cg_emit(cg, STX(BPF_DW, R10, R2, (int16_t)slot));
}

void agg_combine_add(uint64_t *out, const uint64_t *v, size_t n)
{
	for (size_t j = 0; j < n; j++)
		out[j] += v[j];
}

int agg_cmp_number(const struct map *m, const uint64_t *a, const uint64_t *b)
{
	uint64_t x, y;
	bool sign;

	m->agg->number(m, a, &x, &sign);
	m->agg->number(m, b, &y, &sign);
	if (sign)
		return (int64_t)x < (int64_t)y ? -1 : (int64_t)x > (int64_t)y;
	return x < y ? -1 : x > y;
}
