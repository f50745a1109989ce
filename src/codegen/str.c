// SPDX-License-Identifier: GPL-2.0-only
/* Strings: computing them and comparing them (the functions that read
 * and search them are in func/string.c). A string of
 * len bytes occupies ALIGN8(len) bytes and every byte after its NUL is
 * zero, so equality is a comparison of words. */
#include <string.h>

#include "builtin/builtin.h"
#include "codegen/cg.h"
#include "func/func.h"

/* Cut a copied string to keep bytes: NUL at keep - 1 and zeroes from
 * there to the end of its len-byte buffer. */
void cg_str_terminate(struct cg *cg, int base, int off, int keep, int len)
{
	int i = keep - 1;

	for (; i % 8 && i < (int)ALIGN8(len); i++)
		cg_emit(cg, ST(BPF_B, base, (int16_t)(off + i), 0));
	for (; i < (int)ALIGN8(len); i += 8)
		cg_emit(cg, ST(BPF_DW, base, (int16_t)(off + i), 0));
}

uint64_t cg_str_lit_word(const char *s, size_t n, size_t at)
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
		store_word(cg, base, off + i, cg_str_lit_word(n->name, keep, (size_t)i));
}

static void copy_local(struct cg *cg, struct node *n, int base, int off, int len)
{
	int src = (int)ALIGN8(n->local->type.len);
	int at = cg_local_off(cg, n->local);

	for (int i = 0; i < (int)ALIGN8(len); i += 8) {
		if (i < src) {
			cg_emit(cg, LDX(BPF_DW, R1, cg_local_base(cg), (int16_t)(at + i)));
			cg_emit(cg, STX(BPF_DW, base, R1, (int16_t)(off + i)));
		} else {
			cg_emit(cg, ST(BPF_DW, base, (int16_t)(off + i), 0));
		}
	}
	if ((int)n->local->type.len > len)
		cg_str_terminate(cg, base, off, len, len);
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
	} else if (n->kind == AST_CALL && func_of(n) && func_of(n)->emit_mem) {
		func_of(n)->emit_mem(cg, n, base, off, len);
	} else if (n->kind == AST_IDENT && builtin_of(n->id) && builtin_of(n->id)->kind == T_STR) {
		builtin_of(n->id)->emit_mem(cg, base, off, len);
	} else if (n->kind == AST_LOCAL) {
		copy_local(cg, n, base, off, len);
	} else if (n->kind == AST_MAP || n->kind == AST_SELF) {
		cg_map_read_mem(cg, n, base, off, (int)ALIGN8(len));
		if ((int)n->type.len > len)
			cg_str_terminate(cg, base, off, len, len);
	} else if (cg_is_tuple_member(n)) {
		cg_tuple_member_mem(cg, n, base, off, (int)ALIGN8(len));
		if ((int)n->type.len > len)
			cg_str_terminate(cg, base, off, len, len);
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
int cg_str_materialize(struct cg *cg, struct node *n, int len)
{
	int off = cg_stack_alloc(cg, len);

	cg_str(cg, n, R10, off, len);
	return off;
}

/* Jump to ne when the words at off differ from the literal's. */
void cg_str_cmp_literal(struct cg *cg, int off, const struct node *lit, int words, int ne)
{
	for (int i = 0; i < words; i++) {
		uint64_t w = cg_str_lit_word(lit->name, lit->len, (size_t)i * 8);
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
		int off = cg_str_materialize(cg, a, (int)a->type.len);
		cg_str_cmp_literal(cg, off, b, (int)(b->len + 8) / 8, ne);
	} else {
		int len = (int)(a->type.len > b->type.len ? a->type.len : b->type.len);
		int oa = cg_str_materialize(cg, a, len), ob = cg_str_materialize(cg, b, len);
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
