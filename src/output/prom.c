// SPDX-License-Identifier: GPL-2.0-only
/* Maps as Prometheus metrics. A map is one metric family named after it;
 * its keys are labels named after the key expressions; each aggregation
 * says which type it is (agg_ops.prom_type: count() and sum() are
 * counters, stats() a summary of _count and _sum, the histograms
 * histograms, the rest gauges). The help text is the clause that fills
 * the map, so a dashboard shows what was measured. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "agg/agg.h"
#include "codegen/cg.h"
#include "output/prom.h"

/* The series a map ever left out of an exposition, as hashes of their
 * label sets, so that plumb_series_dropped_total counts each once and
 * never goes down (a clear() or --interval-clear forgets nothing here).
 * Up to PROM_DROPPED_REMEMBERED of them; past that, a left-out series not
 * among them counts at every exposition that leaves it out ("over"), so
 * the counter may count a series twice but still never decreases. */
struct seen {
	uint64_t *slots;		/* open addressing; 0 is empty */
	size_t cap, n;
	uint64_t over;
};

/* Places in the program that count what went wrong there (failed
 * reads, loops stopped at their cap): "file:line:col" and source text. */
struct places {
	char **where, **what;
	size_t n;
};

struct pmap {
	const struct map *m;
	char *name;			/* prefix + map name */
	char *labels[MAP_MAX_KEYS];
	const char *help;		/* the clause's text, help_len bytes */
	size_t help_len;
	struct seen dropped;		/* under prom.lock */
};

struct prom {
	const struct sema *s;
	char *prefix;
	unsigned max_series;
	struct pmap *maps;		/* one per sema map, by id */
	struct places reads, loops;	/* read sites, loops: their labels */
	struct places indexes;		/* run-time array indexes: their labels */
	struct places args;		/* run-time arguments out of range */
	/* --listen's thread and the -i timer's --textfile both render */
	pthread_mutex_t lock;
};

bool prom_valid_prefix(const char *p)
{
	for (const char *c = p; *c; c++) {
		bool alpha = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			     *c == '_' || *c == ':';
		if (!alpha && (c == p || *c < '0' || *c > '9'))
			return false;
	}
	return true;
}

/* ---- names from the program ---- */

/* The assignment that fills m, and its clause, searched in a block. */
static const struct node *find_assign(const struct node *stmts, const struct map *m)
{
	for (const struct node *st = stmts; st; st = st->next) {
		const struct node *hit = NULL;
		if (st->kind == AST_ASSIGN && st->a && st->a->kind == AST_MAP && st->a->map == m)
			return st;
		if (st->kind == AST_IF) {
			hit = st->b ? find_assign(st->b->list, m) : NULL;
			if (!hit && st->c)
				hit = find_assign(st->c->kind == AST_IF ? st->c : st->c->list, m);
		}
		if (hit)
			return hit;
	}
	return NULL;
}

/* The name a key expression goes by: an argument, a builtin, a field,
 * or what str() reads. */
static const char *key_name(const struct node *k)
{
	switch (k->kind) {
	case AST_IDENT:
	case AST_FIELD:
	case AST_SELF:
		return k->name;
	case AST_LOCAL:
		return k->name + 1;
	case AST_CAST:
		return k->a ? key_name(k->a) : NULL;
	case AST_CALL:
		return !strcmp(k->name, "str") && k->list ? key_name(k->list) : NULL;
	default:
		return NULL;
	}
}

static bool valid_label(const char *n, const struct pmap *pm, int upto)
{
	bool hist = pm->m->agg && pm->m->agg->shape == AGG_BUCKETS;

	if (!n || !*n || !prom_valid_prefix(n) || strchr(n, ':') || !strncmp(n, "__", 2) ||
	    (*n >= '0' && *n <= '9') || (hist && !strcmp(n, "le")))
		return false;
	for (int i = 0; i < upto; i++)
		if (!strcmp(pm->labels[i], n))
			return false;
	return true;
}

