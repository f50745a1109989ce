// SPDX-License-Identifier: GPL-2.0-only
/* Statements: assignments to maps, locals and thread-locals, and the
 * aggregations assigned to maps. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "agg/agg.h"
#include "sema/scope.h"

#define UNROLL_MAX 100	/* as bpftrace */
#define FORMAP_DEPTH_MAX 3	/* for loops over maps, one in another: codegen/formap.c */

static const char *tname(struct type t)
{
	static char buf[2][32];
	static int i;

	i = !i;
	return type_name(t, buf[i], sizeof(buf[i]));
}

/* The aggregation a call is, or NULL. */
static const struct agg_ops *agg_of(struct node *n)
{
	return n->kind == AST_CALL ? agg_find(n->name) : NULL;
}

static bool agg_args(struct scope *sc, struct node *call, const struct agg_ops *agg,
		     int64_t params[3])
{
	int want = agg->nargs;
	int nargs = ast_count(call->list);

	call->type = type_of(T_VOID);
	if (nargs != want) {
		sc_error(sc, call->loc, "%s() takes %d argument%s, not %d", call->name, want,
			 want == 1 ? "" : "s", nargs);
		return false;
	}
	if (!want)
		return true;
	sema_expr(sc, call->list);
	if (type_bad(call->list->type))
		return false;
	if (!type_is_int(call->list->type)) {
		sc_error(sc, call->list->loc, "%s() needs an integer, not %s", call->name,
			 tname(call->list->type));
		return false;
	}
	return !agg->params || agg->params(sc, call, params);
}

static void assign_agg(struct scope *sc, struct node *st, const struct agg_ops *agg)
{
	struct node *target = st->a, *call = st->b;
	int64_t lh[3] = {0, 0, 0};

	if (target->kind != AST_MAP) {
		sc_error(sc, call->loc, "%s() must be assigned to a map (@name), not a variable",
			 call->name);
		return;
	}
	if (st->op != '=') {
		sc_error(sc, st->loc, "an aggregation is assigned with '='");
		return;
	}
	if (!sema_map_ref(sc, target, MAP_USE_WRITE) || !agg_args(sc, call, agg, lh))
		return;
	struct map *m = target->map;
	if (m->typed && m->agg != agg) {
		sc_error(sc, call->loc, "%s is a %s() elsewhere (%s), not a %s()", target->name,
			 m->agg ? m->agg->name : "value", m->agg ? "an aggregation" : "a plain value",
			 call->name);
		return;
	}
	if (m->typed && (m->lo != lh[0] || m->hi != lh[1] || m->step != lh[2])) {
		sc_error(sc, call->loc, "%s has different %s() bounds elsewhere", target->name,
			 agg->name);
		return;
	}
	if (!m->typed) {
		m->typed = true;
		m->agg = agg;
		m->loc = call->loc;
		m->val = type_int(8, agg->signed_value && call->list->type.kind == T_INT &&
				  call->list->type.sign);
		m->lo = lh[0], m->hi = lh[1], m->step = lh[2];
	}
}

/* Record or check the value type of a map or thread-local. */
static void value_type(struct scope *sc, struct node *st, struct map *m)
{
	struct type t = st->b->type;

	if (type_bad(t))
		return;
	if (m->typed && m->agg) {
		sc_error(sc, st->loc, "%s is a %s() aggregation; it cannot be assigned a value",
			 st->a->name, m->agg->name);
		return;
	}
	if (!type_is_int(t) && t.kind != T_STR && t.kind != T_USYM && t.kind != T_USTACK &&
	    t.kind != T_KSTACK && t.kind != T_PROBE && t.kind != T_TUPLE && t.kind != T_TEXT &&
	    t.kind != T_RECORD && t.kind != T_ARRAY) {
		sc_error(sc, st->b->loc, "cannot store a %s", tname(t));
		return;
	}
	if ((t.kind == T_RECORD || t.kind == T_ARRAY) && !sema_record_storable(sc, st->b))
		return;
	/* a bool stays one; an integer map takes a bool as 0 or 1 */
	if (t.kind == T_BOOL && m->typed && m->val.kind == T_INT)
		t = m->val;
	else if (type_is_int(t) && t.kind != T_BOOL)
		t = sema_kept_int(t);
	/* an integer map takes a pointer, a pointer map an integer */
	if (m->typed && type_is_int(t) && t.kind != T_BOOL && type_is_int(m->val) &&
	    m->val.kind != T_BOOL && sema_kept_agree(m->val, t))
		t = m->val;
	if (!m->typed) {
		m->typed = true;
		m->agg = NULL;
		m->val = t;
		m->loc = st->loc;
	} else if (m->val.kind == T_STR && t.kind == T_STR) {
		if (t.len > m->val.len)
			m->val.len = t.len;
	} else if (m->val.kind != t.kind || (t.kind == T_USTACK && m->val.len != t.len) ||
		   !sema_kept_agree(m->val, t) ||
		   ((t.kind == T_TUPLE || t.kind == T_RECORD || t.kind == T_ARRAY) &&
		    m->val.ct != t.ct)) {
		sc_error(sc, st->b->loc, "%s holds %s values, not %s%s", m->name, tname(m->val),
			 tname(t), sema_kept_differ(m->val, t));
	}
}

