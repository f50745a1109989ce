// SPDX-License-Identifier: GPL-2.0-only
/* Names and types of expressions. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin/builtin.h"
#include "options.h"
#include "sema/scope.h"

void sc_error(struct scope *sc, struct loc loc, const char *fmt, ...)
{
	va_list ap;

	(void)sc;
	va_start(ap, fmt);
	diag_verror(loc, fmt, ap);
	va_end(ap);
}

struct probe *sc_probe(struct scope *sc, int i)
{
	struct node *p = sc->clause->list;

	while (p && i-- > 0)
		p = p->next;
	return p ? p->probe : NULL;
}

int sc_nprobes(struct scope *sc)
{
	return ast_count(sc->clause->list);
}

static const char *tname(struct type t)
{
	static char buf[4][32];
	static int i;

	i = (i + 1) % 4;
	return type_name(t, buf[i], sizeof(buf[i]));
}

/* Every probe of the clause must have what the builtin needs. */
static bool probes_have(struct scope *sc, struct node *n, unsigned int needs)
{
	for (int i = 0; i < sc_nprobes(sc); i++) {
		struct probe *p = sc_probe(sc, i);
		if (p && (p->kind->flags & needs) != needs) {
			sc_error(sc, n->loc, "'%s' is not available in %s probes", n->name,
				 p->kind->name);
			return false;
		}
	}
	return true;
}

/* The builtin's own conditions, for every probe of the clause. */
static void builtin_checks(struct scope *sc, struct node *n, const struct builtin_def *b)
{
	for (int i = 0; i < sc_nprobes(sc); i++) {
		struct probe *p = sc_probe(sc, i);
		if (p && !b->check(sc->s->opts, p, n->loc))
			return;
	}
}

static bool arg_ident(struct scope *sc, struct node *n, int idx)
{
	struct type t = type_int(8, true);

	for (int i = 0; i < sc_nprobes(sc); i++) {
		struct probe *p = sc_probe(sc, i);
		struct type pt;

		if (!p)
			continue;
		if (!(p->kind->flags & PK_ARGS) || !p->kind->arg_type) {
			sc_error(sc, n->loc, "%s probes have no arguments", p->kind->name);
			return false;
		}
		if (!p->kind->arg_type(p, idx, n->loc, &pt))
			return false;
		if (i == 0)
			t = pt;
	}
	n->id = B_ARG;
	n->num = (uint64_t)idx;
	n->type = t;
	return true;
}

/* A name from the probe's signature: "query" in u:x:q(char *query). */
static bool sig_ident(struct scope *sc, struct node *n)
{
	struct probe *p = sc_probe(sc, 0);
	int idx = p ? probe_sig_index(p, n->name) : -1;

	if (idx < 0)
		return false;
	for (int i = 1; i < sc_nprobes(sc); i++) {
		struct probe *q = sc_probe(sc, i);
		if (q && probe_sig_index(q, n->name) != idx) {
			sc_error(sc, n->loc, "'%s' is not argument %d of every probe of this clause",
				 n->name, idx);
			return true;
		}
	}
	if (arg_ident(sc, n, idx))
		n->type = p->sig[idx].type;
	return true;
}

static void ident_hint(struct scope *sc, struct node *n)
{
	const char *cands[64 + PROBE_MAX_SIG + 1];
	size_t nc = 0;
	struct probe *p = sc_probe(sc, 0);
	const struct builtin_def *b;

	for (size_t i = 0; (b = builtin_at(i)) && nc < 64; i++)
		cands[nc++] = b->name;
	for (int i = 0; p && i < p->nsig; i++)
		if (p->sig[i].name)
			cands[nc++] = p->sig[i].name;
	const char *best = closest_name(n->name, cands, nc);
	if (!strcmp(n->name, "args"))
		sc_error(sc, n->loc, "'args' needs a field: args.NAME");
	else if (best)
		sc_error(sc, n->loc, "unknown identifier '%s'; did you mean '%s'?", n->name, best);
	else
		sc_error(sc, n->loc, "unknown identifier '%s'", n->name);
}

/* retval as the function declares it, when every probe's debug info
 * agrees on it. */
