// SPDX-License-Identifier: GPL-2.0-only
/* Strings: reading them, comparing them, searching them. A string of
 * len bytes occupies ALIGN8(len) bytes and every byte after its NUL is
 * zero, so equality is a comparison of words. */
#include <string.h>

#include "builtin/builtin.h"
#include "codegen/cg.h"

static void addr(struct cg *cg, int reg, int base, int off)
{
	cg_emit(cg, MOV64_REG(reg, base));
	if (off)
		cg_emit(cg, ALU64_IMM(BPF_ADD, reg, off));
}

static void zero(struct cg *cg, int base, int off, int len)
{
	for (int i = 0; i < (int)ALIGN8(len); i += 8)
		cg_emit(cg, ST(BPF_DW, base, (int16_t)(off + i), 0));
}

/* Cut a copied string to keep bytes: NUL at keep - 1 and zeroes from
 * there to the end of its len-byte buffer. */
static void terminate(struct cg *cg, int base, int off, int keep, int len)
{
	int i = keep - 1;

	for (; i % 8 && i < (int)ALIGN8(len); i++)
		cg_emit(cg, ST(BPF_B, base, (int16_t)(off + i), 0));
	for (; i < (int)ALIGN8(len); i += 8)
		cg_emit(cg, ST(BPF_DW, base, (int16_t)(off + i), 0));
}

static uint64_t lit_word(const char *s, size_t n, size_t at)
{
	uint64_t w = 0;

	for (size_t i = 0; i < 8 && at + i < n; i++)
		w |= (uint64_t)(unsigned char)s[at + i] << (8 * i);
	return w;
}

static void store_word(struct cg *cg, int base, int off, uint64_t w)
{
	if ((int64_t)w >= INT32_MIN && (int64_t)w <= INT32_MAX) {
		cg_emit(cg, ST(BPF_DW, base, (int16_t)off, (int32_t)w));
		return;
	}
	cg_ld_imm64(cg, R1, w);
	cg_emit(cg, STX(BPF_DW, base, R1, (int16_t)off));
}

static void literal(struct cg *cg, struct node *n, int base, int off, int len)
{
	size_t keep = n->len < (size_t)len - 1 ? n->len : (size_t)len - 1;

	for (int i = 0; i < (int)ALIGN8(len); i += 8)
		store_word(cg, base, off + i, lit_word(n->name, keep, (size_t)i));
}

/* A run-time n of str(p, n): bytes to keep, NUL included, clamped to
 * 1 .. size (n to 0 .. size - 1) so the verifier sees the bound; into a
 * stack slot, returned. */
static int run_len(struct cg *cg, struct node *len, int size)
{
	int slot = cg_stack_alloc(cg, 8), pos = cg_label(cg), ok = cg_label(cg);

	cg_expr_scratch(cg, len, R2);
	cg_jmp_imm(cg, BPF_JSGE, R2, 0, pos);
	cg_emit(cg, MOV64_IMM(R2, 0));
	cg_place(cg, pos);
	cg_jmp_imm(cg, BPF_JSLE, R2, size - 1, ok);
	cg_emit(cg, MOV64_IMM(R2, size - 1));
	cg_place(cg, ok);
	cg_emit(cg, ALU64_IMM(BPF_ADD, R2, 1));
	cg_emit(cg, STX(BPF_DW, R10, R2, (int16_t)slot));
	return slot;
}

static bool run_time(const struct node *len)
{
	return len && !(len->folded && len->kind == AST_INT);
}

/* Cut a string at a run-time keep (in the slot): zero each byte from
 * keep - 1 on, one compare and one store a byte. */
static void cut(struct cg *cg, int base, int off, int slot, int len)
{
	cg_emit(cg, LDX(BPF_DW, R1, R10, (int16_t)slot));
	for (int i = 0; i < len; i++) {
		int skip = cg_label(cg);
		cg_jmp_imm(cg, BPF_JGT, R1, i + 1, skip);
		cg_emit(cg, ST(BPF_B, base, (int16_t)(off + i), 0));
		cg_place(cg, skip);
	}
}

/* The size argument of a read helper: constant, or the run-time slot. */
static void size_arg(struct cg *cg, int slot, int size)
{
	if (slot)
		cg_emit(cg, LDX(BPF_DW, R2, R10, (int16_t)slot));
	else
		cg_emit(cg, MOV64_IMM(R2, size));
}

/* str(p[, n]): a user-space string (kernel probes try user memory, then
 * kernel memory: tracepoint arguments can be either). The helpers stop
 * at a NUL and end the string with one: n characters of data that is not
 * NUL-terminated come out as n characters. */
