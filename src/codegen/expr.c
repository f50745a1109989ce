// SPDX-License-Identifier: GPL-2.0-only
/* Integer expressions into registers; conditions into jumps. */
#include "codegen/cg.h"
#include "func/func.h"

static int alu_op(int op)
{
	switch (op) {
	case '+': return BPF_ADD;
	case '-': return BPF_SUB;
	case '*': return BPF_MUL;
	case '/': return BPF_DIV;
	case '%': return BPF_MOD;
	case '&': return BPF_AND;
	case '|': return BPF_OR;
	case '^': return BPF_XOR;
	case OP_SHL: return BPF_LSH;
	case OP_SHR: return BPF_RSH;
	}
	return -1;
}

static bool fits_imm(const struct node *n)
{
	return n->folded && n->kind == AST_INT && (int64_t)n->num >= INT32_MIN &&
	       (int64_t)n->num <= INT32_MAX;
}

/* dst op= src, with the signedness the result type asks for. */
static void alu_reg(struct cg *cg, int op, bool sign, int dst, int src)
{
	int a = alu_op(op);

	if (op == OP_SHR && sign)
		cg_emit(cg, ALU64_REG(BPF_ARSH, dst, src));
	else if ((op == '/' || op == '%') && sign)
		cg_emit(cg, SALU64_REG(a, dst, src));
	else
		cg_emit(cg, ALU64_REG(a, dst, src));
}

static void alu_imm(struct cg *cg, int op, bool sign, int dst, int32_t imm)
{
	int a = alu_op(op);

	/* the verifier refuses shifts of 64 or more; fold takes them mod 64 */
	if (op == OP_SHL || op == OP_SHR)
		imm &= 63;

	if (op == OP_SHR && sign)
		cg_emit(cg, ALU64_IMM(BPF_ARSH, dst, imm));
	else if ((op == '/' || op == '%') && sign)
		cg_emit(cg, SALU64_IMM(a, dst, imm));
	else
		cg_emit(cg, ALU64_IMM(a, dst, imm));
}

/* The right operand into a register while dst holds the left one: a
 * free callee-saved register if any, else dst goes to the stack for the
 * time b takes. Calls fn(cg, op, dst, src, arg) to combine. */
typedef void combine_fn(struct cg *cg, struct node *op, int dst, int src, int arg);

static void with_rhs(struct cg *cg, struct node *b, int dst, combine_fn *fn, struct node *op,
		     int arg)
{
	int t = cg_reg_alloc(cg);

	if (t >= 0) {
		cg_expr(cg, b, t);
		fn(cg, op, dst, t, arg);
		cg_reg_free(cg, t);
		return;
	}
	int mark = cg->sp, slot = cg_stack_alloc(cg, 8);
	int tmp = dst == R1 ? R2 : R1;
	cg_emit(cg, STX(BPF_DW, R10, dst, (int16_t)slot));
	cg_expr(cg, b, dst);
	cg_emit(cg, MOV64_REG(tmp, dst));
	cg_emit(cg, LDX(BPF_DW, dst, R10, (int16_t)slot));
	fn(cg, op, dst, tmp, arg);
	cg->sp = mark;
}

static bool op_signed(const struct node *n)
{
	if (n->op == OP_SHR)
		return n->a->type.kind == T_INT && n->a->type.sign;
	return n->type.sign;
}

/* Pointer arithmetic: the integer side counts elements of num bytes;
 * p - q is counted in elements too. */
static bool scaled(const struct node *n)
{
	return n->kind == AST_BINOP && n->num > 1 && (n->op == '+' || n->op == '-');
}

static void arith_combine(struct cg *cg, struct node *n, int dst, int src, int unused)
{
	(void)unused;
	if (scaled(n) && n->a->type.kind == T_PTR && n->b->type.kind == T_PTR) {
		alu_reg(cg, n->op, false, dst, src);
		cg_emit(cg, SALU64_IMM(BPF_DIV, dst, (int32_t)n->num));
		return;
	}
	if (scaled(n)) {
		int i = n->a->type.kind == T_PTR ? src : dst;
		cg_emit(cg, ALU64_IMM(BPF_MUL, i, (int32_t)n->num));
	}
	alu_reg(cg, n->op, op_signed(n), dst, src);
}

static int jmp_op(int op, bool sign)
{
	switch (op) {
	case OP_EQ: return BPF_JEQ;
	case OP_NE: return BPF_JNE;
	case '<': return sign ? BPF_JSLT : BPF_JLT;
	case '>': return sign ? BPF_JSGT : BPF_JGT;
	case OP_LE: return sign ? BPF_JSLE : BPF_JLE;
	case OP_GE: return sign ? BPF_JSGE : BPF_JGE;
	}
	return -1;
}

