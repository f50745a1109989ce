// SPDX-License-Identifier: GPL-2.0-only
/* Maps as Prometheus metrics. A map is one metric family named after it;
 * its keys are labels named after the key expressions; each aggregation
 * says which type it is (agg_ops.prom_type: count() and sum() are
 * counters, stats() a summary of _count and _sum, the histograms
 * histograms, the rest gauges). The help text is the clause that fills
 * the map, so a dashboard shows what was measured. */
#include <stdlib.h>
#include <string.h>

#include "agg/agg.h"
#include "codegen/cg.h"
#include "output/prom.h"

struct pmap {
	const struct map *m;
	char *name;			/* prefix + map name */
	char *labels[MAP_MAX_KEYS];
	const char *help;		/* the clause's text, help_len bytes */
	size_t help_len;
};

struct prom {
	const struct sema *s;
	char *prefix;
	unsigned max_series;
	struct pmap *maps;		/* one per sema map, by id */
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

struct prom *prom_new(const struct sema *s, const char *prefix, unsigned max_series)
{
	struct prom *p = xcalloc(1, sizeof(*p));

	p->s = s;
	p->prefix = xstrdup(prefix);
	p->max_series = max_series;
	p->maps = xcalloc(s->maps.n + 1, sizeof(*p->maps));
	for (size_t i = 0; i < s->maps.n; i++) {
		p->maps[i].m = s->maps.v[i];
		if (s->maps.v[i]->kind == MAP_GLOBAL)
			name_map(p, &p->maps[i]);
	}
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
	}
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

/* The map's family; returns how many series the cap left out. */
static uint64_t render_map(struct prom *p, const struct pmap *pm, struct out *o,
			   const struct prom_source *src, bool om, struct strbuf *sb)
{
	const struct map *m = pm->m;
	struct out_mapdata d;
	struct strbuf lb = {0};
	char *fam;
	size_t *order, from;

	if (!src->read(src->ctx, m, &d))
		return 0;
	fam = counter(m) && !om ? xasprintf("%s_total", pm->name) : xstrdup(pm->name);
	family(sb, fam, family_type(m), pm->help ? pm->help : m->name,
	       pm->help ? pm->help_len : strlen(m->name), om);
	free(fam);
	if (!d.n && !m->nkeys && m->agg) {
		/* a keyless aggregation exists from the start, at zero */
		uint64_t *zero = xcalloc(d.nvals, 8);
		entry(sb, pm, "", zero, d.nvals, 0);
		free(zero);
	}
	order = out_map_order(&d);
	from = d.n > p->max_series ? d.n - p->max_series : 0;
	for (size_t j = from; j < d.n; j++) {
		size_t i = order[j];
		labels_of(o, pm, d.keys ? d.keys + i * m->key_size : NULL, &lb);
		entry(sb, pm, lb.s ? lb.s : "", d.vals + i * d.nvals, d.nvals,
		      d.sums ? d.sums[i] : 0);
	}
	free(order);
	sb_free(&lb);
	out_mapdata_free(&d);
	return from;
}

static void own_counters(struct prom *p, const struct prom_source *src, const uint64_t *dropped,
			 bool om, struct strbuf *sb)
{
	const struct sema *s = p->s;
	struct strbuf lb = {0};
	char *n;

	n = xasprintf("%sevents_lost", p->prefix);
	sb_printf(sb, "# HELP %s%s Events the BPF programs could not hand to plumb: the ring "
		  "buffer was full.\n# TYPE %s%s counter\n%s_total %llu\n", n, om ? "" : "_total",
		  n, om ? "" : "_total", n, (unsigned long long)src->stat(src->ctx, STAT_LOST));
	free(n);
	n = xasprintf("%smap_updates_dropped", p->prefix);
	sb_printf(sb, "# HELP %s%s Map updates dropped because the map was full.\n"
		  "# TYPE %s%s counter\n", n, om ? "" : "_total", n, om ? "" : "_total");
	for (size_t i = 0; i < s->maps.n; i++) {
		sb_reset(&lb);
		escape(&lb, s->maps.v[i]->name, strlen(s->maps.v[i]->name), true);
		sb_printf(sb, "%s_total{map=\"%s\"} %llu\n", n, lb.s,
			  (unsigned long long)src->stat(src->ctx, STAT_MAP_BASE + (int)i));
	}
	free(n);
	n = xasprintf("%sseries_dropped", p->prefix);
	sb_printf(sb, "# HELP %s%s Keys of a map left out of this exposition: more than "
		  "--max-series (%u).\n# TYPE %s%s counter\n", n, om ? "" : "_total",
		  p->max_series, n, om ? "" : "_total");
	for (size_t i = 0; i < s->maps.n; i++)
		if (exported(s->maps.v[i]))
			sb_printf(sb, "%s_total{map=\"%s\"} %llu\n", n, s->maps.v[i]->name,
				  (unsigned long long)dropped[i]);
	free(n);
	sb_free(&lb);
}

void prom_render(struct prom *p, struct out *o, const struct prom_source *src, bool openmetrics,
		 struct strbuf *sb)
{
	uint64_t *dropped = xcalloc(p->s->maps.n + 1, 8);

	for (size_t i = 0; i < p->s->maps.n; i++)
		if (exported(p->maps[i].m))
			dropped[i] = render_map(p, &p->maps[i], o, src, openmetrics, sb);
	own_counters(p, src, dropped, openmetrics, sb);
	if (openmetrics)
		sb_puts(sb, "# EOF\n");
	free(dropped);
}