static void read_str(struct cg *cg, struct node *n, int base, int off, int len)
{
	int size = (int)n->type.len < len ? (int)n->type.len : len;
	bool user = cg->probe->kind->flags & PK_USER;
	struct node *nlen = n->list->next;
	int slot = run_time(nlen) ? run_len(cg, nlen, size) : 0;

	if (n->list->type.kind == T_STR) {
		cg_str(cg, n->list, base, off, len);
		if ((int)n->type.len < len)
			terminate(cg, base, off, (int)n->type.len, len);
		if (slot)
			cut(cg, base, off, slot, size);
		return;
	}
	int saved = user ? 0 : cg_stack_alloc(cg, 8);

	zero(cg, base, off, len);
	cg_expr_scratch(cg, n->list, R3);
	if (!user)
		cg_emit(cg, STX(BPF_DW, R10, R3, (int16_t)saved));
	addr(cg, R1, base, off);
	size_arg(cg, slot, size);
	cg_call(cg, BPF_FUNC_probe_read_user_str);
	if (user) {
		cg_count_failed_read(cg, BPF_JSGE, 0);
		return;
	}
	int done = cg_label(cg);
	cg_jmp_imm(cg, BPF_JSGE, R0, 0, done);
	cg_emit(cg, LDX(BPF_DW, R3, R10, (int16_t)saved));
	addr(cg, R1, base, off);
	size_arg(cg, slot, size);
	cg_call(cg, BPF_FUNC_probe_read_kernel_str);
	cg_count_failed_read(cg, BPF_JSGE, 0);
	cg_place(cg, done);
}

static void copy_local(struct cg *cg, struct node *n, int base, int off, int len)
{
	int src = (int)ALIGN8(n->local->type.len);

	for (int i = 0; i < (int)ALIGN8(len); i += 8) {
		if (i < src) {
			cg_emit(cg, LDX(BPF_DW, R1, R10, (int16_t)(n->local->slot + i)));
			cg_emit(cg, STX(BPF_DW, base, R1, (int16_t)(off + i)));
		} else {
			cg_emit(cg, ST(BPF_DW, base, (int16_t)(off + i), 0));
		}
	}
	if ((int)n->local->type.len > len)
		terminate(cg, base, off, len, len);
}

static void ternary(struct cg *cg, struct node *n, int base, int off, int len)
{
	int no = cg_label(cg), done = cg_label(cg);

	cg_cond_false(cg, n->a, no);
	cg_str(cg, n->b, base, off, len);
	cg_goto(cg, done);
	cg_place(cg, no);
	cg_str(cg, n->c, base, off, len);
	cg_place(cg, done);
}

void cg_str(struct cg *cg, struct node *n, int base, int off, int len)
{
	struct loc saved = cg->cur;
	int mark = cg->sp;

	cg->cur = n->loc;
	if (n->kind == AST_STR) {
		literal(cg, n, base, off, len);
	} else if (n->kind == AST_CALL && n->id == F_STR) {
		read_str(cg, n, base, off, len);
	} else if (n->kind == AST_IDENT && builtin_of(n->id) && builtin_of(n->id)->kind == T_STR) {
		builtin_of(n->id)->emit_mem(cg, base, off, len);
	} else if (n->kind == AST_LOCAL) {
		copy_local(cg, n, base, off, len);
	} else if (n->kind == AST_MAP || n->kind == AST_SELF) {
		cg_map_read_mem(cg, n, base, off, (int)ALIGN8(len));
		if ((int)n->type.len > len)
			terminate(cg, base, off, len, len);
	} else if (n->kind == AST_TERNARY) {
		ternary(cg, n, base, off, len);
	} else if (n->kind == AST_FIELD) {
		cg->probe->kind->emit_field_str(cg, cg->probe, n->name, base, off, len);
	} else {
		cg_error(cg, n->loc, "cannot compute this string here");
	}
	cg->sp = mark;
	cg->cur = saved;
}

/* A string operand into a fresh stack buffer; returns its offset. */
static int materialize(struct cg *cg, struct node *n, int len)
{
	int off = cg_stack_alloc(cg, len);

	cg_str(cg, n, R10, off, len);
	return off;
}

/* Jump to ne when the words at off differ from the literal's. */
static void cmp_literal(struct cg *cg, int off, const struct node *lit, int words, int ne)
{
	for (int i = 0; i < words; i++) {
		uint64_t w = lit_word(lit->name, lit->len, (size_t)i * 8);
		cg_emit(cg, LDX(BPF_DW, R1, R10, (int16_t)(off + i * 8)));
		if ((int64_t)w >= INT32_MIN && (int64_t)w <= INT32_MAX) {
			cg_jmp_imm(cg, BPF_JNE, R1, (int32_t)w, ne);
		} else {
			cg_ld_imm64(cg, R2, w);
			cg_jmp_reg(cg, BPF_JNE, R1, R2, ne);
		}
	}
}

static void cmp_buffers(struct cg *cg, int a, int b, int words, int ne)
{
	for (int i = 0; i < words; i++) {
		cg_emit(cg, LDX(BPF_DW, R1, R10, (int16_t)(a + i * 8)));
		cg_emit(cg, LDX(BPF_DW, R2, R10, (int16_t)(b + i * 8)));
		cg_jmp_reg(cg, BPF_JNE, R1, R2, ne);
	}
}