static void name_map(struct prom *p, struct pmap *pm)
{
	const struct map *m = pm->m;
	const struct node *st = NULL, *k = NULL;

	for (const struct node *c = p->s->prog->clauses; c && !st; c = c->next) {
		st = c->b ? find_assign(c->b->list, m) : NULL;
		if (st) {
			const char *text = p->s->prog->src.text;
			pm->help = text + c->loc.start;
			pm->help_len = (size_t)(c->loc.end - c->loc.start);
		}
	}
	pm->name = xasprintf("%s%s", p->prefix, m->name[1] ? m->name + 1 : PROM_ANON_NAME);
	k = st ? st->a->list : NULL;
	for (int i = 0; i < m->nkeys; i++, k = k ? k->next : NULL) {
		const char *n = k ? key_name(k) : NULL;
		pm->labels[i] = valid_label(n, pm, i) ? xstrdup(n) : xasprintf("key%d", i);
	}
}

static void places_new(struct places *pl, const struct loc *locs, size_t n)
{
	pl->n = n;
	pl->where = xcalloc(n + 1, sizeof(char *));
	pl->what = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		struct strbuf where = {0}, what = {0};
		out_read_site(locs[i], &where, &what);
		pl->where[i] = where.s ? where.s : xstrdup("");
		pl->what[i] = what.s ? what.s : xstrdup("");
	}
}

static void places_free(struct places *pl)
{
	for (size_t i = 0; i < pl->n; i++) {
		free(pl->where[i]);
		free(pl->what[i]);
	}
	free(pl->where);
	free(pl->what);
}

struct prom *prom_new(const struct sema *s, const char *prefix, unsigned max_series)
{
	struct prom *p = xcalloc(1, sizeof(*p));
	struct loc *args;

	p->s = s;
	p->prefix = xstrdup(prefix);
	p->max_series = max_series;
	p->maps = xcalloc(s->maps.n + 1, sizeof(*p->maps));
	for (size_t i = 0; i < s->maps.n; i++) {
		p->maps[i].m = s->maps.v[i];
		if (s->maps.v[i]->kind == MAP_GLOBAL)
			name_map(p, &p->maps[i]);
	}
	places_new(&p->reads, s->reads.v, s->reads.n);
	places_new(&p->loops, s->loops.v, s->loops.n);
	struct loc *at = xcalloc(s->indexes.n + 1, sizeof(*at));
	for (size_t i = 0; i < s->indexes.n; i++)
		at[i] = s->indexes.v[i].loc;
	places_new(&p->indexes, at, s->indexes.n);
	free(at);
	args = xcalloc(s->args.n + 1, sizeof(*args));
	for (size_t i = 0; i < s->args.n; i++)
		args[i] = s->args.v[i].loc;
	places_new(&p->args, args, s->args.n);
	free(args);
	pthread_mutex_init(&p->lock, NULL);
	return p;
}

void prom_free(struct prom *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->s->maps.n; i++) {
		free(p->maps[i].name);
		for (int k = 0; k < MAP_MAX_KEYS; k++)
			free(p->maps[i].labels[k]);
		free(p->maps[i].dropped.slots);
	}
	places_free(&p->reads);
	places_free(&p->loops);
	places_free(&p->indexes);
	places_free(&p->args);
	pthread_mutex_destroy(&p->lock);
	free(p->maps);
	free(p->prefix);
	free(p);
}

/* ---- escaping ---- */

/* Backslash and newline always; the double quote in label values (and
 * in OpenMetrics help texts). Bytes that are not UTF-8 (traced memory is
 * anything) become U+FFFD, as the format must be UTF-8. */
static void escape(struct strbuf *sb, const char *s, size_t len, bool quote)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; i < len; i++) {
		size_t n = u[i] >= 0x80 ? utf8_len(u + i, len - i) : 1;
		if (!n) {
			sb_puts(sb, "\xef\xbf\xbd");
			continue;
		}
		if (n > 1) {
			sb_putn(sb, s + i, n);
			i += n - 1;
		} else if (u[i] == '\\') {
			sb_puts(sb, "\\\\");
		} else if (u[i] == '\n') {
			sb_puts(sb, "\\n");
		} else if (u[i] == '"' && quote) {
			sb_puts(sb, "\\\"");
		} else {
			sb_putc(sb, (char)u[i]);
		}
	}
}