static void retval_type(struct scope *sc, struct node *n)
{
	for (int i = 0; i < sc_nprobes(sc); i++) {
		struct probe *p = sc_probe(sc, i);
		if (!p || p->retval.kind == T_NONE || p->retval.kind == T_VOID ||
		    (i > 0 && !type_eq(p->retval, n->type)))
			return;
		if (i == 0)
			n->type = p->retval;
	}
}

/* An enumerator of a declared enum is a constant of the enum's type. */
static bool enumerator(struct scope *sc, struct node *n)
{
	int64_t v;
	const struct ctype *e = sema_enumerator(sc->s, n->name, &v);

	if (!e)
		return false;
	n->kind = AST_INT;
	n->num = (uint64_t)v;
	n->folded = true;
	n->type = type_from_ctype(e);
	return true;
}

static void ident(struct scope *sc, struct node *n)
{
	char *end;

	if (sig_ident(sc, n))
		return;
	if (!strncmp(n->name, "arg", 3) && n->name[3] >= '0' && n->name[3] <= '9') {
		long idx = strtol(n->name + 3, &end, 10);
		if (!*end && idx < 64) {
			arg_ident(sc, n, (int)idx);
			return;
		}
	}
	const struct builtin_def *b = builtin_find(n->name);
	if (b) {
		n->id = b->id;
		n->type = b->type ? b->type(sc->s, n->loc) : builtin_type(b);
		if (b->id == B_RETVAL)
			retval_type(sc, n);
		if (probes_have(sc, n, b->needs) && b->check)
			builtin_checks(sc, n, b);
		if (b->stacks)
			sc->s->needs_stacks = true;
		return;
	}
	if (enumerator(sc, n))
		return;
	ident_hint(sc, n);
}

static void field(struct scope *sc, struct node *n)
{
	if (n->a->kind != AST_IDENT || strcmp(n->a->name, "args")) {
		sc_error(sc, n->a->loc, "only 'args' has fields (args.NAME)");
		return;
	}
	for (int i = 0; i < sc_nprobes(sc); i++) {
		struct probe *p = sc_probe(sc, i);
		struct type t;

		if (!p)
			continue;
		if (!(p->kind->flags & PK_FIELDS)) {
			sc_error(sc, n->loc, "%s probes have no args.FIELD; use arg0..argN",
				 p->kind->name);
			return;
		}
		if (!p->kind->field_type(p, n->name, n->loc, &t))
			return;
		if (i == 0)
			n->type = t;
	}
}

static void positional_int(struct node *n, uint64_t v, bool sign)
{
	n->kind = AST_INT;
	n->num = v;
	n->folded = true;
	n->type = type_int(8, sign);
}

static void positional(struct scope *sc, struct node *n)
{
	const struct options *o = sc->s->opts;
	uint64_t idx = n->num;
	char *end;

	if (n->op == '#') {	/* $#: how many there are */
		positional_int(n, (uint64_t)o->nparams, false);
		return;
	}
	if (idx == 0 || idx > (uint64_t)o->nparams) {
		sc_error(sc, n->loc, "positional parameter $%llu is not given (%d given)",
			 (unsigned long long)idx, o->nparams);
		return;
	}
	const char *v = o->params[idx - 1];
	errno = 0;
	long long iv = strtoll(v, &end, 0);
	if (*v && !*end && !errno) {
		positional_int(n, (uint64_t)iv, true);
		return;
	}
	/* past INT64_MAX, up to 2^64-1 (0xffffffffffffffff): a u64 */
	errno = 0;
	unsigned long long uv = strtoull(v, &end, 0);
	if (*v && !strchr(v, '-') && !*end && !errno) {
		positional_int(n, (uint64_t)uv, false);
		return;
	}
	n->kind = AST_STR;
	n->name = xstrdup(v);
	n->len = strlen(v);
	n->type = type_str((unsigned int)n->len + 1);
}

static struct local *local_find(struct scope *sc, const char *name)
{
	for (struct local *l = sc->locals; l; l = l->next)
		if (!strcmp(l->name, name))
			return l;
	return NULL;
}

/* The for loop over a map whose variable is name ("$kv"), or whose
 * element's part it is ("$kv.1", "$kv.0.1"): the innermost such. */
