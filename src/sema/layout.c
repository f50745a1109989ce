// SPDX-License-Identifier: GPL-2.0-only
/* Map layouts: what the kernel maps look like for each map's use. A
 * keyless aggregation is a per-CPU array indexed by bucket (the kernel
 * inlines the lookup); a keyed one a per-CPU hash of whole values; plain
 * maps and thread-locals are shared hashes. */
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "sema/sema.h"

static size_t agg_value_size(const struct map *m)
{
	switch (m->agg) {
	case AGG_COUNT:
		return 8;
	case AGG_SUM:		/* {count, sum}: a sum of zeroes still shows */
	case AGG_AVG:
	case AGG_STATS:
	case AGG_MIN:
	case AGG_MAX:
		return 16;	/* {count, sum} or {count, biased extreme} */
	case AGG_HIST:
	case AGG_LHIST:
		/* the buckets, then the sum of the values (a Prometheus
		 * histogram's _sum) */
		return (size_t)m->nbuckets * 8 + 8;
	default:
		return 8;
	}
}

static void layout_map(struct map *m, const struct options *o)
{
	m->key_size = 0;
	for (int i = 0; i < m->nkeys; i++)
		m->key_size += type_storage(m->keys[i]);
	if (m->agg == AGG_HIST)
		m->nbuckets = HIST_BUCKETS;
	else if (m->agg == AGG_LHIST)
		m->nbuckets = (int)(((uint64_t)m->hi - (uint64_t)m->lo) / (uint64_t)m->step) + 2;
	if (m->agg != AGG_NONE && !m->nkeys) {
		m->array = m->percpu = true;
		m->key_size = 4;
		m->max_entries = m->nbuckets ? (uint32_t)m->nbuckets : 1;
		/* a bucket is {count, sum}: one lookup per event still */
		m->val_size = m->nbuckets ? 16 : agg_value_size(m);
		return;
	}
	if (m->agg != AGG_NONE) {
		m->percpu = true;
		m->val_size = agg_value_size(m);
		m->max_entries = o->map_entries;
		return;
	}
	m->val_size = type_storage(m->val);
	if (!m->val_size)
		m->val_size = 8;
	if (m->kind == MAP_SELF) {
		m->key_size = 8;
		m->max_entries = o->map_entries;
	} else if (!m->nkeys) {
		m->key_size = 8;
		m->max_entries = 1;
	} else {
		m->max_entries = o->map_entries;
	}
}

static int by_name(const void *a, const void *b)
{
	const struct map *x = *(struct map *const *)a, *y = *(struct map *const *)b;

	return strcmp(x->name, y->name);
}

void sema_layout(struct sema *s)
{
	if (s->maps.n)
		qsort(s->maps.v, s->maps.n, sizeof(s->maps.v[0]), by_name);
	for (size_t i = 0; i < s->maps.n; i++) {
		s->maps.v[i]->id = (int)i;
		layout_map(s->maps.v[i], s->opts);
	}
}
