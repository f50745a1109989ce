// SPDX-License-Identifier: GPL-2.0-only
/* Map layouts: what the kernel maps look like for each map's use.
 * Aggregations lay out their own (agg/registry.c); plain maps and
 * thread-locals are shared hashes. */
#include <stdlib.h>
#include <string.h>

#include "agg/agg.h"
#include "options.h"
#include "sema/sema.h"

static void layout_map(struct map *m, const struct options *o)
{
	m->key_size = 0;
	for (int i = 0; i < m->nkeys; i++)
		m->key_size += type_storage(m->keys[i]);
	if (m->agg) {
		agg_layout(m, m->decl ? m->decl_entries : o->map_entries);
		m->lru = m->decl == DECL_PERCPULRUHASH;
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
		m->max_entries = m->decl ? m->decl_entries : o->map_entries;
	}
	m->lru = m->decl == DECL_LRUHASH;
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