static const struct kv_loop *kv_of(const struct scope *sc, const char *name)
{
	size_t len = strcspn(name, ".");

	for (const struct kv_loop *k = sc->kv; k; k = k->up)
		if (strlen(k->var) == len && !strncmp(k->var, name, len))
			return k;
	return NULL;
}

/* $kv.PART is not part of the element. */
static void kv_bad_part(struct scope *sc, const struct kv_loop *k, struct node *n)
{
	sc_error(sc, n->loc, "%s is not part of a map element (%s.0 is its key, %s.1 its value)",
		 n->name, k->var, k->var);
}

/* The key's parts: how many hidden locals "$kv.0.N@K" there are (0:
 * the key is one, "$kv.0@K"). */
static int kv_key_parts(struct scope *sc, const struct kv_loop *k)
{
	int n = 0;

	for (;; n++) {
		char *name = xasprintf("%s.0.%d@%d", k->var, n, k->n);
		bool found = local_find(sc, name) != NULL;
		free(name);
		if (!found)
			return n;
	}
}

static struct node *kv_part_node(struct loc loc, char *name)
{
	struct node *p = ast_name(AST_LOCAL, loc, name);

	p->op = '.';
	return p;
}

/* The key as a value: its one part, or a tuple of its parts. */
static struct node *kv_key(struct scope *sc, const struct kv_loop *k, struct loc loc)
{
	int parts = kv_key_parts(sc, k);
	struct node *t;

	if (!parts)
		return kv_part_node(loc, xasprintf("%s.0", k->var));
	t = ast_new(AST_TUPLE, loc);
	for (int i = 0; i < parts; i++)
		t->list = ast_append(t->list, kv_part_node(loc, xasprintf("%s.0.%d", k->var, i)));
	return t;
}

/* n, "$kv" or the "$kv.0" of a key of several parts, becomes the tuple
 * of list, as bpftrace has them: (key, value), ((k1, k2), value), and
 * (k1, k2). */
static void kv_tuple(struct scope *sc, struct node *n, struct node *list)
{
	free(n->name);
	n->name = NULL;
	n->kind = AST_TUPLE;
	n->op = 0;
	n->local = NULL;
	n->list = list;
	sema_tuple(sc, n);
}

/* The element's part that n (an AST_LOCAL "$kv.1" made by kv_member,
 * op '.') names: its hidden local "$kv.1@K" (stmt.c for_map). */
static void kv_part_ref(struct scope *sc, const struct kv_loop *k, struct node *n)
{
	struct local *l;
	char *hidden;

	hidden = xasprintf("%s@%d", n->name, k->n);
	l = local_find(sc, hidden);
	free(hidden);
	if (!l && !strcmp(n->name + strlen(k->var), ".0") && kv_key_parts(sc, k)) {
		struct node *key = kv_key(sc, k, n->loc);
		kv_tuple(sc, n, key->list);
		key->list = NULL;
		ast_free(key);
		return;
	}
	if (!l) {
		kv_bad_part(sc, k, n);
		return;
	}
	n->local = l;
	n->type = l->type;
}

/* Is "$kv.name" a part whose own members are reached with '.': the
 * value, or a key of one part (a tuple's members, $kv.1.0)? A key of
 * several parts has its parts as $kv.0.N. */
static bool kv_whole_part(struct scope *sc, const struct kv_loop *k, const char *name)
{
	char *key = xasprintf("%s.0.0@%d", k->var, k->n);
	bool several = local_find(sc, key) != NULL;

	free(key);
	return !strcmp(name, "1") || (!strcmp(name, "0") && !several);
}

/* $kv.0, $kv.1 and $kv.0.N inside a for loop over a map: the node
 * becomes a local of that name, marked with op '.' (later walks see it so). */
