// SPDX-License-Identifier: GPL-2.0-only
/* Calls (functions are in func/, aggregations in agg/) and map
 * references. */
#include <stdlib.h>
#include <string.h>

#include "agg/agg.h"
#include "builtin/builtin.h"
#include "func/func.h"
#include "options.h"
#include "sema/scope.h"

/* Functions, then aggregations (registered in agg/), for hints. */
static size_t all_names(const char **names, size_t max)
{
	size_t n = 0;
	const struct func_def *f;
	const struct agg_ops *a;

	for (size_t i = 0; (f = func_at(i)) && n < max; i++)
		names[n++] = f->name;
	for (size_t i = 0; (a = agg_at(i)) && n < max; i++)
		names[n++] = a->name;
	return n;
}

/* An aggregation's value is a map's: it only appears as @name = agg(). */
static void agg_call(struct scope *sc, struct node *n, const struct agg_ops *a)
{
	int nargs = ast_count(n->list);

	if (nargs != a->nargs)
		sc_error(sc, n->loc, "%s() takes %d argument%s, not %d", a->name, a->nargs,
			 a->nargs == 1 ? "" : "s", nargs);
	else
		sc_error(sc, n->loc, "%s() must be assigned to a map: @name = %s(...)", a->name,
			 a->name);
}

static bool func_known(struct scope *sc, struct node *n, const struct func_def **out)
{
	const char *names[64];
	const struct func_def *f = func_find(n->name);
	const struct agg_ops *a = f ? NULL : agg_find(n->name);
	int nargs = ast_count(n->list);

	if (a) {
		agg_call(sc, n, a);
		return false;
	}
	if (!f) {
		const char *best = closest_name(n->name, names, all_names(names, ARRAY_SIZE(names)));
		struct loc nl = { n->loc.start, n->loc.start + (int)strlen(n->name) };
		if (best)
			sc_error(sc, nl, "unknown function '%s'; did you mean '%s'?", n->name, best);
		else
			sc_error(sc, nl, "unknown function '%s'", n->name);
		return false;
	}
	if (nargs < f->min || nargs > f->max) {
		if (f->min == f->max)
			sc_error(sc, n->loc, "%s() takes %d argument%s, not %d", f->name, f->min,
				 f->min == 1 ? "" : "s", nargs);
		else
			sc_error(sc, n->loc, "%s() takes %d to %d arguments, not %d", f->name,
				 f->min, f->max, nargs);
		return false;
	}
	n->id = func_id(f);
	*out = f;
	return true;
}

/* bpftrace's NAME() is its builtin NAME (comm(), pid(), ustack()): a
 * call without arguments to a builtin's name is the builtin, even where
 * a function of that name takes arguments (ustack(N)). */
static bool builtin_call(struct scope *sc, struct node *n, bool as_stmt)
{
	if (n->list || !builtin_find(n->name))
		return false;
	if (as_stmt) {
		sc_error(sc, n->loc, "the value of %s() is not used", n->name);
		return true;
	}
	n->kind = AST_IDENT;
	sema_expr(sc, n);
	return true;
}

/* A function's name and argument count, then its hook: it checks the
 * arguments and gives the type; the call's id names the function for
 * codegen's hooks. */
void sema_call(struct scope *sc, struct node *n, bool as_stmt)
{
	const struct func_def *f;

	n->type = type_of(T_NONE);
	if (builtin_call(sc, n, as_stmt))
		return;
	if (!func_known(sc, n, &f))
		return;
	if (f->stmt && !as_stmt) {
		sc_error(sc, n->loc, "%s() has no value", f->name);
		return;
	}
	if (as_stmt && !f->stmt) {
		sc_error(sc, n->loc, "the value of %s() is not used", f->name);
		return;
	}
	if (f->stmt)
		n->type = type_of(T_VOID);
	f->sema(sc, n);
}

static bool key_type_ok(struct type t)
{
	return t.kind == T_INT || t.kind == T_PTR || t.kind == T_STR || t.kind == T_USTACK ||
	       t.kind == T_KSTACK || t.kind == T_USYM || t.kind == T_PROBE || t.kind == T_BOOL ||
	       t.kind == T_TUPLE || t.kind == T_TEXT || t.kind == T_ARRAY;
}

static bool same_kind(struct type a, struct type b)
{
	if (a.kind == T_BOOL)
		return b.kind == T_BOOL;	/* an integer key would print as a bool */
	if (type_is_int(a) && type_is_int(b))
		return sema_kept_agree(a, b);
	if (a.kind == T_USTACK)
		return b.kind == a.kind && a.len == b.len;	/* ustack(N) */
	if (a.kind == T_TEXT)
		return sema_kept_agree(a, b);	/* what renders it, and how */
	if (a.kind == T_TUPLE || a.kind == T_ARRAY)
		return b.kind == a.kind && a.ct == b.ct;
	return a.kind == b.kind;
}

