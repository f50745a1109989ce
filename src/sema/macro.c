// SPDX-License-Identifier: GPL-2.0-only
/* macro NAME(params) { ... }: bpftrace's hygienic macros, expanded in
 * the syntax tree before any other pass. A parameter written x takes an
 * expression, put where x is used (evaluated there, each time); $x takes
 * a variable of the caller, @x a map of the caller, which the macro may
 * change. The body reaches no other variable or map of the caller: its
 * own $variables are its own (renamed per expansion), and a map that is
 * not a parameter is an error. Used as a statement, a macro's statements
 * take the call's place. Used as a value, its statements go before the
 * statement that uses it and its value takes the call's place, where
 * that keeps the order of evaluation (what the statement evaluates each
 * time it runs); plumb has no block expressions for the other places. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin/builtin.h"
#include "func/func.h"
#include "sema/sema.h"
#include "util/util.h"

#define MACRO_MAX_DEPTH 32

struct expansion {
	const struct node *macro;
	struct node *args;	/* the call's arguments, one per parameter */
	struct node *call;	/* for locations */
	int serial;		/* renames the body's own $variables */
};

struct expander {
	struct node *macros;
	int serial;
	bool failed;
};

static const struct node *macro_find(const struct expander *ex, const char *name)
{
	for (const struct node *m = ex->macros; m; m = m->next)
		if (!strcmp(m->name, name))
			return m;
	return NULL;
}

/* The argument for parameter name (with its sigil), or NULL. */
static struct node *param_arg(const struct expansion *e, enum ast_kind kind, const char *name)
{
	struct node *a = e->args;

	for (const struct node *p = e->macro->list; p && a; p = p->next, a = a->next)
		if (p->kind == kind && !strcmp(p->name, name))
			return a;
	return NULL;
}

static struct node *clone_list(const struct node *n, const struct expansion *e,
			       struct expander *ex);

/* A copy of a node of the body, parameters replaced by the arguments. */
static struct node *clone(const struct node *n, const struct expansion *e, struct expander *ex)
{
	struct node *arg;

	if (!n)
		return NULL;
	/* an argument is the caller's: copied as it is (e NULL) */
	if (e && n->kind == AST_IDENT && (arg = param_arg(e, AST_IDENT, n->name)))
		return clone(arg, NULL, ex);
	struct node *c = ast_new(n->kind, n->loc);
	c->op = n->op;
	c->len = n->len;
	c->num = n->num;
	if (n->kind == AST_STR) {
		c->name = xmalloc(n->len + 1);
		memcpy(c->name, n->name, n->len + 1);
	} else if (n->name) {
		c->name = xstrdup(n->name);
	}
	if (e && n->kind == AST_LOCAL) {
		arg = param_arg(e, AST_LOCAL, n->name);
		free(c->name);
		c->name = arg ? xstrdup(arg->name) : xasprintf("%s.%d", n->name, e->serial);
	} else if (e && n->kind == AST_MAP) {
		arg = param_arg(e, AST_MAP, n->name);
		if (!arg) {
			diag_error(n->loc, "macro '%s' uses %s, which is not one of its parameters "
				   "(a macro reaches a map only through a parameter: macro %s(@m))",
				   e->macro->name, n->name, e->macro->name);
			ex->failed = true;
		} else {
			free(c->name);
			c->name = xstrdup(arg->name);
		}
	}
	c->a = clone(n->a, e, ex);
	c->b = clone(n->b, e, ex);
	c->c = clone(n->c, e, ex);
	c->list = clone_list(n->list, e, ex);
	return c;
}

static struct node *clone_list(const struct node *n, const struct expansion *e,
			       struct expander *ex)
{
	struct node *head = NULL;

	for (; n; n = n->next)
		head = ast_append(head, clone(n, e, ex));
	return head;
}

/* A call of a macro: name(args), or a bare name for a macro of no
 * parameters; NULL when n is none. */
static const struct node *macro_call(const struct expander *ex, const struct node *n)
{
	if (n->kind == AST_CALL)
		return macro_find(ex, n->name);
	if (n->kind == AST_IDENT) {
		const struct node *m = macro_find(ex, n->name);
		return m && !m->list ? m : NULL;
	}
	return NULL;
}