/* ---- samples ---- */

static void family(struct strbuf *sb, const char *name, const char *type, const char *help,
		   size_t help_len, bool om)
{
	sb_printf(sb, "# HELP %s ", name);
	escape(sb, help, help_len, om);
	sb_printf(sb, "\n# TYPE %s %s\n", name, type);
}

static void number(struct strbuf *sb, uint64_t v, bool sign)
{
	if (sign)
		sb_printf(sb, " %lld\n", (long long)v);
	else
		sb_printf(sb, " %llu\n", (unsigned long long)v);
}

/* name{labels[,le="..."]} value */
static void sample(struct strbuf *sb, const char *name, const char *suffix, const char *labels,
		   const char *le, uint64_t v, bool sign)
{
	sb_printf(sb, "%s%s", name, suffix);
	if (*labels || le) {
		sb_printf(sb, "{%s", labels);
		if (le)
			sb_printf(sb, "%sle=\"%s\"", *labels ? "," : "", le);
		sb_putc(sb, '}');
	}
	number(sb, v, sign);
}

/* Cumulative buckets: le is each bucket's inclusive upper bound (the
 * values are integers), the last one +Inf. An unsigned hist() has no
 * negative bucket to show. */
static void histogram(struct strbuf *sb, const struct pmap *pm, const char *labels,
		      const uint64_t *v, int n, uint64_t sum)
{
	const struct map *m = pm->m;
	uint64_t cum = 0, lo, hi;
	bool has_lo, has_hi, sign;
	char le[32];

	for (int i = 0; i < n; i++) {
		cum += v[i];
		if (!m->agg->bucket_range(m, i, &lo, &hi, &has_lo, &has_hi, &sign))
			continue;
		if (i == n - 1 || !has_hi)
			snprintf(le, sizeof(le), "+Inf");
		else if (sign)
			snprintf(le, sizeof(le), "%lld", (long long)hi);
		else
			snprintf(le, sizeof(le), "%llu", (unsigned long long)hi);
		sample(sb, pm->name, "_bucket", labels, le, cum, false);
		if (!strcmp(le, "+Inf"))
			break;
	}
	sample(sb, pm->name, "_sum", labels, NULL, sum, m->val.sign);
	sample(sb, pm->name, "_count", labels, NULL, cum, false);
}

static bool counter(const struct map *m)
{
	return m->agg && !strcmp(m->agg->prom_type, "counter");
}

/* One entry of a map as its samples. */
static void entry(struct strbuf *sb, const struct pmap *pm, const char *labels,
		  const uint64_t *v, size_t nvals, uint64_t sum)
{
	const struct map *m = pm->m;
	uint64_t n;
	bool sign;

	if (!m->agg) {
		sample(sb, pm->name, "", labels, NULL, v[0], m->val.sign);
		return;
	}
	switch (m->agg->shape) {
	case AGG_NUMBER:
		/* a gauge of nothing yet (avg, min, max) has no sample */
		if (m->agg->number(m, v, &n, &sign))
			sample(sb, pm->name, counter(m) ? "_total" : "", labels, NULL, n, sign);
		break;
	case AGG_STATS:
		sample(sb, pm->name, "_sum", labels, NULL, v[1], m->val.sign);
		sample(sb, pm->name, "_count", labels, NULL, v[0], false);
		break;
	case AGG_BUCKETS:
		histogram(sb, pm, labels, v, (int)nvals, sum);
		break;
	}
}

static const char *family_type(const struct map *m)
{
	return m->agg ? m->agg->prom_type : "gauge";
}

static bool exported(const struct map *m)
{
	return m->kind == MAP_GLOBAL &&
	       (m->agg || m->val.kind == T_INT || m->val.kind == T_PTR);
}

static void labels_of(struct out *o, const struct pmap *pm, const uint8_t *key,
		      struct strbuf *lb)
{
	struct strbuf v = {0};

	sb_reset(lb);
	for (int i = 0; i < pm->m->nkeys; i++) {
		sb_reset(&v);
		out_value_str(o, &v, pm->m->keys[i], key);
		sb_printf(lb, "%s%s=\"", i ? "," : "", pm->labels[i]);
		escape(lb, v.s ? v.s : "", v.len, true);
		sb_putc(lb, '"');
		key += type_storage(pm->m->keys[i]);
	}
	sb_free(&v);
}