/* The keys' types, each key checked; *complete false when one is not
 * known yet. A lone tuple is the keys, as bpftrace has it: with
 * $t = (a, b), @m[$t] is @m[a, b] (n->spread). Returns how many. */
static int key_types(struct scope *sc, struct node *n, struct type *ts, struct node **at,
		     bool *complete)
{
	int nk = 0;

	for (struct node **k = &n->list; *k && nk < MAP_MAX_KEYS; k = &(*k)->next, nk++) {
		sema_expr(sc, *k);
		sema_charp_to_str(sc, k);
		sema_array_whole(*k);
		ts[nk] = (*k)->type;
		at[nk] = *k;
		if (type_bad(ts[nk]))
			*complete = false;
	}
	n->spread = nk == 1 && ts[0].kind == T_TUPLE && !tuple_is_record(ts[0].ct) &&
		    ts[0].ct->nmembers <= MAP_MAX_KEYS;
	if (!n->spread)
		return nk;
	const struct ctype *ct = ts[0].ct;
	for (size_t i = 0; i < ct->nmembers; i++) {
		ts[i] = ct->members[i].vt;
		at[i] = n->list;
	}
	return (int)ct->nmembers;
}

static bool check_keys(struct scope *sc, struct node *n, struct map *m, bool write)
{
	struct type ts[MAP_MAX_KEYS];
	struct node *at[MAP_MAX_KEYS];
	bool complete = true;
	int nkeys;

	if (ast_count(n->list) > MAP_MAX_KEYS) {
		sc_error(sc, n->loc, "a map has at most %d keys", MAP_MAX_KEYS);
		return false;
	}
	nkeys = key_types(sc, n, ts, at, &complete);
	if (m->typed && m->nkeys != nkeys) {
		sc_error(sc, n->loc, "%s has %d key%s here but %d elsewhere", n->name, nkeys,
			 nkeys == 1 ? "" : "s", m->nkeys);
		return false;
	}
	for (int i = 0; i < nkeys; i++) {
		struct type t = ts[i];
		if (type_bad(t))
			continue;	/* fixed where every key is known */
		if (!key_type_ok(t)) {
			sc_error(sc, at[i]->loc, "a %s cannot be a map key",
				 type_name(t, (char[32]){0}, 32));
			continue;
		}
		if (t.kind == T_ARRAY && !sema_record_storable(sc, at[i]))
			continue;
		if (!m->typed && write) {
			/* an enum key prints by name; a typed pointer keeps its type */
			m->keys[i] = type_is_int(t) && t.kind != T_BOOL ? sema_kept_int(t) : t;
		} else if (m->typed && !same_kind(m->keys[i], t)) {
			char a[200], b[200];
			sc_error(sc, at[i]->loc, "key %d of %s is a %s elsewhere, not a %s%s", i + 1,
				 n->name, type_name(m->keys[i], a, sizeof(a)),
				 type_name(t, b, sizeof(b)), sema_kept_differ(m->keys[i], t));
		} else if (t.kind == T_STR && t.len > m->keys[i].len) {
			m->keys[i].len = t.len;
		}
	}
	if (!complete && !m->typed)
		return false;
	if (!m->typed && write)
		m->nkeys = nkeys;
	return true;
}

bool sc_self_read(struct scope *sc, struct map *m, struct node *ref)
{
	if (!sc->assigning || strcmp(sc->assigning, m->name))
		return false;
	if (!sc->s->self_default) {
		sc->s->self_pending = true;
		return false;
	}
	if (m->kind == MAP_GLOBAL && !check_keys(sc, ref, m, true))
		return false;
	m->typed = true;
	m->agg = NULL;
	m->val = type_int(8, true);
	m->loc = ref->loc;
	return true;
}

bool sema_map_ref(struct scope *sc, struct node *n, enum map_use use)
{
	struct map *m = sema_map(sc->s, n->name, MAP_GLOBAL);

	n->map = m;
	if (!check_keys(sc, n, m, use == MAP_USE_WRITE))
		return false;
	if (use == MAP_USE_WRITE)
		return true;
	if (use == MAP_USE_KEY) {
		if (!m->typed)
			sc_error(sc, n->loc, "map %s is never assigned", n->name);
		return m->typed;
	}
	if (!m->typed && !sc_self_read(sc, m, n)) {
		sc_error(sc, n->loc, "map %s is used but never assigned", n->name);
		return false;
	}
	if (m->agg && !m->agg->emit_read) {
		sc_error(sc, n->loc, "%s is a %s() aggregation; it cannot be read in a probe "
			 "(count(), sum(), avg(), min() and max() can; print(%s) shows it)", n->name,
			 m->agg->name, n->name);
		return false;
	}
	n->type = m->val;
	return true;
}
