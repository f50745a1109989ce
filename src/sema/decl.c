// SPDX-License-Identifier: GPL-2.0-only
/* Map declarations, bpftrace's "let @m = lruhash(100);" before the
 * probes: the kind of kernel map and its size. A map that is used
 * otherwise than its kind allows is refused, as is a kind plumb does not
 * know; a map not declared keeps its default (PLUMB_MAP_KEYS entries). */
#include <inttypes.h>
#include <string.h>

#include "agg/agg.h"
#include "sema/sema.h"

#define DECL_MAX_ENTRIES (1u << 24)

static const struct decl_kind {
	const char *name;
	enum map_decl decl;
	bool percpu;		/* for aggregations, not plain values */
} kinds[] = {
	{"hash", DECL_HASH, false},
	{"lruhash", DECL_LRUHASH, false},
	{"percpuhash", DECL_PERCPUHASH, true},
	{"percpulruhash", DECL_PERCPULRUHASH, true},
	{"percpuarray", DECL_PERCPUARRAY, true},
};

static const struct decl_kind *kind_of(enum map_decl d)
{
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (kinds[i].decl == d)
			return &kinds[i];
	return NULL;
}

static const struct decl_kind *find_kind(struct node *id)
{
	const char *names[ARRAY_SIZE(kinds)];
	const char *best;

	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		if (!strcmp(kinds[i].name, id->name))
			return &kinds[i];
		names[i] = kinds[i].name;
	}
	best = closest_name(id->name, names, ARRAY_SIZE(kinds));
	if (best)
		diag_error(id->loc, "unknown map kind '%s'; did you mean '%s'?", id->name, best);
	else
		diag_error(id->loc, "unknown map kind '%s' (the kinds: hash lruhash percpuhash "
			   "percpulruhash percpuarray)", id->name);
	return NULL;
}

static void decl(struct sema *s, struct node *d)
{
	const struct decl_kind *k = find_kind(d->a);
	struct node *n = d->b;
	struct map *m;

	sema_fold(n);
	if (n->kind != AST_INT) {
		diag_error(n->loc, "the size of a map must be a constant integer");
		return;
	}
	if (!k)
		return;
	if ((int64_t)n->num < 1 || n->num > DECL_MAX_ENTRIES) {
		diag_error(n->loc, "a map holds 1 to %u entries, not %" PRId64, DECL_MAX_ENTRIES,
			   (int64_t)n->num);
		return;
	}
	m = sema_map(s, d->name, MAP_GLOBAL);
	if (m->decl) {
		diag_error(d->loc, "%s is declared twice", d->name);
		return;
	}
	m->named = false;	/* the walks of the clauses say whether it is */
	m->decl = k->decl;
	m->decl_entries = (uint32_t)n->num;
	m->decl_loc = d->loc;
	m->loc = d->loc;
}

void sema_decls(struct sema *s)
{
	for (struct node *d = s->prog->decls; d; d = d->next)
		decl(s, d);
}

/* What the map turned out to hold must fit the kind it was declared. */
static void check(struct map *m)
{
	const struct decl_kind *k = kind_of(m->decl);
	const char *what = m->agg ? m->agg->name : NULL;

	if (!m->typed)
		return;		/* check_unused said so */
	if (m->decl == DECL_PERCPUARRAY) {
		if (!m->agg || m->nkeys)
			diag_error(m->decl_loc, "%s is declared percpuarray, which holds one keyless "
				   "aggregation, but it is %s", m->name, m->agg ? "keyed" :
				   "a plain value");
		else if (m->decl_entries != 1)
			diag_error(m->decl_loc, "a percpuarray holds one value: percpuarray(1)");
		return;
	}
	if (m->agg && !m->nkeys)
		diag_error(m->decl_loc, "%s is a keyless %s(), kept in a per-CPU array: declare it "
			   "percpuarray(1)", m->name, what);
	else if (m->agg && !k->percpu)
		diag_error(m->decl_loc, "%s is a %s() aggregation, kept per CPU: declare it "
			   "percpuhash or percpulruhash, not %s", m->name, what, k->name);
	else if (!m->agg && k->percpu)
		diag_error(m->decl_loc, "%s holds plain values, one copy for every CPU: declare it "
			   "hash or lruhash, not %s", m->name, k->name);
}

void sema_decls_check(struct sema *s)
{
	for (size_t i = 0; i < s->maps.n; i++)
		if (s->maps.v[i]->decl)
			check(s->maps.v[i]);
}