static void assign_local(struct scope *sc, struct node *st)
{
	struct node *target = st->a;
	struct local *l;

	for (l = sc->locals; l; l = l->next)
		if (!strcmp(l->name, target->name))
			break;
	if (!l) {
		if (st->op != '=') {
			sc_error(sc, target->loc, "variable %s is used before it is assigned",
				 target->name);
			return;
		}
		l = xcalloc(1, sizeof(*l));
		l->name = xstrdup(target->name);
		l->type = st->b->type;
		if (type_is_int(l->type) && l->type.kind == T_INT)
			l->type = sema_kept_int(l->type);
		l->loc = target->loc;
		l->next = sc->locals;
		sc->locals = l;
	} else if (type_is_int(l->type) != type_is_int(st->b->type) ||
		   (!type_is_int(l->type) && l->type.kind != st->b->type.kind) ||
		   (l->type.kind == T_BOOL && st->b->type.kind != T_BOOL && st->op == '=') ||
		   ((l->type.kind == T_TUPLE || l->type.kind == T_ARRAY ||
		     l->type.kind == T_RECORD) && l->type.ct != st->b->type.ct) ||
		   !sema_kept_agree(l->type, st->b->type)) {
		sc_error(sc, st->b->loc, "variable %s holds %s values, not %s%s", target->name,
			 tname(l->type), tname(st->b->type),
			 sema_kept_differ(l->type, st->b->type));
	} else if (l->type.kind == T_STR && st->b->type.len > l->type.len) {
		l->type.len = st->b->type.len;
	}
	target->local = l;
	target->type = l->type;
}

/* The value, knowing which map it is assigned to (sc_self_read). */
static void value_of(struct scope *sc, struct node *st)
{
	struct node *t = st->a;
	char *name = t->kind == AST_SELF ? xasprintf("self->%s", t->name) : NULL;

	if (t->kind == AST_MAP || t->kind == AST_SELF)
		sc->assigning = name ? name : t->name;
	sema_expr(sc, st->b);
	sc->assigning = NULL;
	free(name);
}

static void assign(struct scope *sc, struct node *st)
{
	const struct agg_ops *agg = agg_of(st->b);
	struct node *target = st->a;

	if (agg) {
		assign_agg(sc, st, agg);
		return;
	}
	value_of(sc, st);
	if (type_bad(st->b->type))
		return;
	if (target->kind != AST_LOCAL) {
		sema_charp_to_str(sc, &st->b);
		sema_array_whole(st->b);
	} else if (st->op == '=' && sema_array_keepable(st->b)) {
		sema_array_whole(st->b);	/* $a = s->ints: a copy of the elements */
	}
	if (target->kind == AST_LOCAL && st->op == '=' &&
	    (st->b->type.kind == T_ARRAY || st->b->type.kind == T_RECORD) &&
	    !sema_record_storable(sc, st->b))
		return;
	if (st->op != '=' && !type_is_int(st->b->type)) {
		sc_error(sc, st->loc, "%s= needs an integer value", ast_op_name(st->op));
		return;
	}
	if (target->kind == AST_LOCAL) {
		assign_local(sc, st);
	} else if (target->kind == AST_SELF) {
		char *name = xasprintf("self->%s", target->name);
		target->map = sema_map(sc->s, name, MAP_SELF);
		free(name);
		/* "self->x = 0" deletes, whatever x holds: it types nothing */
		if (!(st->op == '=' && st->b->kind == AST_INT && st->b->num == 0))
			value_type(sc, st, target->map);
		target->type = target->map->val;
	} else {
		if (!sema_map_ref(sc, target, MAP_USE_WRITE))
			return;
		value_type(sc, st, target->map);
		target->type = target->map->val;
	}
	if (st->op != '=' && (!type_is_int(target->type) || target->type.kind == T_BOOL))
		sc_error(sc, st->loc, "%s= needs an integer variable", ast_op_name(st->op));
	if (st->op == '/' || st->op == '%') {
		if (st->b->kind == AST_INT && st->b->num == 0)
			sc_error(sc, st->b->loc, "division by zero");
	}
}

