// SPDX-License-Identifier: GPL-2.0-only
/* The sema driver: probes first, then two walks over every clause (the
 * first, muted, learns the types of maps from all their assignments so
 * that the second can check uses anywhere in the program), then layout. */
#include <stdlib.h>
#include <string.h>

#include "binary/btf.h"
#include "options.h"
#include "binary/binary.h"
#include "sema/scope.h"

struct map *sema_map(struct sema *s, const char *name, enum map_kind kind)
{
	for (size_t i = 0; i < s->maps.n; i++)
		if (!strcmp(s->maps.v[i]->name, name)) {
			s->maps.v[i]->named = true;
			return s->maps.v[i];
		}
	struct map *m = xcalloc(1, sizeof(*m));
	m->name = xstrdup(name);
	m->kind = kind;
	m->id = (int)s->maps.n;
	m->named = true;
	vec_push(&s->maps, m);
	return m;
}

struct name_lookup {
	const struct sema *s;
	const char *name;
};

static bool same_name(const void *ctx, size_t id)
{
	const struct name_lookup *l = ctx;

	return !strcmp(l->s->probe_names.v[id], l->name);
}

/* A binary's every function is a name: an index, not a scan (PostgreSQL's
 * 9551 functions took 0.5 s of strcmp). */
int sema_probe_name(struct sema *s, const char *name)
{
	struct name_lookup l = { s, name };
	uint64_t h = hash_str(name);
	long id = hindex_find(&s->probe_index, h, same_name, &l);

	if (id >= 0)
		return (int)id;
	vec_push(&s->probe_names, xstrdup(name));
	hindex_add(&s->probe_index, h, s->probe_names.n - 1);
	return (int)s->probe_names.n - 1;
}

int sema_event(struct sema *s, struct event ev)
{
	vec_push(&s->events, ev);
	return (int)s->events.n;
}

/* func and probe at a site: "memsqld:querystart" and
 * "usdt:/path/memsqld:memsqld:querystart"; both travel in the cookie. */
static void name_site(struct sema *s, struct probe *p, struct probe_site *site)
{
	char *full = NULL;

	site->name_id = sema_probe_name(s, site->func ? site->func : p->spec);
	if (site->func)
		full = xasprintf("%s:%s%s%s", p->kind->name, site->path ? site->path : "",
				 site->path ? ":" : "", site->func);
	site->probe_id = full ? sema_probe_name(s, full) : p->spec_id;
	site->cookie = (uint64_t)site->name_id | (uint64_t)site->probe_id << 32;
	free(full);
}

bool sema_probes(struct sema *s)
{
	bool ok = true;

	for (struct node *c = s->prog->clauses; c; c = c->next) {
		for (struct node *pn = c->list; pn; pn = pn->next) {
			struct probe *p = probe_new(pn, s->opts, &s->types);
			if (!p) {
				ok = false;
				continue;
			}
			pn->probe = p;
			vec_push(&s->probes, p);
			p->spec_id = sema_probe_name(s, p->spec);
			for (size_t i = 0; i < p->sites.n; i++)
				name_site(s, p, &p->sites.v[i]);
		}
	}
	probe_resolve_done();
	return ok;
}

static void free_locals(struct local *l)
{
	while (l) {
		struct local *next = l->next;
		free(l->name);
		free(l);
		l = next;
	}
}

static void walk_clause(struct sema *s, struct node *c, bool report)
{
	struct scope sc = { .s = s, .clause = c, .report = report };

	if (c->a) {
		sema_expr(&sc, c->a);
		if (!type_bad(c->a->type) && !type_is_int(c->a->type))
			sc_error(&sc, c->a->loc, "a predicate must be an integer (compare strings "
				 "with == or startswith())");
	}
	for (struct node *st = c->b->list; st; st = st->next)
		sema_stmt(&sc, st);
	/* Locals live in the clause's nodes; keep the last walk's list. */
	if (report)
		c->b->local = sc.locals;
	else
		free_locals(sc.locals);
}

static void walk(struct sema *s, bool report)
{
	for (struct node *c = s->prog->clauses; c; c = c->next)
		walk_clause(s, c, report);
}

static size_t ntyped(const struct sema *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->maps.n; i++)
		n += s->maps.v[i]->typed;
	return n;
}

/* Muted walks until no map gains a type: a map's value may come from
 * another map typed by a later clause, itself from a later one. Then, if
 * some map was read in its own assignment ("@n = @n + 1") and nothing
 * typed it, it becomes an integer map and the walks go on. Each walk but
 * the last types one map more, so they end. */
static void learn_types(struct sema *s)
{
	for (;;) {
		size_t before = ntyped(s);
		s->self_pending = false;
		walk(s, false);
		if (ntyped(s) > before)
			continue;
		if (!s->self_pending || s->self_default)
			break;
		s->self_default = true;
	}
}