/* ---- series that print alike ---- */

/* Keys that differ can print the same (one function as usym() in two
 * processes, stacks, strings whose bytes that are not UTF-8 both print
 * as U+FFFD): one series each would be a
 * duplicate sample, which a scraper refuses. They are one series, whose
 * value is what the aggregation makes of both, as it makes one of the
 * CPUs' copies: counts, sums and buckets add, min and max keep the
 * extreme, avg follows from the summed count and sum. A plain value
 * cannot be combined: the largest is shown. */
static void merge_value(const struct out_mapdata *d, uint64_t *to, const uint64_t *v,
			uint64_t *to_sum, uint64_t sum)
{
	const struct map *m = d->m;

	*to_sum += sum;
	if (m->agg)
		m->agg->combine(to, v, d->nvals);
	else if (m->val.sign ? (int64_t)v[0] > (int64_t)to[0] : v[0] > to[0])
		to[0] = v[0];
}

struct bylabel {
	const struct out_mapdata *d;
	char **labels;
};

static int by_label(const void *a, const void *b, void *arg)
{
	const struct bylabel *c = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b, ks = c->d->m->key_size;
	int r = strcmp(c->labels[x], c->labels[y]);

	return r ? r : memcmp(c->d->keys + x * ks, c->d->keys + y * ks, ks);
}

/* d's entries merged by label set into md, labels[i] md's i-th label set
 * (taken from the entries' labels, which are freed). Each series keeps
 * the smallest of its keys, for a stable order. */
static char **merge_series(const struct out_mapdata *d, char **labels, struct out_mapdata *md)
{
	size_t *idx = xcalloc(d->n + 1, sizeof(size_t)), ks = d->m->key_size, nv = d->nvals;
	struct bylabel c = { d, labels };
	char **ml = xcalloc(d->n + 1, sizeof(char *));

	*md = (struct out_mapdata){ .m = d->m, .nvals = nv };
	md->keys = xcalloc(d->n + 1, ks ? ks : 1);
	md->vals = xcalloc(d->n + 1, nv * 8);
	md->sums = xcalloc(d->n + 1, 8);
	for (size_t i = 0; i < d->n; i++)
		idx[i] = i;
	qsort_r(idx, d->n, sizeof(size_t), by_label, &c);
	for (size_t j = 0; j < d->n; j++) {
		size_t i = idx[j], k = md->n;
		const uint64_t *v = d->vals + i * nv;
		uint64_t sum = d->sums ? d->sums[i] : 0;
		if (k && !strcmp(ml[k - 1], labels[i])) {
			merge_value(d, md->vals + (k - 1) * nv, v, &md->sums[k - 1], sum);
			free(labels[i]);
			continue;
		}
		if (d->keys)	/* a keyless map's has none */
			memcpy(md->keys + k * ks, d->keys + i * ks, ks);
		memcpy(md->vals + k * nv, v, nv * 8);
		md->sums[k] = sum;
		ml[md->n++] = labels[i];
	}
	free(idx);
	free(labels);
	return ml;
}

static char **entry_labels(struct out *o, const struct pmap *pm, const struct out_mapdata *d)
{
	char **labels = xcalloc(d->n + 1, sizeof(char *));
	struct strbuf lb = {0};

	for (size_t i = 0; i < d->n; i++) {
		labels_of(o, pm, d->keys ? d->keys + i * pm->m->key_size : NULL, &lb);
		labels[i] = xstrdup(lb.s ? lb.s : "");
	}
	sb_free(&lb);
	return labels;
}

/* ---- the series cap ---- */

#define PROM_DROPPED_REMEMBERED 65536