static void block(struct scope *sc, struct node *b)
{
	for (struct node *st = b ? b->list : NULL; st; st = st->next)
		sema_stmt(sc, st);
}

static void cond(struct scope *sc, struct node *n)
{
	sema_expr(sc, n);
	if (!type_bad(n->type) && !type_is_int(n->type))
		sc_error(sc, n->loc, "condition must be an integer, not %s", tname(n->type));
}

/* A loop that counts the events it ended at its trip cap (codegen). */
static void capped_loop(struct scope *sc, struct node *n)
{
	if (!sc->report)
		return;
	n->id = (int)sc->s->loops.n;
	vec_push(&sc->s->loops, n->loc);
}

static void loop_body(struct scope *sc, struct node *b)
{
	sc->loops++;
	block(sc, b);
	sc->loops--;
}

/* unroll(N): N copies of the body, so N is known now. */
static void unroll(struct scope *sc, struct node *n)
{
	sema_expr(sc, n->a);
	if (type_bad(n->a->type))
		return;
	if (!(n->a->folded || n->a->kind == AST_INT) || !type_is_int(n->a->type)) {
		sc_error(sc, n->a->loc, "unroll() needs a constant integer");
		return;
	}
	if ((int64_t)n->a->num < 1 || (int64_t)n->a->num > UNROLL_MAX) {
		sc_error(sc, n->a->loc, "unroll(%" PRId64 "): the count must be 1 to %d",
			 (int64_t)n->a->num, UNROLL_MAX);
		return;
	}
	loop_body(sc, n->b);
}

/* for ($i : start..end): $i is a signed 64-bit integer of the clause. */
static void for_range(struct scope *sc, struct node *n)
{
	struct node *var = n->a;
	struct local *l;

	for (struct node *e = n->list; e; e = e->next) {
		sema_expr(sc, e);
		if (!type_bad(e->type) && !type_is_int(e->type))
			sc_error(sc, e->loc, "a range bound must be an integer, not %s",
				 tname(e->type));
	}
	for (l = sc->locals; l; l = l->next)
		if (!strcmp(l->name, var->name))
			break;
	if (!l) {
		l = xcalloc(1, sizeof(*l));
		l->name = xstrdup(var->name);
		l->type = type_int(8, true);
		l->loc = var->loc;
		l->next = sc->locals;
		sc->locals = l;
	} else if (!type_is_int(l->type)) {
		sc_error(sc, var->loc, "variable %s holds %s values, not integers", var->name,
			 tname(l->type));
	}
	var->local = l;
	var->type = l->type;
	loop_body(sc, n->b);
}

/* A local of the clause named name, of type t: found, or made. */
static struct local *def_local(struct scope *sc, char *name, struct type t, struct loc loc)
{
	struct local *l;

	for (l = sc->locals; l; l = l->next)
		if (!strcmp(l->name, name))
			break;
	if (!l) {
		l = xcalloc(1, sizeof(*l));
		l->name = name;
		l->type = t;
		l->loc = loc;
		l->next = sc->locals;
		sc->locals = l;
		return l;
	}
	if (!type_eq(l->type, t))
		sc_error(sc, loc, "variable %s holds %s values here and %s values elsewhere", name,
			 tname(t), tname(l->type));
	free(name);
	return l;
}

/* A part of the element: name (the node's own) as a hidden local. */
static struct node *kv_part(struct scope *sc, struct node *var, char *name, struct type t)
{
	struct node *part = ast_name(AST_LOCAL, var->loc, name);

	part->local = def_local(sc, xasprintf("%s@%d", name, sc->formaps), t, var->loc);
	part->type = t;
	return part;
}

/* Why a map cannot be gone over, or NULL: a for loop sees an element's
 * value through bpf_for_each_map_elem, which for a per-CPU map gives only
 * the running CPU's copy. Aggregations that can be read in a probe are
 * folded over every CPU per element (exact); the others have no single
 * value to give. */
static const char *formap_refusal(const struct map *m)
{
	if (!m->nkeys)
		return "it has no keys (a for loop goes over a keyed map's elements)";
	if (m->agg && !m->agg->emit_read)
		return "its values are histograms or stats(), with no single value to give";
	if (!m->agg && (m->decl == DECL_PERCPUHASH || m->decl == DECL_PERCPULRUHASH ||
			m->decl == DECL_PERCPUARRAY))
		return "it is declared per-CPU and keeps one value per CPU";
	return NULL;
}

