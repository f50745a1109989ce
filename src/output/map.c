// SPDX-License-Identifier: GPL-2.0-only
/* Maps at stop (and for print()): sorted by value, largest last, ties
 * broken by key so that output is stable; then text or JSON. */
#include <stdlib.h>
#include <string.h>

#include "agg/agg.h"
#include "output/out.h"

void out_text_map(struct out *o, const struct out_mapdata *d, const size_t *order);
void out_json_map(struct out *o, const struct out_mapdata *d, const size_t *order);

struct sortctx {
	const struct out_mapdata *d;
};

static const uint64_t *vals(const struct out_mapdata *d, size_t i)
{
	return d->vals + i * d->nvals;
}

/* -1, 0, 1 by value. */
static int cmp_value(const struct out_mapdata *d, size_t a, size_t b)
{
	const struct map *m = d->m;
	const uint64_t *va = vals(d, a), *vb = vals(d, b);

	if (m->agg)
		return m->agg->cmp(m, va, vb);
	if (m->val.kind == T_STR) {
		int c = strncmp((const char *)va, (const char *)vb, m->val.len);
		return c < 0 ? -1 : c > 0;
	}
	if (m->val.sign)
		return (int64_t)va[0] < (int64_t)vb[0] ? -1 : (int64_t)va[0] > (int64_t)vb[0];
	return va[0] < vb[0] ? -1 : va[0] > vb[0];
}

static int by_value(const void *x, const void *y, void *arg)
{
	const struct sortctx *c = arg;
	size_t a = *(const size_t *)x, b = *(const size_t *)y;
	int r = cmp_value(c->d, a, b);

	if (r)
		return r;
	return memcmp(c->d->keys + a * c->d->m->key_size, c->d->keys + b * c->d->m->key_size,
		      c->d->m->key_size);
}

size_t *out_map_order(const struct out_mapdata *d)
{
	struct sortctx c = { d };
	size_t *order = xcalloc(d->n ? d->n : 1, sizeof(*order));

	for (size_t i = 0; i < d->n; i++)
		order[i] = i;
	if (d->m->nkeys)
		qsort_r(order, d->n, sizeof(*order), by_value, &c);
	return order;
}

/* print(@m, top, div) on a histogram: its bucket counts divided. */
static void divide_buckets(struct out_mapdata *d, uint64_t div)
{
	if (div <= 1 || !d->m->agg || d->m->agg->shape != AGG_BUCKETS)
		return;
	for (size_t i = 0; i < d->n * d->nvals; i++)
		d->vals[i] /= div;
}

void out_map(struct out *o, struct out_mapdata *d)
{
	struct out_mapdata shown = *d;
	size_t *order, skip = 0;

	if (!d->n)
		return;
	order = out_map_order(d);
	/* the top entries are the last, largest ones, still printed in order */
	if (o->top && o->top < d->n && d->m->nkeys) {
		skip = d->n - o->top;
		shown.n = o->top;
	}
	divide_buckets(d, o->div);
	if (o->json)
		out_json_map(o, &shown, order + skip);
	else
		out_text_map(o, &shown, order + skip);
	free(order);
}

long out_mapdata_find(const struct out_mapdata *d, const uint8_t *key)
{
	size_t lo = 0, hi = d->n, ks = d->m ? d->m->key_size : 0;

	if (!d->n)
		return -1;
	if (!key || !d->keys)
		return 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = memcmp(d->keys + mid * ks, key, ks);
		if (!c)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

void out_mapdata_free(struct out_mapdata *d)
{
	free(d->keys);
	free(d->vals);
	free(d->sums);
	d->keys = NULL;
	d->vals = NULL;
	d->sums = NULL;
	d->n = 0;
}