/* The call's arguments fit the parameters: as many, a variable for $x,
 * a map (without keys) for @x. */
static bool args_fit(const struct node *m, struct node *call)
{
	int want = ast_count(m->list), got = call->kind == AST_CALL ? ast_count(call->list) : 0;
	struct node *a = call->kind == AST_CALL ? call->list : NULL;

	if (want != got) {
		diag_error(call->loc, "macro '%s' takes %d argument%s, not %d", m->name, want,
			   want == 1 ? "" : "s", got);
		return false;
	}
	for (const struct node *p = m->list; p; p = p->next, a = a->next) {
		if (p->kind == AST_LOCAL && a->kind != AST_LOCAL) {
			diag_error(a->loc, "macro '%s' takes a variable for %s", m->name, p->name);
			return false;
		}
		if (p->kind == AST_MAP && (a->kind != AST_MAP || a->list)) {
			diag_error(a->loc, "macro '%s' takes a map for %s", m->name, p->name);
			return false;
		}
	}
	return true;
}

static void expand_list(struct expander *ex, struct node **head, int depth);
static void expand_expr(struct expander *ex, struct node **pn, int depth);

static bool begin(struct expander *ex, const struct node *m, struct node *call, int depth,
		  struct expansion *e)
{
	if (depth >= MACRO_MAX_DEPTH) {
		diag_error(call->loc, "macros nested more than %d deep: is '%s' recursive?",
			   MACRO_MAX_DEPTH, m->name);
		ex->failed = true;
		return false;
	}
	if (!args_fit(m, call)) {
		ex->failed = true;
		return false;
	}
	*e = (struct expansion){ .macro = m, .call = call, .serial = ++ex->serial,
				 .args = call->kind == AST_CALL ? call->list : NULL };
	return true;
}

/* A macro used as a value: its value expression, expanded in turn. */
static void expand_value(struct expander *ex, struct node **pn, const struct node *m, int depth)
{
	struct expansion e;
	struct node *call = *pn, *v;

	if (!begin(ex, m, call, depth, &e))
		return;
	if (m->a->list || !m->b) {
		diag_error(call->loc, "macro '%s' %s", m->name, m->b ?
			   "has statements before its value, which plumb moves before the statement "
			   "that uses it: not from under &&, || or ?:, a loop's condition or a "
			   "predicate" :
			   "has no value (its last statement ends with ';'): it is a statement, not "
			   "a value");
		ex->failed = true;
		return;
	}
	v = clone(m->b, &e, ex);
	v->next = call->next;
	call->next = NULL;
	ast_free(call);
	*pn = v;
	expand_expr(ex, pn, depth + 1);
}

static void expand_expr(struct expander *ex, struct node **pn, int depth)
{
	struct node *n = *pn;
	const struct node *m;

	if (!n)
		return;
	if ((m = macro_call(ex, n))) {
		expand_value(ex, pn, m, depth);
		return;
	}
	if (n->kind == AST_BLOCK) {
		expand_list(ex, &n->list, depth);
		return;
	}
	expand_expr(ex, &n->a, depth);
	expand_expr(ex, &n->b, depth);
	expand_expr(ex, &n->c, depth);
	for (struct node **p = &n->list; *p; p = &(*p)->next)
		expand_expr(ex, p, depth);
}

/* A macro used as a statement: its statements (and its value, as a
 * statement) in the call's place, the rest of the list after them. */
static void expand_stmt(struct expander *ex, struct node **ps, const struct node *m, int depth)
{
	struct node *stmt = *ps, *body;
	struct expansion e;

	if (!begin(ex, m, stmt->a, depth, &e))
		return;
	body = clone_list(m->a->list, &e, ex);
	if (m->b) {
		struct node *v = ast_new(AST_EXPR_STMT, m->b->loc);
		v->a = clone(m->b, &e, ex);
		body = ast_append(body, v);
	}
	expand_list(ex, &body, depth + 1);
	body = ast_append(body, stmt->next);
	stmt->next = NULL;
	ast_free(stmt);
	*ps = body;
}

/* The first macro call at *pn among what is evaluated each time the
 * statement runs: not under &&, || or ?: (evaluated only sometimes), nor
 * in a block of its own. */
