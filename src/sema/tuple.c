// SPDX-License-Identifier: GPL-2.0-only
/* Tuples (1, "x", pid) and records (a=1, b="x") as values: their type
 * (a TAG_TUPLE record of the compile's type table, ast/tuple.c) and
 * their members, $t.0 or $r.a, and $t[0] with a constant index. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "sema/scope.h"

#define TUPLE_MAX_BYTES 256	/* half the BPF stack: it is built there */

static const char *tname(struct type t, char *buf, size_t len)
{
	return type_name(t, buf, len);
}

/* What a member keeps: integers in 64 bits (as a map does), a pointer
 * as itself (it prints in hex), a string at least -s long, so that
 * (1, "a") and (2, "bc") are one type. */
static bool member_type(struct scope *sc, struct node *e, struct type *out)
{
	struct type t = e->type;
	char buf[200];

	if (t.kind == T_INT || t.kind == T_PTR) {
		*out = t.kind == T_PTR ? t : type_int(8, t.sign);
		return true;
	}
	if (t.kind == T_STR) {
		*out = type_str(t.len > sc->s->opts->strsize ? t.len : sc->s->opts->strsize);
		return true;
	}
	if (t.kind == T_BOOL || t.kind == T_TUPLE || t.kind == T_USYM || t.kind == T_USTACK ||
	    t.kind == T_KSTACK || t.kind == T_PROBE || (t.kind == T_TEXT && t.text->tuple)) {
		*out = t;
		return true;
	}
	sc_error(sc, e->loc, "a tuple cannot hold a %s", tname(t, buf, sizeof(buf)));
	return false;
}

static bool duplicate(struct node *list, struct node *f)
{
	for (struct node *e = list; e != f; e = e->next)
		if (!strcmp(e->name, f->name))
			return true;
	return false;
}

/* Each element's value, typed; its name when a record's. */
static bool elements(struct scope *sc, struct node *n, struct type *vts, char **names)
{
	size_t i = 0;
	bool ok = true;

	for (struct node **link = &n->list; *link; link = &(*link)->next, i++) {
		struct node *e = *link;
		/* the value: a record's member init holds it, else it is the element */
		struct node **v = e->kind == AST_FIELDINIT ? &e->a : link;

		names[i] = e->kind == AST_FIELDINIT ? e->name : NULL;
		if (names[i] && duplicate(n->list, e)) {
			sc_error(sc, e->loc, "member '%s' is named twice", e->name);
			ok = false;
		}
		sema_expr(sc, *v);
		if (type_bad((*v)->type)) {
			ok = false;
			continue;
		}
		sema_charp_to_str(sc, v);
		ok &= member_type(sc, *v, &vts[i]);
	}
	return ok;
}

void sema_tuple(struct scope *sc, struct node *n)
{
	size_t count = (size_t)ast_count(n->list);
	struct type vts[count];
	char *names[count];
	char buf[200];

	if (!elements(sc, n, vts, names))
		return;
	const struct ctype *ct = ctype_tuple(&sc->s->types, count, vts, names);
	if (ct->size > TUPLE_MAX_BYTES) {
		sc_error(sc, n->loc, "this tuple is %llu bytes; at most %d fit: %s",
			 (unsigned long long)ct->size, TUPLE_MAX_BYTES,
			 tuple_name(ct, buf, sizeof(buf)));
		return;
	}
	n->type = type_tuple(ct);
}

static void no_member(struct scope *sc, struct node *n, const struct ctype *ct)
{
	char buf[200];

	if (tuple_is_record(ct))
		sc_error(sc, n->loc, "%s has no member '%s'", tuple_name(ct, buf, sizeof(buf)),
			 n->name);
	else
		sc_error(sc, n->loc, "%s has no element %s (it has %zu: .0 to .%zu)",
			 tuple_name(ct, buf, sizeof(buf)), n->name, ct->nmembers,
			 ct->nmembers - 1);
}

/* $t.0, $r.name: the member's value, num its offset. */
void sema_tuple_member(struct scope *sc, struct node *n)
{
	const struct ctype *ct = n->a->type.ct;
	const struct cmember *m;

	if (n->op != '.') {
		sc_error(sc, n->loc, "'->' on a tuple, which is a value; use '.'");
		return;
	}
	m = tuple_member(ct, n->name);
	if (!m) {
		no_member(sc, n, ct);
		return;
	}
	n->num = m->off;
	n->type = m->vt;
}

/* $t[i]: i a constant, as bpftrace has it; the same as $t.i. */
void sema_tuple_index(struct scope *sc, struct node *n)
{
	struct node *idx = n->b;
	const struct ctype *ct = n->a->type.ct;

	if (!idx->folded || idx->kind != AST_INT) {
		sc_error(sc, idx->loc, "a tuple's index must be a constant integer");
		return;
	}
	if (idx->num >= ct->nmembers) {
		n->name = xasprintf("%llu", (unsigned long long)idx->num);
		no_member(sc, n, ct);
		free(n->name);
		n->name = NULL;
		return;
	}
	n->num = ct->members[idx->num].off;
	n->type = ct->members[idx->num].vt;
}

/* (a, b) == (c, d): member by member, as bpftrace compares them; only
 * == and !=, between tuples of one type. */
void sema_tuple_cmp(struct scope *sc, struct node *n)
{
	char a[200], b[200];

	if (n->op != OP_EQ && n->op != OP_NE) {
		struct node *t = n->a->type.kind == T_TUPLE ? n->a : n->b;
		sc_error(sc, t->loc, "operator %s needs integers, not %s", ast_op_name(n->op),
			 tname(t->type, a, sizeof(a)));
		return;
	}
	if (!type_eq(n->a->type, n->b->type)) {
		sc_error(sc, n->loc, "cannot compare %s with %s", tname(n->a->type, a, sizeof(a)),
			 tname(n->b->type, b, sizeof(b)));
		return;
	}
	n->type = type_bool();
}

/* base.name and base[i]: the members of a tuple or record. */
/* sema_member and sema_index (member.c) send tuples here. */