static bool kv_member(struct scope *sc, struct node *n)
{
	struct node *base = n->a, *var = base;
	const struct kv_loop *k;

	if (!sc->kv || n->op != '.')
		return false;
	if (var->kind == AST_MEMBER && var->op == '.')
		var = var->a;
	if (var->kind != AST_LOCAL || var->op == '.' || !(k = kv_of(sc, var->name)) ||
	    strcmp(var->name, k->var))
		return false;
	/* $kv.1.0: a member of the value, once $kv.1 is made */
	if (var != base && kv_whole_part(sc, k, base->name))
		return false;
	char *name = var == base ? xasprintf("%s.%s", var->name, n->name) :
		     xasprintf("%s.%s.%s", var->name, base->name, n->name);
	ast_free(base);
	n->a = NULL;
	free(n->name);
	n->name = name;
	n->kind = AST_LOCAL;
	kv_part_ref(sc, k, n);
	return true;
}

static void local_ref(struct scope *sc, struct node *n)
{
	struct local *l;

	const struct kv_loop *k = kv_of(sc, n->name);

	if (k && n->op != '.' && !strcmp(n->name, k->var)) {
		struct node *list = kv_key(sc, k, n->loc);
		list->next = kv_part_node(n->loc, xasprintf("%s.1", k->var));
		kv_tuple(sc, n, list);
		return;
	}
	if (n->op == '.' && k) {
		kv_part_ref(sc, k, n);
		return;
	}
	l = local_find(sc, n->name);
	if (l) {
		n->local = l;
		n->type = l->type;
		return;
	}
	sc_error(sc, n->loc, "variable %s is used before it is assigned", n->name);
}

static void self_ref(struct scope *sc, struct node *n)
{
	char *name = xasprintf("self->%s", n->name);

	n->map = sema_map(sc->s, name, MAP_SELF);
	free(name);
	if (n->map->typed || sc_self_read(sc, n->map, n)) {
		n->type = n->map->val;
		return;
	}
	sc_error(sc, n->loc, "self->%s is never assigned", n->name);
}

void sema_charp_to_str(struct scope *sc, struct node **np)
{
	struct node *n = *np;

	if (n->type.kind != T_PTR || !n->type.chr)
		return;
	struct node *call = ast_name(AST_CALL, n->loc, xstrdup("str"));
	call->list = n;
	call->next = n->next;
	n->next = NULL;
	*np = call;
	sema_call(sc, call, false);
}

static bool is_stringy(struct type t)
{
	return t.kind == T_STR || (t.kind == T_PTR && t.chr);
}

static void binop_strings(struct scope *sc, struct node *n)
{
	bool cmp = n->op == '<' || n->op == '>' || n->op == OP_LE || n->op == OP_GE;

	if (cmp) {
		sc_error(sc, n->loc, "strings can only be compared with == and !=");
		return;
	}
	if (n->op != OP_EQ && n->op != OP_NE) {
		struct node *bad = n->a->type.kind == T_STR ? n->a : n->b;
		sc_error(sc, bad->loc, "operator %s needs integers, not %s", ast_op_name(n->op),
			 tname(bad->type));
		return;
	}
	if (!is_stringy(n->a->type) || !is_stringy(n->b->type)) {
		sc_error(sc, n->loc, "cannot compare %s with %s", tname(n->a->type),
			 tname(n->b->type));
		return;
	}
	sema_charp_to_str(sc, &n->a);
	sema_charp_to_str(sc, &n->b);
	n->type = type_bool();
}

static void binop(struct scope *sc, struct node *n)
{
	sema_expr(sc, n->a);
	sema_expr(sc, n->b);
	if (type_bad(n->a->type) || type_bad(n->b->type))
		return;
	if (n->a->type.kind == T_STR || n->b->type.kind == T_STR) {
		binop_strings(sc, n);
		return;
	}
	if (n->a->type.kind == T_TUPLE || n->b->type.kind == T_TUPLE) {
		sema_tuple_cmp(sc, n);
		return;
	}
	if (sema_array_cmp(sc, n))
		return;
	if (!type_is_int(n->a->type) || !type_is_int(n->b->type)) {
		struct node *bad = type_is_int(n->a->type) ? n->b : n->a;
		sc_error(sc, bad->loc, "operator %s needs integers, not %s", ast_op_name(n->op),
			 tname(bad->type));
		return;
	}
	if ((n->op == '/' || n->op == '%') && n->b->kind == AST_INT && n->b->folded && !n->b->num)
		sc_error(sc, n->b->loc, "division by zero");
	if (sema_ptr_arith(sc, n))
		return;
	switch (n->op) {
	case OP_EQ: case OP_NE: case '<': case '>': case OP_LE: case OP_GE:
	case OP_AND: case OP_OR:
		n->type = type_bool();
		break;
	case OP_SHL: case OP_SHR:
		n->type = type_promote(n->a->type, n->a->type);
		break;
	default:
		n->type = type_promote(n->a->type, n->b->type);
	}
}

