// SPDX-License-Identifier: GPL-2.0-only
/* JSON lines in bpftrace's schema, so jq pipelines keep working:
 * {"type":"map","data":{"@name":{"k1,k2":V}}} and friends. */
#include <string.h>

#include "agg/agg.h"
#include "output/out.h"

void out_json_map(struct out *o, const struct out_mapdata *d, const size_t *order);

static void bucket_obj(struct strbuf *sb, const struct map *m, int i, uint64_t count)
{
	uint64_t lo, hi;
	bool has_lo, has_hi, sign;

	m->agg->bucket_range(m, i, &lo, &hi, &has_lo, &has_hi, &sign);
	sb_putc(sb, '{');
	if (has_lo)
		sb_printf(sb, sign ? "\"min\":%lld," : "\"min\":%llu,", (long long)lo);
	if (has_hi)
		sb_printf(sb, sign ? "\"max\":%lld," : "\"max\":%llu,", (long long)hi);
	sb_printf(sb, "\"count\":%llu}", (unsigned long long)count);
}

static void hist_array(struct strbuf *sb, const struct map *m, const uint64_t *v, int n)
{
	int first = 0, last = n - 1;

	while (first < n && !v[first])
		first++;
	while (last > first && !v[last])
		last--;
	sb_putc(sb, '[');
	for (int i = first; i <= last && first < n; i++) {
		if (i > first)
			sb_putc(sb, ',');
		bucket_obj(sb, m, i, v[i]);
	}
	sb_putc(sb, ']');
}

static void value(struct out *o, struct strbuf *sb, const struct map *m, const uint64_t *v,
		  int nvals)
{
	if (m->agg && m->agg->shape == AGG_BUCKETS) {
		hist_array(sb, m, v, nvals);
		return;
	}
	if (m->agg && m->agg->shape == AGG_STATS) {
		out_stats(sb, m, v, true);
		return;
	}
	if (out_number(sb, m, v, o->div))
		return;
	out_value_json(o, sb, m->val, (const uint8_t *)v);
}

static const char *json_type(const struct map *m)
{
	return m->agg ? m->agg->json_type : "map";
}

void out_json_map(struct out *o, const struct out_mapdata *d, const size_t *order)
{
	const struct map *m = d->m;
	struct strbuf sb = {0}, key = {0};

	sb_printf(&sb, "{\"type\":\"%s\",\"data\":{", json_type(m));
	sb_json_string(&sb, m->name, strlen(m->name));
	sb_putc(&sb, ':');
	if (m->nkeys)
		sb_putc(&sb, '{');
	for (size_t j = 0; j < d->n; j++) {
		size_t i = order[j];
		if (m->nkeys) {
			if (j)
				sb_putc(&sb, ',');
			sb_reset(&key);
			out_key(o, &key, m, d->keys + i * m->key_size, true);
			sb_json_string(&sb, key.s ? key.s : "", key.len);
			sb_putc(&sb, ':');
		}
		value(o, &sb, m, d->vals + i * d->nvals, (int)d->nvals);
	}
	if (m->nkeys)
		sb_putc(&sb, '}');
	sb_puts(&sb, "}}\n");
	fputs(sb.s, o->f);
	sb_free(&sb);
	sb_free(&key);
}