static int negate_jmp(int op, bool sign)
{
	switch (op) {
	case OP_EQ: return jmp_op(OP_NE, sign);
	case OP_NE: return jmp_op(OP_EQ, sign);
	case '<': return jmp_op(OP_GE, sign);
	case '>': return jmp_op(OP_LE, sign);
	case OP_LE: return jmp_op('>', sign);
	case OP_GE: return jmp_op('<', sign);
	}
	return -1;
}

static bool is_cmp(int op)
{
	return op == OP_EQ || op == OP_NE || op == '<' || op == '>' || op == OP_LE || op == OP_GE;
}

static bool cmp_signed(const struct node *n)
{
	return type_promote(n->a->type, n->b->type).sign;
}

static void cmp_combine(struct cg *cg, struct node *n, int dst, int src, int label)
{
	cg_jmp_reg(cg, negate_jmp(n->op, cmp_signed(n)), dst, src, label);
}

static void cond_cmp(struct cg *cg, struct node *n, int label_false, int dst)
{
	cg_expr(cg, n->a, dst);
	cg->cur = n->loc;
	if (fits_imm(n->b))
		cg_jmp_imm(cg, negate_jmp(n->op, cmp_signed(n)), dst, (int32_t)n->b->num,
			   label_false);
	else
		with_rhs(cg, n->b, dst, cmp_combine, n, label_false);
}

/* All of r7..r9 hold values: lend r7 to the condition, restoring it on
 * both ways out. */
static void cond_spilled(struct cg *cg, struct node *n, int label_false)
{
	int mark = cg->sp, slot = cg_stack_alloc(cg, 8);
	int no = cg_label(cg), done = cg_label(cg);

	cg_emit(cg, STX(BPF_DW, R10, R7, (int16_t)slot));
	cg->busy[R7] = false;
	cg->lent_r7 = true;
	cg_cond_false(cg, n, no);
	cg->busy[R7] = true;
	cg_emit(cg, LDX(BPF_DW, R7, R10, (int16_t)slot));
	cg_goto(cg, done);
	cg_place(cg, no);
	cg_emit(cg, LDX(BPF_DW, R7, R10, (int16_t)slot));
	cg_goto(cg, label_false);
	cg_place(cg, done);
	cg->sp = mark;
}

void cg_cond_false(struct cg *cg, struct node *n, int label_false)
{
	cg->cur = n->loc;
	if (n->folded && n->kind == AST_INT) {
		if (!n->num)
			cg_goto(cg, label_false);
		return;
	}
	if (n->kind == AST_BINOP && n->op == OP_AND) {
		cg_cond_false(cg, n->a, label_false);
		cg_cond_false(cg, n->b, label_false);
		return;
	}
	if (n->kind == AST_BINOP && n->op == OP_OR) {
		int yes = cg_label(cg), second = cg_label(cg);
		cg_cond_false(cg, n->a, second);
		cg_goto(cg, yes);
		cg_place(cg, second);
		cg_cond_false(cg, n->b, label_false);
		cg_place(cg, yes);
		return;
	}
	if (n->kind == AST_BINOP && is_cmp(n->op) && n->a->type.kind == T_STR) {
		cg_str_cmp(cg, n, label_false, false);
		return;
	}
	if (n->kind == AST_BINOP && is_cmp(n->op) &&
	    (n->a->type.kind == T_TUPLE || n->a->type.kind == T_ARRAY)) {
		cg_tuple_cmp(cg, n, label_false);
		return;
	}
	int r = cg_reg_alloc(cg);
	if (r < 0) {
		cond_spilled(cg, n, label_false);
		return;
	}
	if (n->kind == AST_BINOP && is_cmp(n->op)) {
		cond_cmp(cg, n, label_false, r);
	} else if (n->kind == AST_UNOP && n->op == '!') {
		/* !x is false when x is not 0 (never through bool_value: it
		 * would come back here) */
		cg_expr(cg, n->a, r);
		cg_jmp_imm(cg, BPF_JNE, r, 0, label_false);
	} else {
		cg_expr(cg, n, r);
		cg_jmp_imm(cg, BPF_JEQ, r, 0, label_false);
	}
	cg_reg_free(cg, r);
}

/* 0 or 1 from a condition. */
static void bool_value(struct cg *cg, struct node *n, int reg)
{
	int no = cg_label(cg), done = cg_label(cg);

	cg_cond_false(cg, n, no);
	cg_emit(cg, MOV64_IMM(reg, 1));
	cg_goto(cg, done);
	cg_place(cg, no);
	cg_emit(cg, MOV64_IMM(reg, 0));
	cg_place(cg, done);
}

