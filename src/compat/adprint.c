// SPDX-License-Identifier: GPL-2.0-only
/* argdist's output: every interval a [HH:MM:SS] line, then per
 * specifier its text (or label) and either COUNT EVENT rows or a log2
 * histogram with argdist's columns. The kernel's maps are never cleared:
 * an interval shows what changed since the last one (so no event that
 * arrives during the read is lost), or everything with -c. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agg/agg.h"
#include "compat/argdist.h"

#define STARS 40
#define SLOTS 65

static const struct map *find_map(struct rt *rt, const char *name)
{
	for (size_t i = 0; i < rt->sema->maps.n; i++)
		if (!strcmp(rt->sema->maps.v[i]->name, name))
			return rt->sema->maps.v[i];
	return NULL;
}

void ad_begin(struct rt *rt, void *ctx)
{
	struct argdist *ad = ctx;

	for (size_t i = 0; i < ad->n; i++)
		ad->v[i].m = find_map(rt, ad->v[i].map);
}

/* Keyless maps are arrays with no keys in their data. */
static size_t key_size(const struct map *m)
{
	return m && !m->array ? m->key_size : 0;
}

static int cmp_key(const void *a, const void *b, void *size)
{
	return memcmp(a, b, *(const size_t *)size);
}

/* Sort the entries of d by key bytes, so that the next interval can
 * find them with bsearch. */
static void sort_by_key(struct out_mapdata *d)
{
	size_t ks = key_size(d->m), rec = ks + d->nvals * 8;
	uint8_t *tmp;

	if (!ks || d->n < 2)
		return;
	tmp = xmalloc(d->n * rec);
	for (size_t i = 0; i < d->n; i++) {
		memcpy(tmp + i * rec, d->keys + i * ks, ks);
		memcpy(tmp + i * rec + ks, d->vals + i * d->nvals, d->nvals * 8);
	}
	qsort_r(tmp, d->n, rec, cmp_key, &ks);
	for (size_t i = 0; i < d->n; i++) {
		memcpy(d->keys + i * ks, tmp + i * rec, ks);
		memcpy(d->vals + i * d->nvals, tmp + i * rec + ks, d->nvals * 8);
	}
	free(tmp);
}

static const uint64_t *prev_vals(const struct out_mapdata *prev, const uint8_t *key)
{
	long i = prev->m ? out_mapdata_find(prev, key) : -1;

	return i < 0 ? NULL : prev->vals + (size_t)i * prev->nvals;
}

/* What changed since the last interval: entries whose values moved. */
static void delta(const struct out_mapdata *cur, const struct out_mapdata *prev,
		  struct out_mapdata *d)
{
	size_t ks = key_size(cur->m), nv = cur->nvals;

	*d = (struct out_mapdata){ .m = cur->m, .nvals = nv };
	d->keys = xmalloc(cur->n * ks + 1);
	d->vals = xcalloc(cur->n * nv + 1, 8);
	for (size_t i = 0; i < cur->n; i++) {
		const uint64_t *p = prev_vals(prev, ks ? cur->keys + i * ks : NULL);
		uint64_t *v = d->vals + d->n * nv;
		bool moved = false;
		for (size_t j = 0; j < nv; j++) {
			v[j] = cur->vals[i * nv + j] - (p ? p[j] : 0);
			moved |= v[j] != 0;
		}
		if (!moved)
			continue;
		if (ks)
			memcpy(d->keys + d->n * ks, cur->keys + i * ks, ks);
		d->n++;
	}
}

/* An expression as argdist shows it: $entry(x) is x. */
static void expr_text(struct strbuf *sb, const char *s, struct span e)
{
	for (int i = e.start; i < e.end; i++) {
		const char *close;
		if (!strncmp(s + i, "$entry(", 7) && (close = memchr(s + i, ')', (size_t)(e.end - i)))) {
			sb_putn(sb, s + i + 7, (size_t)(close - s - i - 7));
			i = (int)(close - s);
		} else {
			sb_putc(sb, s[i]);
		}
	}
}

/* "arg1 = SELECT ..., arg2 = 7", as argdist labels an event. */
static void event_text(struct rt *rt, const struct adspec *a, const uint8_t *key,
		       struct strbuf *sb)
{
	const struct map *m = a->m;

	if (a->default_expr && a->ptype != 'r') {
		sb_puts(sb, "total calls");
		return;
	}
	for (int i = 0; i < m->nkeys; i++) {
		if (i)
			sb_puts(sb, ", ");
		if (a->default_expr)
			sb_puts(sb, "retval");
		else
			expr_text(sb, a->src.text, a->expr[i]);
		sb_puts(sb, " = ");
		out_value_str(&rt->out, sb, m->keys[i], key);
		key += type_storage(m->keys[i]);
	}
}

struct row {
	uint64_t count;
	char *text;
};

static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? -1 : 1;
	return strcmp(x->text, y->text);
}