/* A map declared and then never used is only a warning, as in bpftrace:
 * no kernel map is made for it. */
static void drop_map(struct sema *s, size_t i)
{
	struct map *m = s->maps.v[i];

	diag_warning(m->decl_loc, "%s is declared but never used: no map is made", m->name);
	free(m->name);
	free(m);
	for (size_t j = i + 1; j < s->maps.n; j++) {
		s->maps.v[j - 1] = s->maps.v[j];
		s->maps.v[j - 1]->id--;
	}
	s->maps.n--;
}

static void check_unused(struct sema *s)
{
	for (size_t i = 0; i < s->maps.n; i++) {
		struct map *m = s->maps.v[i];
		if (!m->typed && m->kind == MAP_GLOBAL && m->decl && !m->named)
			drop_map(s, i--);
		else if (!m->typed && m->kind == MAP_GLOBAL)
			diag_error(m->loc, "map %s is never assigned", m->name);
	}
}

/* The passes recurse over expressions; a chain of a few thousand "+ 1"
 * must be refused here, not overflow their stack. Iterative, for that. */
#define MAX_DEPTH 500

static bool depth_ok(struct node *root)
{
	struct frame {
		struct node *n;
		int depth;
	};
	VEC(struct frame) stack = {0};
	bool ok = true;

	vec_push(&stack, ((struct frame){ root, 0 }));
	while (stack.n && ok) {
		struct frame f = stack.v[--stack.n];
		struct node *kids[] = { f.n->a, f.n->b, f.n->c };
		if (f.depth > MAX_DEPTH) {
			diag_error(f.n->loc, "expression nested too deeply (more than %d levels)",
				   MAX_DEPTH);
			ok = false;
		}
		for (size_t i = 0; i < ARRAY_SIZE(kids); i++)
			if (kids[i])
				vec_push(&stack, ((struct frame){ kids[i], f.depth + 1 }));
		for (struct node *k = f.n->list; k; k = k->next)
			vec_push(&stack, ((struct frame){ k, f.depth + 1 }));
	}
	vec_free(&stack);
	return ok;
}

bool sema_program(struct sema *s, struct program *prog, const struct options *opts)
{
	s->prog = prog;
	s->opts = opts;
	for (struct node *c = prog->clauses; c; c = c->next)
		if (!depth_ok(c))
			return false;
	if (!sema_types(s) || !sema_probes(s))
		return false;
	sema_decls(s);
	if (diag_errors())
		return false;
	diag_mute(true);
	learn_types(s);
	diag_mute(false);
	walk(s, true);
	if (diag_errors())
		return false;
	check_unused(s);
	sema_decls_check(s);
	sema_layout(s);
	return !diag_errors();
}

/* One site a call: a clause checked again finds its own. */
int sema_arg_site(struct scope *sc, struct node *call, const char *given, const char *done)
{
	struct sema *s = sc->s;
	struct arg_site a = { call->loc, NULL, NULL, NULL };

	for (size_t i = 0; i < s->args.n; i++)
		if (s->args.v[i].loc.start == call->loc.start && s->args.v[i].loc.end == call->loc.end)
			return (int)i;
	a.func = xstrdup(call->name);
	a.given = xstrdup(given);
	a.done = xstrdup(done);
	vec_push(&s->args, a);
	return (int)s->args.n - 1;
}

void sema_free(struct sema *s)
{
	for (size_t i = 0; i < s->maps.n; i++) {
		free(s->maps.v[i]->name);
		free(s->maps.v[i]);
	}
	vec_free(&s->maps);
	for (size_t i = 0; i < s->events.n; i++) {
		fmt_free(s->events.v[i].fmt);
		free(s->events.v[i].timefmt);
	}
	vec_free(&s->events);
	for (size_t i = 0; i < s->probes.n; i++)
		probe_free(s->probes.v[i]);
	vec_free(&s->probes);
	for (size_t i = 0; i < s->probe_names.n; i++)
		free(s->probe_names.v[i]);
	vec_free(&s->probe_names);
	for (size_t i = 0; i < s->timefmts.n; i++)
		free(s->timefmts.v[i]);
	vec_free(&s->timefmts);
	hindex_free(&s->probe_index);
	vec_free(&s->reads);
	vec_free(&s->loops);
	vec_free(&s->indexes);
	for (size_t i = 0; i < s->args.n; i++) {
		free(s->args.v[i].func);
		free(s->args.v[i].given);
		free(s->args.v[i].done);
	}
	vec_free(&s->args);
	bin_dwarf_done();
	type_table_free(&s->types);
	btf_kernel_done();
	if (s->prog)
		for (struct node *c = s->prog->clauses; c; c = c->next)
			free_locals(c->b->local);
}
