// SPDX-License-Identifier: GPL-2.0-only
/* Constant folding, with the semantics the generated code would have:
 * 64-bit arithmetic, signedness from the types, shift counts taken
 * modulo 64 as BPF does. */
#include "sema/sema.h"

static bool is_const(const struct node *n)
{
	return n && n->folded && n->kind == AST_INT;
}

static void become(struct node *n, uint64_t v)
{
	ast_free(n->a);
	ast_free(n->b);
	ast_free(n->c);
	n->a = n->b = n->c = NULL;
	n->kind = AST_INT;
	n->num = v;
	n->folded = true;
}

static bool fold_div(struct node *n, uint64_t a, uint64_t b, bool sign, uint64_t *r)
{
	if (b == 0)
		return false;	/* sema reports it */
	if (sign && (int64_t)b == -1) {
		/* INT64_MIN / -1 overflows in C; BPF gives -a and 0 */
		*r = n->op == '/' ? -a : 0;
		return true;
	}
	if (sign)
		*r = n->op == '/' ? (uint64_t)((int64_t)a / (int64_t)b)
				  : (uint64_t)((int64_t)a % (int64_t)b);
	else
		*r = n->op == '/' ? a / b : a % b;
	return true;
}

static bool fold_cmp(int op, uint64_t a, uint64_t b, bool sign, uint64_t *r)
{
	int64_t sa = (int64_t)a, sb = (int64_t)b;

	switch (op) {
	case OP_EQ: *r = a == b; return true;
	case OP_NE: *r = a != b; return true;
	case '<': *r = sign ? sa < sb : a < b; return true;
	case '>': *r = sign ? sa > sb : a > b; return true;
	case OP_LE: *r = sign ? sa <= sb : a <= b; return true;
	case OP_GE: *r = sign ? sa >= sb : a >= b; return true;
	case OP_AND: *r = a && b; return true;
	case OP_OR: *r = a || b; return true;
	}
	return false;
}

static bool fold_binop(struct node *n, uint64_t *r)
{
	uint64_t a = n->a->num, b = n->b->num;
	bool sign = n->type.sign;

	if (n->num > 1)
		return false;	/* scaled pointer arithmetic: codegen's */
	bool csign = type_promote(n->a->type, n->b->type).sign;

	if (n->op == OP_SHR)
		sign = n->a->type.sign;
	switch (n->op) {
	case '+': *r = a + b; return true;
	case '-': *r = a - b; return true;
	case '*': *r = a * b; return true;
	case '&': *r = a & b; return true;
	case '|': *r = a | b; return true;
	case '^': *r = a ^ b; return true;
	case OP_SHL: *r = a << (b & 63); return true;
	case OP_SHR:
		*r = sign ? (uint64_t)((int64_t)a >> (b & 63)) : a >> (b & 63);
		return true;
	case '/':
	case '%':
		return fold_div(n, a, b, sign, r);
	}
	return fold_cmp(n->op, a, b, csign, r);
}

static uint64_t truncate_to(uint64_t v, struct type t)
{
	int bits = t.size * 8;

	if (t.kind != T_INT || bits >= 64)
		return v;
	v &= (1ULL << bits) - 1;
	if (t.sign && (v >> (bits - 1)))
		v |= ~0ULL << bits;
	return v;
}

void sema_fold(struct node *n)
{
	uint64_t r;

	switch (n->kind) {
	case AST_BINOP:
		/* a constant false/true left side decides && and || */
		if (n->op == OP_AND && is_const(n->a) && !n->a->num)
			become(n, 0);
		else if (n->op == OP_OR && is_const(n->a) && n->a->num)
			become(n, 1);
		else if (is_const(n->a) && is_const(n->b) && fold_binop(n, &r))
			become(n, r);
		break;
	case AST_UNOP:
		if (!is_const(n->a) || n->op == '*')
			break;
		r = n->a->num;
		become(n, n->op == '-' ? -r : n->op == '~' ? ~r : !r);
		break;
	case AST_TERNARY:
		if (is_const(n->a) && is_const(n->b) && is_const(n->c))
			become(n, n->a->num ? n->b->num : n->c->num);
		break;
	case AST_CAST:
		if (is_const(n->a) && n->type.kind == T_INT)
			become(n, truncate_to(n->a->num, n->type));
		else if (is_const(n->a) && n->type.kind == T_BOOL)
			become(n, n->a->num != 0);
		else if (n->a->kind == AST_STR && n->type.kind == T_BOOL)
			become(n, n->a->len > 0 && n->a->name[0] != '\0');
		break;
	default:
		break;
	}
}