static void unop(struct scope *sc, struct node *n)
{
	sema_expr(sc, n->a);
	if (type_bad(n->a->type))
		return;
	if (!type_is_int(n->a->type)) {
		sc_error(sc, n->loc, "operator %s needs an integer, not %s", ast_op_name(n->op),
			 tname(n->a->type));
		return;
	}
	if (n->op == '*') {
		if (n->a->type.kind != T_PTR) {
			sc_error(sc, n->loc, "cannot dereference %s; cast it to a pointer first",
				 tname(n->a->type));
			return;
		}
		if (sema_deref_typed(n))
			return;
		n->type = type_int(n->a->type.size, n->a->type.sign);
		return;
	}
	n->type = n->op == '!' ? type_bool() : type_promote(n->a->type, n->a->type);
}

static void ternary(struct scope *sc, struct node *n)
{
	sema_expr(sc, n->a);
	sema_expr(sc, n->b);
	sema_expr(sc, n->c);
	if (type_bad(n->a->type) || type_bad(n->b->type) || type_bad(n->c->type))
		return;
	if (!type_is_int(n->a->type))
		sc_error(sc, n->a->loc, "condition must be an integer, not %s", tname(n->a->type));
	if (is_stringy(n->b->type) && is_stringy(n->c->type) &&
	    (n->b->type.kind == T_STR || n->c->type.kind == T_STR)) {
		sema_charp_to_str(sc, &n->b);
		sema_charp_to_str(sc, &n->c);
		unsigned int lb = n->b->type.len, lc = n->c->type.len;
		n->type = type_str(lb > lc ? lb : lc);
	} else if (n->b->type.kind == T_PTR && n->b->type.chr && n->c->type.kind == T_PTR &&
		   n->c->type.chr) {
		n->type = n->b->type;	/* still a char *: a string where it is kept */
	} else if (n->b->type.kind == T_BOOL && n->c->type.kind == T_BOOL) {
		n->type = type_bool();
	} else if (n->b->type.kind == T_TUPLE && type_eq(n->b->type, n->c->type)) {
		n->type = n->b->type;
	} else if (type_is_int(n->b->type) && type_is_int(n->c->type)) {
		n->type = type_promote(n->b->type, n->c->type);
	} else {
		sc_error(sc, n->loc, "the two results of ?: differ: %s and %s%s",
			 tname(n->b->type), tname(n->c->type),
			 sema_kept_differ(n->b->type, n->c->type));
		n->type = n->b->type;
	}
}

/* The type a cast or sizeof names. "bool" in a cast is the language's
 * bool; in a probe signature type_parse keeps it C's byte. */
/* "unsigned u8 *": plumb's own type words, which name no program type */
static bool all_type_words(const char *name)
{
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", name);
	for (char *w = strtok_r(buf, " *", &save); w; w = strtok_r(NULL, " *", &save))
		if (!type_is_word(w))
			return false;
	return true;
}

static bool named_type(struct scope *sc, struct node *n, struct type *t)
{
	if (!strcmp(n->name, "bool") || !strcmp(n->name, "_Bool")) {
		*t = type_bool();
		return true;
	}
	if (type_parse(n->name, t)) {
		*t = sema_int_ptr(sc, *t, n->name);
		return true;
	}
	/* plumb's own words that make no type; else the program's types */
	if (all_type_words(n->name)) {
		sc_error(sc, n->loc, "unknown type '%s'", n->name);
		return false;
	}
	return sema_cast_program_type(sc, n, t);
}

