// SPDX-License-Identifier: GPL-2.0-only
#include "ast/ast.h"

#include <stdlib.h>
#include <string.h>

#include "util/util.h"

struct node *ast_new(enum ast_kind kind, struct loc loc)
{
	struct node *n = xcalloc(1, sizeof(*n));

	n->kind = kind;
	n->loc = loc;
	return n;
}

struct node *ast_int(struct loc loc, uint64_t v)
{
	struct node *n = ast_new(AST_INT, loc);

	n->num = v;
	return n;
}

struct node *ast_str(struct loc loc, const char *s, size_t len)
{
	struct node *n = ast_new(AST_STR, loc);

	n->name = xmalloc(len + 1);
	memcpy(n->name, s, len);
	n->name[len] = '\0';
	n->len = len;
	return n;
}

struct node *ast_name(enum ast_kind kind, struct loc loc, char *name)
{
	struct node *n = ast_new(kind, loc);

	n->name = name;
	return n;
}

struct node *ast_binop(struct loc loc, int op, struct node *a, struct node *b)
{
	struct node *n = ast_new(AST_BINOP, loc);

	n->op = op;
	n->a = a;
	n->b = b;
	return n;
}

struct node *ast_unop(struct loc loc, int op, struct node *a)
{
	struct node *n = ast_new(AST_UNOP, loc);

	n->op = op;
	n->a = a;
	return n;
}

struct node *ast_append(struct node *list, struct node *item)
{
	struct node *p = list;

	if (!list)
		return item;
	while (p->next)
		p = p->next;
	p->next = item;
	return list;
}

int ast_count(const struct node *list)
{
	int n = 0;

	for (; list; list = list->next)
		n++;
	return n;
}

void ast_free(struct node *n)
{
	if (!n)
		return;
	ast_free(n->a);
	ast_free(n->b);
	ast_free(n->c);
	ast_free_list(n->list);
	free(n->name);
	free(n);
}

void ast_free_list(struct node *n)
{
	while (n) {
		struct node *next = n->next;
		ast_free(n);
		n = next;
	}
}

const char *ast_op_name(int op)
{
	static char one[2];

	switch (op) {
	case OP_EQ: return "==";
	case OP_NE: return "!=";
	case OP_LE: return "<=";
	case OP_GE: return ">=";
	case OP_AND: return "&&";
	case OP_OR: return "||";
	case OP_SHL: return "<<";
	case OP_SHR: return ">>";
	case OP_INC: return "++";
	case OP_DEC: return "--";
	default:
		one[0] = (char)op;
		one[1] = '\0';
		return one;
	}
}