/* s == t, s != t: jump to label_false when the comparison fails. */
void cg_str_cmp(struct cg *cg, struct node *n, int label_false, bool negate)
{
	struct node *a = n->a, *b = n->b;
	bool eq = (n->op == OP_EQ) != negate;
	int mark = cg->sp, ne = cg_label(cg);

	if (a->kind == AST_STR) {
		struct node *t = a;
		a = b;
		b = t;
	}
	if (b->kind == AST_STR && b->len + 1 > a->type.len) {
		/* the other side cannot hold the literal: never equal */
		if (eq)
			cg_goto(cg, label_false);
		return;
	}
	if (b->kind == AST_STR) {
		int off = materialize(cg, a, (int)a->type.len);
		cmp_literal(cg, off, b, (int)(b->len + 8) / 8, ne);
	} else {
		int len = (int)(a->type.len > b->type.len ? a->type.len : b->type.len);
		int oa = materialize(cg, a, len), ob = materialize(cg, b, len);
		cmp_buffers(cg, oa, ob, (int)ALIGN8(len) / 8, ne);
	}
	/* falling through here: equal */
	if (eq) {
		int done = cg_label(cg);
		cg_goto(cg, done);
		cg_place(cg, ne);
		cg_goto(cg, label_false);
		cg_place(cg, done);
	} else {
		cg_goto(cg, label_false);
		cg_place(cg, ne);
	}
	cg->sp = mark;
}

static void startswith(struct cg *cg, struct node *n, int reg)
{
	struct node *s = n->list, *p = s->next;
	int mark = cg->sp, no = cg_label(cg), done = cg_label(cg);
	int full = (int)p->len / 8, rest = (int)p->len % 8;

	if (p->len + 1 > s->type.len) {
		cg_mov_imm(cg, reg, 0);
		return;
	}
	int off = materialize(cg, s, (int)s->type.len);
	cmp_literal(cg, off, p, full, no);
	if (rest) {
		uint64_t mask = (1ULL << (8 * rest)) - 1;
		cg_emit(cg, LDX(BPF_DW, R1, R10, (int16_t)(off + full * 8)));
		cg_ld_imm64(cg, R2, mask);
		cg_emit(cg, ALU64_REG(BPF_AND, R1, R2));
		cg_ld_imm64(cg, R2, lit_word(p->name, p->len, (size_t)full * 8) & mask);
		cg_jmp_reg(cg, BPF_JNE, R1, R2, no);
	}
	cg_mov_imm(cg, reg, 1);
	cg_goto(cg, done);
	cg_place(cg, no);
	cg_mov_imm(cg, reg, 0);
	cg_place(cg, done);
	cg->sp = mark;
}

/* A bounded loop over start positions; the needle is compared unrolled. */
static void contains(struct cg *cg, struct node *n, int reg)
{
	struct node *s = n->list, *p = s->next;
	int len = (int)s->type.len, L = (int)p->len;
	int mark = cg->sp, loop = cg_label(cg), next = cg_label(cg), no = cg_label(cg),
	    done = cg_label(cg);

	if (L > len - 1) {
		cg_mov_imm(cg, reg, 0);
		return;
	}
	int off = materialize(cg, s, len);
	cg_emit(cg, MOV64_IMM(R4, 0));
	cg_place(cg, loop);
	cg_jmp_imm(cg, BPF_JGT, R4, len - 1 - L, no);
	cg_emit(cg, MOV64_REG(R2, R10));
	cg_emit(cg, ALU64_IMM(BPF_ADD, R2, off));
	cg_emit(cg, ALU64_REG(BPF_ADD, R2, R4));
	cg_emit(cg, LDX(BPF_B, R3, R2, 0));
	cg_jmp_imm(cg, BPF_JEQ, R3, 0, no);
	for (int j = 0; j < L; j++) {
		if (j)
			cg_emit(cg, LDX(BPF_B, R3, R2, (int16_t)j));
		cg_jmp_imm(cg, BPF_JNE, R3, (unsigned char)p->name[j], next);
	}
	cg_mov_imm(cg, reg, 1);
	cg_goto(cg, done);
	cg_place(cg, next);
	cg_emit(cg, ALU64_IMM(BPF_ADD, R4, 1));
	cg_goto(cg, loop);
	cg_place(cg, no);
	cg_mov_imm(cg, reg, 0);
	cg_place(cg, done);
	cg->sp = mark;
}

void cg_str_call(struct cg *cg, struct node *n, int reg)
{
	if (n->id == F_STARTSWITH)
		startswith(cg, n, reg);
	else if (n->id == F_CONTAINS)
		contains(cg, n, reg);
	else
		cg_error(cg, n->loc, "%s() has no integer value", n->name);
}