static void cast(struct scope *sc, struct node *n)
{
	struct type t;

	sema_expr(sc, n->a);
	if (!named_type(sc, n, &t))
		return;
	if (type_bad(n->a->type))
		return;
	/* (bool)"s": a string is true unless it is empty, as in bpftrace */
	if (t.kind == T_BOOL)
		sema_charp_to_str(sc, &n->a);
	if (t.kind == T_BOOL && n->a->type.kind == T_STR) {
		n->type = t;
		return;
	}
	/* (uint32)pton("10.1.2.3"): an array of integers is its bytes; a
	 * member array too when its size is the integer's (else it is its
	 * address, as in C) */
	if (t.kind == T_INT && !t.ct && n->a->decay && n->a->array &&
	    ctype_strip(n->a->array)->size == t.size)
		sema_array_whole(n->a);
	if (n->a->type.kind == T_ARRAY && t.kind == T_INT && !t.ct) {
		unsigned int size = (unsigned int)n->a->type.ct->size;

		if (size != t.size) {
			sc_error(sc, n->a->loc, "cannot cast %s (%u bytes) to %s (%u): an array "
				 "casts only to an integer of its own size", tname(n->a->type),
				 size, tname(t), t.size);
			return;
		}
		n->type = t;
		return;
	}
	if (!type_is_int(n->a->type)) {
		sc_error(sc, n->a->loc, "cannot cast %s to %s", tname(n->a->type),
			 t.kind == T_INT && t.ct ? n->name : tname(t));	/* enum E */
		return;
	}
	n->type = t;
	/* (struct mm_struct *)curtask->mm still points into the kernel */
	n->type.kernel = t.kind == T_PTR && n->a->type.kind == T_PTR && n->a->type.kernel;
}

/* sizeof(type) and sizeof(expr): a u64 constant from the type, the
 * expression never evaluated. */
static void size_of(struct scope *sc, struct node *n)
{
	struct type t;

	if (n->a) {
		sema_expr(sc, n->a);
		t = n->a->type;
		if (type_bad(t))
			return;
		if (t.kind == T_VOID) {
			sc_error(sc, n->a->loc, "sizeof() of an expression without a value");
			return;
		}
	} else if (!named_type(sc, n, &t)) {
		return;
	}
	ast_free(n->a);
	n->a = NULL;
	n->kind = AST_INT;
	n->num = type_sizeof(t);
	n->folded = true;
	n->type = type_int(8, false);
}

/* true and false: constants of type bool. */
static void bool_lit(struct node *n)
{
	n->kind = AST_INT;
	n->folded = true;
	n->type = type_bool();
}

void sema_expr(struct scope *sc, struct node *n)
{
	/* a constant folded by the first walk keeps the type it was folded
	 * with: -1 is an s64, not the u64 0xffff... */
	if (n->kind == AST_INT && n->folded && (n->type.kind == T_INT || n->type.kind == T_BOOL))
		return;
	n->type = type_of(T_NONE);
	switch (n->kind) {
	case AST_INT:
		n->type = type_int(8, n->num <= INT64_MAX);
		n->folded = true;
		break;
	case AST_STR:
		n->type = type_str((unsigned int)n->len + 1);
		break;
	case AST_IDENT:
		ident(sc, n);
		break;
	case AST_POSITIONAL:
		positional(sc, n);
		break;
	case AST_LOCAL:
		local_ref(sc, n);
		break;
	case AST_MAP:
		sema_map_ref(sc, n, MAP_USE_READ);
		break;
	case AST_SELF:
		self_ref(sc, n);
		break;
	case AST_FIELD:
		field(sc, n);
		break;
	case AST_CALL:
		sema_call(sc, n, false);
		break;
	case AST_BINOP:
		binop(sc, n);
		break;
	case AST_UNOP:
		unop(sc, n);
		break;
	case AST_TERNARY:
		ternary(sc, n);
		break;
	case AST_CAST:
		cast(sc, n);
		break;
	case AST_BOOL:
		bool_lit(n);
		break;
	case AST_SIZEOF:
		size_of(sc, n);
		break;
	case AST_MEMBER:
		if (!kv_member(sc, n))
			sema_member(sc, n);
		break;
	case AST_TUPLE:
		sema_tuple(sc, n);
		break;
	case AST_INDEX:
		sema_index(sc, n);
		break;
	case AST_LAYOUT:
		sema_layout_of(sc, n);
		break;
	default:
		sc_error(sc, n->loc, "not an expression");
	}
	sema_fold(n);
}