static struct node **eager_call(struct expander *ex, struct node **pn)
{
	struct node *n = *pn, **r;

	if (!n || n->kind == AST_BLOCK)
		return NULL;
	if (macro_call(ex, n))
		return pn;
	if ((r = eager_call(ex, &n->a)))
		return r;
	if ((n->kind == AST_BINOP && (n->op == OP_AND || n->op == OP_OR)) ||
	    n->kind == AST_TERNARY)
		return NULL;
	if ((r = eager_call(ex, &n->b)) || (r = eager_call(ex, &n->c)))
		return r;
	for (struct node **p = &n->list; *p; p = &(*p)->next)
		if ((r = eager_call(ex, p)))
			return r;
	return NULL;
}

/* What statement s evaluates every time it runs, before its blocks. */
static struct node **eager_in(struct expander *ex, struct node *s)
{
	struct node **r = NULL;

	switch (s->kind) {
	case AST_EXPR_STMT:
	case AST_IF:
	case AST_RETURN:
		return eager_call(ex, &s->a);
	case AST_ASSIGN:
		return (r = eager_call(ex, &s->a)) ? r : eager_call(ex, &s->b);
	case AST_FOR:
		for (struct node **p = &s->list; *p && !r; p = &(*p)->next)
			r = eager_call(ex, p);
		return r;
	default:
		return NULL;
	}
}

/* One macro call that statement *ps evaluates each time it runs: its
 * value takes the call's place and its statements go before the
 * statement (bpftrace's block expression, as plumb can have it). 1 after
 * a step, 0 when there is none left, -1 after an error. s->id counts the
 * steps (sema sets it later). */
static int eager_step(struct expander *ex, struct node **ps)
{
	struct node *s = *ps, **c = eager_in(ex, s), *call, *stmts, *v;
	const struct node *m;
	struct expansion e;

	if (!c)
		return 0;
	call = *c;
	m = macro_call(ex, call);
	if (!begin(ex, m, call, s->id++, &e))
		return -1;
	if (!m->b) {
		diag_error(call->loc, "macro '%s' has no value (its last statement ends with ';'): "
			   "it is a statement, not a value", m->name);
		ex->failed = true;
		return -1;
	}
	stmts = clone_list(m->a->list, &e, ex);
	v = clone(m->b, &e, ex);
	v->next = call->next;
	call->next = NULL;
	ast_free(call);
	*c = v;
	if (stmts)
		*ps = ast_append(stmts, s);
	return 1;
}

static void expand_list(struct expander *ex, struct node **head, int depth)
{
	struct node **p = head;

	while (*p) {
		struct node *s = *p;
		const struct node *m = s->kind == AST_EXPR_STMT ? macro_call(ex, s->a) : NULL;
		if (m) {
			struct node *after = s->next;
			expand_stmt(ex, p, m, depth);
			while (*p && *p != after)
				p = &(*p)->next;
			continue;
		}
		int step = eager_step(ex, p);
		if (step > 0)
			continue;	/* what it put before s comes first */
		s->id = 0;
		if (step == 0)
			expand_expr(ex, p, depth);
		p = &(*p)->next;
	}
}

/* Names a macro cannot take: a function's or a builtin's would make
 * calls ambiguous; a second definition would hide the first. */
static void check_names(struct expander *ex)
{
	for (const struct node *m = ex->macros; m; m = m->next) {
		if (func_find(m->name) || builtin_find(m->name)) {
			diag_error(m->loc, "macro '%s' has the name of a %s", m->name,
				   func_find(m->name) ? "function" : "builtin");
			ex->failed = true;
		} else if (macro_find(ex, m->name) != m) {
			diag_error(m->loc, "macro '%s' is defined twice", m->name);
			ex->failed = true;
		}
	}
}

bool sema_macros(struct program *prog)
{
	struct expander ex = { .macros = prog->macros };
	int errors = diag_errors();

	if (!prog->macros)
		return true;
	check_names(&ex);
	if (ex.failed)
		return false;
	for (struct node *c = prog->clauses; c; c = c->next) {
		expand_expr(&ex, &c->a, 0);
		expand_list(&ex, &c->b->list, 0);
	}
	return !ex.failed && diag_errors() == errors;
}