static void binop(struct cg *cg, struct node *n, int reg)
{
	if (is_cmp(n->op) || n->op == OP_AND || n->op == OP_OR) {
		bool_value(cg, n, reg);
		return;
	}
	cg_expr(cg, n->a, reg);
	cg->cur = n->loc;
	if (fits_imm(n->b) && !(scaled(n) && n->b->type.kind == T_PTR)) {
		int64_t v = (int64_t)n->b->num * (scaled(n) ? (int64_t)n->num : 1);
		if (v >= INT32_MIN && v <= INT32_MAX) {
			alu_imm(cg, n->op, op_signed(n), reg, (int32_t)v);
			return;
		}
	}
	with_rhs(cg, n->b, reg, arith_combine, n, 0);
}

static void unop(struct cg *cg, struct node *n, int reg)
{
	if (n->op == '!') {
		bool_value(cg, n, reg);
		return;
	}
	cg_expr(cg, n->a, reg);
	cg->cur = n->loc;
	if (n->op == '-')
		cg_emit(cg, NEG64(reg));
	else if (n->op == '~')
		cg_emit(cg, ALU64_IMM(BPF_XOR, reg, -1));
	else if (n->op == '*' && (n->type.kind == T_RECORD || n->type.kind == T_ARRAY))
		return;	/* a struct is known by its address */
	else if (n->op == '*' && n->a->type.kernel)
		cg_read_kernel_mem(cg, reg, reg, n->type.kind == T_PTR ? 8 : n->type.size,
				   n->type.kind != T_PTR && n->type.sign);
	else if (n->op == '*' && n->type.kind == T_PTR)
		cg_read_mem(cg, reg, reg, 8, false);
	else if (n->op == '*')
		cg_read_mem(cg, reg, reg, n->type.size, n->type.sign);
}

static void ternary(struct cg *cg, struct node *n, int reg)
{
	int no = cg_label(cg), done = cg_label(cg);

	cg_cond_false(cg, n->a, no);
	cg_expr(cg, n->b, reg);
	cg_goto(cg, done);
	cg_place(cg, no);
	cg_expr(cg, n->c, reg);
	cg_place(cg, done);
}

/* (bool)x: 1 unless x is 0. */
static void to_bool(struct cg *cg, int reg)
{
	int zero = cg_label(cg);

	cg_jmp_imm(cg, BPF_JEQ, reg, 0, zero);
	cg_emit(cg, MOV64_IMM(reg, 1));
	cg_place(cg, zero);
}

/* (bool)s: its first byte is not the NUL. */
static void str_to_bool(struct cg *cg, struct node *n, int reg)
{
	int mark = cg->sp;
	int off = cg_str_materialize(cg, n->a, (int)n->a->type.len);

	cg->cur = n->loc;
	cg_emit(cg, LDX(BPF_B, reg, R10, (int16_t)off));
	to_bool(cg, reg);
	cg->sp = mark;
}

static void local_read(struct cg *cg, struct node *n, int reg)
{
	cg_emit(cg, LDX(BPF_DW, reg, cg_local_base(cg), (int16_t)cg_local_off(cg, n->local)));
}

void cg_expr(struct cg *cg, struct node *n, int reg)
{
	struct loc saved = cg->cur;

	cg->cur = n->loc;
	if (n->folded && n->kind == AST_INT) {
		cg_mov_imm(cg, reg, (int64_t)n->num);
		cg->cur = saved;
		return;
	}
	switch (n->kind) {
	case AST_IDENT:
	case AST_FIELD:
		cg_builtin(cg, n, reg);
		break;
	case AST_LOCAL:
		local_read(cg, n, reg);
		break;
	case AST_MAP:
	case AST_SELF:
		cg_map_read(cg, n, reg);
		break;
	case AST_CALL:
		if (func_of(n) && func_of(n)->emit)
			func_of(n)->emit(cg, n, reg);
		else
			cg_error(cg, n->loc, "%s() has no integer value", n->name);
		break;
	case AST_BINOP:
		binop(cg, n, reg);
		break;
	case AST_UNOP:
		unop(cg, n, reg);
		break;
	case AST_TERNARY:
		ternary(cg, n, reg);
		break;
	case AST_MEMBER:
	case AST_INDEX:
		if (n->a->type.kind == T_TUPLE)
			cg_tuple_member(cg, n, reg);
		else
			cg_member_read(cg, n, reg);
		break;
	case AST_CAST:
		if (n->a->type.kind == T_STR) {
			str_to_bool(cg, n, reg);
			break;
		}
		if (n->a->type.kind == T_ARRAY)
			cg_array_as_int(cg, n->a, reg);
		else
			cg_expr(cg, n->a, reg);
		cg->cur = n->loc;
		if (n->type.kind == T_INT)
			cg_extend(cg, reg, n->type.size, n->type.sign);
		else if (n->type.kind == T_BOOL && n->a->type.kind != T_BOOL)
			to_bool(cg, reg);
		break;
	default:
		cg_error(cg, n->loc, "cannot compute this value here");
	}
	cg->cur = saved;
}

