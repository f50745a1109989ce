// SPDX-License-Identifier: GPL-2.0-only
/* Members, indexing and unary * on the program's types. A struct or
 * array in user memory is known by its address; reading a member reads
 * just its bytes (a bit-field: the bytes its bits span), once, through
 * the counted user-memory read. */
#include "codegen/cg.h"

static bool in_memory(struct type t)
{
	return t.kind == T_RECORD || t.kind == T_ARRAY;
}

/* reg += index * size, the index computed with reg kept safe. */
static void add_index(struct cg *cg, struct node *idx, uint64_t size, int reg)
{
	if (idx->folded && idx->kind == AST_INT) {
		int64_t off = (int64_t)(idx->num * size);
		if (off >= INT32_MIN && off <= INT32_MAX) {
			if (off)
				cg_emit(cg, ALU64_IMM(BPF_ADD, reg, (int32_t)off));
			return;
		}
	}
	int t = cg_reg_alloc(cg);
	if (t >= 0) {
		cg_expr(cg, idx, t);
		cg_emit(cg, ALU64_IMM(BPF_MUL, t, (int32_t)size));
		cg_emit(cg, ALU64_REG(BPF_ADD, reg, t));
		cg_reg_free(cg, t);
		return;
	}
	int mark = cg->sp, slot = cg_stack_alloc(cg, 8);
	cg_emit(cg, STX(BPF_DW, R10, reg, (int16_t)slot));
	cg_expr(cg, idx, reg);
	cg_emit(cg, ALU64_IMM(BPF_MUL, reg, (int32_t)size));
	cg_emit(cg, LDX(BPF_DW, R1, R10, (int16_t)slot));
	cg_emit(cg, ALU64_REG(BPF_ADD, reg, R1));
	cg->sp = mark;
}

void cg_addr(struct cg *cg, struct node *n, int reg)
{
	struct loc saved = cg->cur;

	cg->cur = n->loc;
	switch (n->kind) {
	case AST_MEMBER:
		if (n->op == '.' && in_memory(n->a->type))
			cg_addr(cg, n->a, reg);
		else
			cg_expr(cg, n->a, reg);	/* a pointer, or a reference */
		if (n->num)
			cg_emit(cg, ALU64_IMM(BPF_ADD, reg, (int32_t)n->num));
		break;
	case AST_INDEX:
		if (n->a->type.kind == T_ARRAY)
			cg_addr(cg, n->a, reg);
		else
			cg_expr(cg, n->a, reg);
		add_index(cg, n->b, n->num, reg);
		break;
	case AST_UNOP:	/* '*' */
		cg_expr(cg, n->a, reg);
		break;
	default:
		cg_error(cg, n->loc, "this value has no address in memory");
	}
	cg->cur = saved;
}

/* The bit-field's bits of the bytes read, extended to 64 bits. */
static void bitfield(struct cg *cg, const struct node *n, int reg)
{
	int shift = 64 - (int)n->len;

	if (n->id)
		cg_emit(cg, ALU64_IMM(BPF_RSH, reg, n->id));
	cg_emit(cg, ALU64_IMM(BPF_LSH, reg, shift));
	cg_emit(cg, ALU64_IMM(n->type.sign ? BPF_ARSH : BPF_RSH, reg, shift));
}

/* Through a kernel pointer (curtask): a kernel read, in any probe. */
static void read_at(struct cg *cg, const struct node *n, int reg, int size, bool sign)
{
	if (n->a->type.kernel)
		cg_read_kernel_mem(cg, reg, reg, size, sign);
	else
		cg_read_mem(cg, reg, reg, size, sign);
}

static int value_size(struct type t)
{
	if (t.kind == T_INT)
		return t.size;
	return 8;
}

/* A member, an element or *p: its bytes read from user memory; a struct
 * or array is its address. */
void cg_member_read(struct cg *cg, struct node *n, int reg)
{
	cg_addr(cg, n, reg);
	if (in_memory(n->type) || n->decay)
		return;
	cg->cur = n->loc;
	if (n->kind == AST_MEMBER && n->len) {
		int bytes = (n->id + (int)n->len + 7) / 8;
		read_at(cg, n, reg, bytes, false);
		bitfield(cg, n, reg);
		return;
	}
	read_at(cg, n, reg, value_size(n->type), n->type.kind == T_INT && n->type.sign);
}

/* A struct kept whole: its bytes read into [base + off], padded with
 * zeroes to 8 (the verifier wants every byte of a map value written). */
void cg_record_store(struct cg *cg, struct node *n, int base, int off)
{
	int size = (int)ctype_strip(n->type.ct)->size;
	int whole = (int)ALIGN8((size_t)size);

	if (whole > size)
		cg_emit(cg, ST(BPF_DW, base, (int16_t)(off + whole - 8), 0));
	cg_expr_scratch(cg, n, R3);
	cg->cur = n->loc;
	cg_emit(cg, MOV64_REG(R1, base));
	cg_emit(cg, ALU64_IMM(BPF_ADD, R1, off));
	cg_mov_imm(cg, R2, size);
	cg_call(cg, n->type.kernel ? BPF_FUNC_probe_read_kernel : BPF_FUNC_probe_read_user);
	cg_count_failed_read(cg, BPF_JEQ, 0);
}