/* for ($kv : @m): $kv.0 is the key ($kv.0.N its parts when it has
 * several), $kv.1 the value; each is a hidden local of the clause,
 * "$kv.1@K" for the clause's K-th such loop (two loops may use the same
 * name over different maps), which codegen fills per element (n->list:
 * the parts, then the value). */
static void for_map(struct scope *sc, struct node *n)
{
	struct node *var = n->a, *mn = n->c;
	struct kv_loop k = { .var = var->name, .up = sc->kv, .depth = sc->kv ? sc->kv->depth + 1 : 1 };
	const char *why;
	struct map *m;

	ast_free_list(n->list);
	n->list = NULL;
	if (mn->kind != AST_MAP) {
		sc_error(sc, mn->loc, "a for loop goes over a map (for (%s : @m)) or a range "
			 "(for (%s : 0..N))", var->name, var->name);
		return;
	}
	m = sema_map(sc->s, mn->name, MAP_GLOBAL);
	mn->map = m;
	if (mn->list) {
		sc_error(sc, mn->loc, "a for loop goes over a whole map: write %s, not %s[...]",
			 mn->name, mn->name);
		return;
	}
	/* each level, this loop and every for over a map, while or for over
	 * a range around it, is two BPF calls (codegen/formap.c), and the
	 * kernel allows 8 frames, the program's own included */
	if (k.depth + sc->capped > FORMAP_DEPTH_MAX) {
		sc_error(sc, n->loc, "a for over a map may be at most %d loops deep, itself and the "
			 "loops around it (but unroll) counted: each is two BPF function calls "
			 "here, and the kernel allows a program 8 frames", FORMAP_DEPTH_MAX);
		return;
	}
	if (!m->typed) {
		sc_error(sc, mn->loc, "map %s is used but never assigned", mn->name);
		return;
	}
	why = formap_refusal(m);
	if (why) {
		sc_error(sc, mn->loc, "a for loop cannot go over %s: %s", mn->name, why);
		return;
	}
	for (int i = 0; i < m->nkeys; i++) {
		char *name = m->nkeys == 1 ? xasprintf("%s.0", var->name) :
			     xasprintf("%s.0.%d", var->name, i);
		n->list = ast_append(n->list, kv_part(sc, var, name, m->keys[i]));
	}
	n->list = ast_append(n->list, kv_part(sc, var, xasprintf("%s.1", var->name), m->val));
	k.n = sc->formaps++;
	sc->kv = &k;
	loop_body(sc, n->b);
	sc->kv = k.up;
}

void sema_stmt(struct scope *sc, struct node *n)
{
	switch (n->kind) {
	case AST_ASSIGN:
		assign(sc, n);
		break;
	case AST_IF:
		sema_expr(sc, n->a);
		if (!type_bad(n->a->type) && !type_is_int(n->a->type))
			sc_error(sc, n->a->loc, "condition must be an integer, not %s",
				 tname(n->a->type));
		block(sc, n->b);
		if (n->c && n->c->kind == AST_IF)
			sema_stmt(sc, n->c);
		else
			block(sc, n->c);
		break;
	case AST_WHILE:
		capped_loop(sc, n);
		cond(sc, n->a);
		sc->capped++;
		loop_body(sc, n->b);
		sc->capped--;
		break;
	case AST_UNROLL:
		unroll(sc, n);
		break;
	case AST_FOR:
		capped_loop(sc, n);
		if (n->c) {
			for_map(sc, n);
			break;
		}
		sc->capped++;
		for_range(sc, n);
		sc->capped--;
		break;
	case AST_RETURN:
		if (n->a)
			sc_error(sc, n->a->loc, "return ends the clause and takes no value (exit(N) "
				 "sets plumb's exit status)");
		break;
	case AST_LET:
		break;	/* $x takes its type where it is assigned */
	case AST_BREAK:
	case AST_CONTINUE:
		if (!sc->loops)
			sc_error(sc, n->loc, "'%s' outside a loop",
				 n->kind == AST_BREAK ? "break" : "continue");
		break;
	case AST_EXPR_STMT:
		if (n->a->kind == AST_CALL) {
			if (agg_of(n->a))
				sc_error(sc, n->a->loc, "%s() must be assigned to a map: @name = %s(...)",
					 n->a->name, n->a->name);
			else
				sema_call(sc, n->a, true);
		} else {
			sema_expr(sc, n->a);
			sc_error(sc, n->loc, "this statement does nothing");
		}
		break;
	default:
		sc_error(sc, n->loc, "not a statement");
	}
}