void cg_store_value(struct cg *cg, struct node *n, int base, int off)
{
	struct loc saved = cg->cur;

	cg->cur = n->loc;
	if (cg_is_tuple_member(n) && !type_is_int(n->type)) {
		cg_tuple_member_mem(cg, n, base, off, (int)type_storage(n->type));
		cg->cur = saved;
		return;
	}
	/* a text value held in a word (username) is computed as an integer */
	switch (type_text_word(n->type) ? T_INT : n->type.kind) {
	case T_STR:
		cg_str(cg, n, base, off, (int)n->type.len);
		break;
	case T_TUPLE:
		cg_tuple_store(cg, n, base, off);
		break;
	case T_RECORD:
	case T_ARRAY:
		cg_record_store(cg, n, base, off);
		break;
	case T_USTACK:
	case T_USYM:
	case T_KSTACK:
	case T_TEXT:
		if (n->kind == AST_MAP || n->kind == AST_SELF)
			cg_map_read_mem(cg, n, base, off, (int)type_storage(n->type));
		else if (n->kind == AST_LOCAL)
			for (int i = 0; i < (int)type_storage(n->type); i += 8) {
				cg_emit(cg, LDX(BPF_DW, R1, cg_local_base(cg),
						(int16_t)(cg_local_off(cg, n->local) + i)));
				cg_emit(cg, STX(BPF_DW, base, R1, (int16_t)(off + i)));
			}
		else
			cg_builtin_mem(cg, n, base, off);
		break;
	default: {
		int r = cg_pure(cg, n) ? -1 : cg_reg_alloc(cg);
		if (r < 0) {
			cg_expr_scratch(cg, n, R1);
			cg_emit(cg, STX(BPF_DW, base, R1, (int16_t)off));
			break;
		}
		cg_expr(cg, n, r);
		cg_emit(cg, STX(BPF_DW, base, r, (int16_t)off));
		cg_reg_free(cg, r);
	}
	}
	cg->cur = saved;
}

/* No helper call on the way: the value can be computed straight into a
 * scratch register. */
bool cg_pure(struct cg *cg, const struct node *n)
{
	if (n->folded && n->kind == AST_INT)
		return true;
	switch (n->kind) {
	case AST_LOCAL:
		return true;
	case AST_IDENT:
		if (n->id == B_ARG)
			return cg->probe->kind->arg_pure &&
			       cg->probe->kind->arg_pure(cg->probe, cg->variant, (int)n->num);
		return n->id == B_RETVAL;
	case AST_BINOP:
		if (n->a->type.kind == T_STR || n->a->type.kind == T_TUPLE ||
		    n->a->type.kind == T_ARRAY)
			return false;
		return cg_pure(cg, n->a) && cg_pure(cg, n->b);
	case AST_UNOP:
		return n->op != '*' && cg_pure(cg, n->a);
	case AST_CAST:
		return n->a->type.kind != T_ARRAY && cg_pure(cg, n->a);
	case AST_CALL:
		return func_of(n) && func_of(n)->pure;
	case AST_TERNARY:
		return cg_pure(cg, n->a) && cg_pure(cg, n->b) && cg_pure(cg, n->c);
	default:
		return false;
	}
}

void cg_expr_scratch(struct cg *cg, struct node *n, int scratch)
{
	if (cg_pure(cg, n)) {
		cg_expr(cg, n, scratch);
		return;
	}
	int r = cg_reg_alloc(cg);

	if (r >= 0) {
		cg_expr(cg, n, r);
		cg_emit(cg, MOV64_REG(scratch, r));
		cg_reg_free(cg, r);
		return;
	}
	/* all of r7..r9 are taken: lend r7 for the time n takes */
	int mark = cg->sp, slot = cg_stack_alloc(cg, 8);
	cg_emit(cg, STX(BPF_DW, R10, R7, (int16_t)slot));
	/* r7 stays reserved: n's own temporaries must not be r7 too */
	cg->lent_r7 = true;
	cg_expr(cg, n, R7);
	cg_emit(cg, MOV64_REG(scratch, R7));
	cg_emit(cg, LDX(BPF_DW, R7, R10, (int16_t)slot));
	cg->sp = mark;
}