/* COUNT EVENT rows, smallest first, the largest TOP with -T. */
static void print_counts(struct rt *rt, const struct argdist *ad, const struct adspec *a,
			 const struct out_mapdata *d)
{
	FILE *f = rt->out.f;
	struct row *rows = xcalloc(d->n + 1, sizeof(*rows));
	size_t first = 0;

	for (size_t i = 0; i < d->n; i++) {
		struct strbuf sb = {0};
		event_text(rt, a, d->keys ? d->keys + i * key_size(a->m) : NULL, &sb);
		rows[i] = (struct row){ d->vals[i * d->nvals], sb.s ? sb.s : xstrdup("") };
	}
	qsort(rows, d->n, sizeof(*rows), cmp_row);
	if (ad->top && d->n > (size_t)ad->top)
		first = d->n - (size_t)ad->top;
	fprintf(f, "\t%-10s %s\n", "COUNT", "EVENT");
	for (size_t i = 0; i < d->n; i++) {
		if (i >= first)
			fprintf(f, "\t%-10llu %s\n", (unsigned long long)rows[i].count, rows[i].text);
		free(rows[i].text);
	}
	free(rows);
}

/* argdist's slot of a value v is 1 + floor(log2(v)), with 0 in slot 1
 * beside 1: slot i covers [2^(i-1), 2^i - 1]. A negative value is a
 * huge unsigned one to argdist: the top slot. */
static void to_slots(const struct out_mapdata *d, uint64_t *slots)
{
	memset(slots, 0, SLOTS * sizeof(*slots));
	for (size_t b = 0; d->n && b < d->nvals; b++) {
		uint64_t lo, hi;
		bool has_lo, has_hi, sign;
		d->m->agg->bucket_range(d->m, (int)b, &lo, &hi, &has_lo, &has_hi, &sign);
		if (!has_lo)
			slots[SLOTS - 1] += d->vals[b];
		else
			slots[lo ? 64 - __builtin_clzll(lo) : 1] += d->vals[b];
	}
}

static void stars(FILE *f, uint64_t v, uint64_t max, int width)
{
	int n = max ? (int)((unsigned __int128)v * (unsigned)width / max) : 0;

	for (int i = 0; i < width; i++)
		fputc(i < n ? '*' : ' ', f);
}

static void print_hist(struct rt *rt, const struct adspec *a, const struct out_mapdata *d)
{
	FILE *f = rt->out.f;
	uint64_t slots[SLOTS], max = 0;
	int last = 0;
	struct strbuf title = {0};
	bool wide;

	to_slots(d, slots);
	for (int i = 0; i < SLOTS; i++) {
		if (slots[i])
			last = i;
		if (slots[i] > max)
			max = slots[i];
	}
	if (!last)
		return;
	if (a->has_label)
		sb_putn(&title, a->src.text + a->label.start, (size_t)(a->label.end - a->label.start));
	else if (a->default_expr)
		sb_puts(&title, "retval");
	else
		expr_text(&title, a->src.text, a->expr[0]);
	wide = last > 32;
	fprintf(f, wide ? "               %-29s : count     distribution\n"
			: "     %-19s : count     distribution\n", title.s);
	for (int i = 1; i <= last; i++) {
		uint64_t lo = (1ULL << (i - 1)), hi = i == 64 ? UINT64_MAX : (1ULL << i) - 1;
		if (lo == hi)
			lo--;
		fprintf(f, wide ? "%20llu -> %-20llu : %-8llu |" : "%10llu -> %-10llu : %-8llu |",
			(unsigned long long)lo, (unsigned long long)hi, (unsigned long long)slots[i]);
		stars(f, slots[i], max, wide ? STARS / 2 : STARS);
		fputs("|\n", f);
	}
	sb_free(&title);
}

static void print_spec(struct rt *rt, const struct argdist *ad, struct adspec *a)
{
	struct out_mapdata cur, d;

	if (!a->m || !rt_map_read(rt, a->m, &cur))
		return;
	sort_by_key(&cur);
	if (ad->cumulative)
		delta(&cur, &(struct out_mapdata){0}, &d);
	else
		delta(&cur, &a->prev, &d);
	if (rt->out.json) {
		out_map(&rt->out, &d);
	} else {
		if (a->has_label)
			fprintf(rt->out.f, "%.*s\n", a->label.end - a->label.start,
				a->src.text + a->label.start);
		else
			fprintf(rt->out.f, "%s\n", a->src.text);
		if (a->kind == 'C')
			print_counts(rt, ad, a, &d);
		else
			print_hist(rt, a, &d);
	}
	out_mapdata_free(&d);
	out_mapdata_free(&a->prev);
	a->prev = cur;
}

static void print_interval(struct rt *rt, struct argdist *ad)
{
	out_time_line(&rt->out, "[%H:%M:%S]\n", "%H:%M:%S");
	for (size_t i = 0; i < ad->n; i++)
		print_spec(rt, ad, &ad->v[i]);
	ad->printed++;
	rt_check_stdout(rt);
}

void ad_tick(struct rt *rt, void *ctx)
{
	struct argdist *ad = ctx;

	if (ad->done)
		return;
	print_interval(rt, ad);
	if (ad->count && ad->printed >= ad->count) {
		ad->done = true;
		rt->stop = true;
	}
}

/* Ctrl-C, the end of -c's command or of the traced process: the
 * interval so far is printed (argdist loses it). */
void ad_final(struct rt *rt, void *ctx)
{
	struct argdist *ad = ctx;

	if (!ad->done)
		print_interval(rt, ad);
	ad->done = true;
}