static uint64_t hash_labels(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;	/* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	h ^= h >> 31;
	return h ? h : 1;
}

static bool seen_has(const struct seen *st, uint64_t h, size_t *slot)
{
	size_t i = st->cap ? h & (st->cap - 1) : 0;

	for (; st->cap && st->slots[i]; i = (i + 1) & (st->cap - 1))
		if (st->slots[i] == h)
			return true;
	*slot = i;
	return false;
}

static void seen_grow(struct seen *st)
{
	struct seen big = { .cap = st->cap ? st->cap * 2 : 64 };
	size_t slot;

	big.slots = xcalloc(big.cap, 8);
	for (size_t i = 0; i < st->cap; i++)
		if (st->slots[i] && !seen_has(&big, st->slots[i], &slot))
			big.slots[slot] = st->slots[i], big.n++;
	big.over = st->over;
	free(st->slots);
	*st = big;
}

/* A series left out: counted if it was never left out before. */
static void seen_add(struct seen *st, const char *labels)
{
	uint64_t h = hash_labels(labels);
	size_t slot = 0;

	if (st->cap && seen_has(st, h, &slot))
		return;
	if (st->n >= PROM_DROPPED_REMEMBERED) {
		st->over++;
		return;
	}
	if (st->n * 2 >= st->cap) {
		seen_grow(st);
		seen_has(st, h, &slot);
	}
	st->slots[slot] = h;
	st->n++;
}

/* The map's family; returns how many series the cap left out of it. */
static uint64_t render_map(struct prom *p, struct pmap *pm, struct out *o,
			   const struct prom_source *src, bool om, struct strbuf *sb)
{
	const struct map *m = pm->m;
	struct out_mapdata raw, d;
	char *fam, **labels;
	size_t *order, from;

	if (!src->read(src->ctx, m, &raw))
		return 0;
	fam = counter(m) && !om ? xasprintf("%s_total", pm->name) : xstrdup(pm->name);
	family(sb, fam, family_type(m), pm->help ? pm->help : m->name,
	       pm->help ? pm->help_len : strlen(m->name), om);
	free(fam);
	if (!raw.n && !m->nkeys && m->agg) {
		/* a keyless aggregation exists from the start, at zero */
		uint64_t *zero = xcalloc(raw.nvals, 8);
		entry(sb, pm, "", zero, raw.nvals, 0);
		free(zero);
	}
	labels = merge_series(&raw, entry_labels(o, pm, &raw), &d);
	out_mapdata_free(&raw);
	order = out_map_order(&d);
	from = d.n > p->max_series ? d.n - p->max_series : 0;
	pthread_mutex_lock(&p->lock);
	for (size_t j = 0; j < from; j++)
		seen_add(&pm->dropped, labels[order[j]]);
	pthread_mutex_unlock(&p->lock);
	for (size_t j = from; j < d.n; j++) {
		size_t i = order[j];
		entry(sb, pm, labels[i], d.vals + i * d.nvals, d.nvals, d.sums[i]);
	}
	for (size_t i = 0; i < d.n; i++)
		free(labels[i]);
	free(labels);
	free(order);
	out_mapdata_free(&d);
	return from;
}

/* "# HELP NAME TEXT" and "# TYPE NAME TYPE" of one of plumb's own
 * families; a counter's name gets _total but in OpenMetrics. */
static char *own_family(struct prom *p, struct strbuf *sb, const char *name, const char *type,
			bool om, const char *help)
{
	bool total = !strcmp(type, "counter") && !om;
	char *n = xasprintf("%s%s", p->prefix, name);

	sb_printf(sb, "# HELP %s%s %s\n# TYPE %s%s %s\n", n, total ? "_total" : "", help, n,
		  total ? "_total" : "", type);
	return n;
}

static void map_label(struct strbuf *sb, const struct map *m)
{
	sb_puts(sb, "{map=\"");
	escape(sb, m->name, strlen(m->name), true);
	sb_puts(sb, "\"}");
}

/* One counter per place, from stat slot base on; frees the name n. */
static void places(const struct prom_source *src, struct strbuf *sb,
		   const struct places *pl, int base, char *n)
{
	for (size_t i = 0; i < pl->n; i++) {
		sb_printf(sb, "%s_total{location=\"", n);
		escape(sb, pl->where[i], strlen(pl->where[i]), true);
		sb_puts(sb, "\",expression=\"");
		escape(sb, pl->what[i], strlen(pl->what[i]), true);
		sb_printf(sb, "\"} %llu\n",
			  (unsigned long long)src->stat(src->ctx, base + (int)i));
	}
	free(n);
}

static void own_counters(struct prom *p, const struct prom_source *src, const uint64_t *omitted,
			 bool om, struct strbuf *sb)
{
	const struct sema *s = p->s;
	char *n, help[160];

	n = own_family(p, sb, "events_lost", "counter", om, "Events the BPF programs could not "
		       "hand to plumb: the ring buffer was full.");
	sb_printf(sb, "%s_total %llu\n", n, (unsigned long long)src->stat(src->ctx, STAT_LOST));
	free(n);
	n = own_family(p, sb, "map_updates_dropped", "counter", om,
		       "Map updates dropped because the map was full.");
	for (size_t i = 0; i < s->maps.n; i++) {
		sb_printf(sb, "%s_total", n);
		map_label(sb, s->maps.v[i]);
		sb_printf(sb, " %llu\n",
			  (unsigned long long)src->stat(src->ctx, STAT_MAP_BASE + (int)i));
	}
	free(n);
	/* a program without such places has no such family */
	if (p->reads.n)
		places(src, sb, &p->reads, STAT_READ_BASE(s), own_family(p, sb, "failed_reads",
		       "counter", om, "Reads of memory by the program that failed (a bad "
		       "address, or memory not paged in), by place in the program; each was "
		       "read as 0 or an empty string."));
	snprintf(help, sizeof(help), "Loops that stopped at their cap of %d trips, their "
		 "condition still true, by place in the program.", CG_LOOP_MAX);
	if (p->loops.n)
		places(src, sb, &p->loops, STAT_LOOP_BASE(s),
		       own_family(p, sb, "loop_caps", "counter", om, help));
	if (p->indexes.n)
		places(src, sb, &p->indexes, STAT_INDEX_BASE(s), own_family(p, sb,
		       "index_out_of_range", "counter", om, "Array elements asked for by an "
		       "index outside the array, by place in the program; each was read as 0."));
	if (p->args.n)
		places(src, sb, &p->args, STAT_ARG_BASE(s), own_family(p, sb, "arguments_out_of_range",
		       "counter", om, "Run-time arguments out of their function's range (a buf() "
		       "length above its buffer, a negative strncmp() length, an ntop() family "
		       "neither IPv4 nor IPv6), by place in the program."));
	snprintf(help, sizeof(help), "Series of a map ever left out of an exposition for being "
		 "more than --max-series (%u), each counted once.", p->max_series);
	n = own_family(p, sb, "series_dropped", "counter", om, help);
	pthread_mutex_lock(&p->lock);
	for (size_t i = 0; i < s->maps.n; i++) {
		if (!exported(s->maps.v[i]))
			continue;
		sb_printf(sb, "%s_total", n);
		map_label(sb, s->maps.v[i]);
		sb_printf(sb, " %llu\n", (unsigned long long)(p->maps[i].dropped.n +
							     p->maps[i].dropped.over));
	}
	pthread_mutex_unlock(&p->lock);
	free(n);
	snprintf(help, sizeof(help), "Series of a map left out of this exposition for being more "
		 "than --max-series (%u).", p->max_series);
	n = own_family(p, sb, "series_omitted", "gauge", om, help);
	for (size_t i = 0; i < s->maps.n; i++) {
		if (!exported(s->maps.v[i]))
			continue;
		sb_puts(sb, n);
		map_label(sb, s->maps.v[i]);
		sb_printf(sb, " %llu\n", (unsigned long long)omitted[i]);
	}
	free(n);
}

void prom_render(struct prom *p, struct out *o, const struct prom_source *src, bool openmetrics,
		 struct strbuf *sb)
{
	uint64_t *omitted = xcalloc(p->s->maps.n + 1, 8);

	for (size_t i = 0; i < p->s->maps.n; i++)
		if (exported(p->maps[i].m))
			omitted[i] = render_map(p, &p->maps[i], o, src, openmetrics, sb);
	own_counters(p, src, omitted, openmetrics, sb);
	if (openmetrics)
		sb_puts(sb, "# EOF\n");
	free(omitted);
}
