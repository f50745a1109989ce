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

/* The local variable a chain of '.' and [] on whole values starts from
 * ($s.x, $a[1]): its bytes are on the BPF stack, read by plain loads. */
static const struct node *stack_root(const struct node *n)
{
	for (;;) {
		if (n->kind == AST_LOCAL)
			return in_memory(n->type) ? n : NULL;
		if (n->kind == AST_MEMBER && n->op == '.' && in_memory(n->a->type))
			n = n->a;
		else if (n->kind == AST_INDEX && (n->a->type.kind == T_ARRAY || n->a->decay))
			n = n->a;
		else
			return NULL;
	}
}

/* A run-time index outside its array (sema's index_site): counted, and
 * on to cg->oob, where the element reads as 0. Past the test the
 * verifier knows the index is in range, as a read on the stack needs. */
static void check_index(struct cg *cg, const struct node *n, int t)
{
	const struct index_site *site;
	int ok;

	if (!n->len || cg->oob < 0)
		return;
	site = &cg->sema->indexes.v[n->len - 1];
	if (site->count > INT32_MAX)
		return;
	ok = cg_label(cg);
	cg_jmp_imm(cg, BPF_JLT, t, (int32_t)site->count, ok);
	cg_stat_inc(cg, STAT_INDEX_BASE(cg->sema) + (int)(n->len - 1));
	cg_goto(cg, cg->oob);
	cg_place(cg, ok);
}

/* reg += index * size, the index computed with reg kept safe. */
static void add_index(struct cg *cg, const struct node *n, int reg)
{
	struct node *idx = n->b;
	uint64_t size = n->num;

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
		check_index(cg, n, t);
		cg_emit(cg, ALU64_IMM(BPF_MUL, t, (int32_t)size));
		cg_emit(cg, ALU64_REG(BPF_ADD, reg, t));
		cg_reg_free(cg, t);
		return;
	}
	int mark = cg->sp, slot = cg_stack_alloc(cg, 8);
	cg_emit(cg, STX(BPF_DW, R10, reg, (int16_t)slot));
	cg_expr(cg, idx, reg);
	check_index(cg, n, reg);
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
		add_index(cg, n, reg);
		break;
	case AST_UNOP:	/* '*' */
		cg_expr(cg, n->a, reg);
		break;
	case AST_LOCAL:	/* a struct or array it holds whole */
		cg_emit(cg, MOV64_REG(reg, cg_local_base(cg)));
		cg_emit(cg, ALU64_IMM(BPF_ADD, reg, cg_local_off(cg, n->local)));
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

/* Through a kernel pointer (curtask): a kernel read, in any probe. On
 * the stack (a member of a variable's copy): a plain load, or for a
 * bit-field's odd count of bytes, the kernel read too. */
static void read_at(struct cg *cg, const struct node *n, int reg, int size, bool sign)
{
	if (stack_root(n) && (size == 1 || size == 2 || size == 4 || size == 8)) {
		cg_emit(cg, LDX(size == 8 ? BPF_DW : size == 4 ? BPF_W : size == 2 ? BPF_H : BPF_B,
				reg, reg, 0));
		if (sign)	/* a load zero-extends */
			cg_extend(cg, reg, size, sign);
	} else if (n->a->type.kernel || stack_root(n)) {
		cg_read_kernel_mem(cg, reg, reg, size, sign);
	} else {
		cg_read_mem(cg, reg, reg, size, sign);
	}
}

static int value_size(struct type t)
{
	if (t.kind == T_INT)
		return t.size;
	return 8;
}

/* A jump to label emitted since fixup number at. */
static bool uses_label(const struct cg *cg, int label, size_t at)
{
	for (size_t i = at; i < cg->fixups.n; i++)
		if (cg->fixups.v[i].label == label)
			return true;
	return false;
}

/* The element's own bytes, from its address in reg. */
static void read_value(struct cg *cg, struct node *n, int reg)
{
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

/* A member, an element or *p: its bytes read from user memory; a struct
 * or array is its address. An index out of range makes it 0. */
void cg_member_read(struct cg *cg, struct node *n, int reg)
{
	int saved = cg->oob, bad = cg_label(cg), done = cg_label(cg);
	size_t at = cg->fixups.n;

	cg->oob = bad;
	cg_addr(cg, n, reg);
	cg->oob = saved;
	read_value(cg, n, reg);
	if (!uses_label(cg, bad, at))
		return;
	cg_goto(cg, done);
	cg_place(cg, bad);
	cg_emit(cg, MOV64_IMM(reg, 0));
	cg_place(cg, done);
}

/* A struct or array kept whole: its bytes read into [base + off], padded
 * with zeroes to 8 (the verifier wants every byte of a map value
 * written); from a variable or a map element that holds one, copied. */
void cg_record_store(struct cg *cg, struct node *n, int base, int off)
{
	int size = (int)ctype_strip(n->type.ct)->size;
	int whole = (int)ALIGN8((size_t)size);

	if (n->kind == AST_MAP || n->kind == AST_SELF) {
		cg_map_read_mem(cg, n, base, off, whole);
		return;
	}
	if (n->kind == AST_CALL) {	/* pton()'s bytes */
		cg_builtin_mem(cg, n, base, off);
		return;
	}
	if (n->kind == AST_LOCAL) {
		for (int i = 0; i < whole; i += 8) {
			cg_emit(cg, LDX(BPF_DW, R1, cg_local_base(cg),
					(int16_t)(cg_local_off(cg, n->local) + i)));
			cg_emit(cg, STX(BPF_DW, base, R1, (int16_t)(off + i)));
		}
		return;
	}
	if (whole > size)
		cg_emit(cg, ST(BPF_DW, base, (int16_t)(off + whole - 8), 0));
	cg_expr_scratch(cg, n, R3);
	cg->cur = n->loc;
	cg_emit(cg, MOV64_REG(R1, base));
	cg_emit(cg, ALU64_IMM(BPF_ADD, R1, off));
	cg_mov_imm(cg, R2, size);
	cg_call(cg, n->type.kernel || stack_root(n) ? BPF_FUNC_probe_read_kernel :
		    BPF_FUNC_probe_read_user);
	cg_count_failed_read(cg, BPF_JEQ, 0);
}
