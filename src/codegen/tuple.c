// SPDX-License-Identifier: GPL-2.0-only
/* Tuples and records: values built on the BPF stack member by member, in
 * the layout of ast/tuple.c, which is also a map's layout of several
 * keys. A member is read from its tuple put on the stack (a variable's
 * own slot, or a copy). */
#include "codegen/cg.h"

static void copy_words(struct cg *cg, int dst_base, int dst_off, int src_base, int src_off,
		       int len)
{
	for (int i = 0; i < len; i += 8) {
		cg_emit(cg, LDX(BPF_DW, R1, src_base, (int16_t)(src_off + i)));
		cg_emit(cg, STX(BPF_DW, dst_base, R1, (int16_t)(dst_off + i)));
	}
}

static void zero_words(struct cg *cg, int base, int off, int len)
{
	for (int i = 0; i < len; i += 8)
		cg_emit(cg, ST(BPF_DW, base, (int16_t)(off + i), 0));
}

/* One member's value into its place. */
static void member_store(struct cg *cg, struct node *v, const struct cmember *m, int base,
			 int off)
{
	int o = off + (int)m->off;

	if (m->vt.kind == T_STR)
		cg_str(cg, v, base, o, (int)m->vt.len);
	else
		cg_store_value(cg, v, base, o);
}

static void literal(struct cg *cg, struct node *n, int base, int off)
{
	const struct ctype *ct = n->type.ct;
	size_t i = 0;

	for (struct node *e = n->list; e && i < ct->nmembers; e = e->next, i++)
		member_store(cg, e->kind == AST_FIELDINIT ? e->a : e, &ct->members[i], base, off);
}

static void ternary(struct cg *cg, struct node *n, int base, int off)
{
	int no = cg_label(cg), done = cg_label(cg);

	cg_cond_false(cg, n->a, no);
	cg_tuple_store(cg, n->b, base, off);
	cg_goto(cg, done);
	cg_place(cg, no);
	cg_tuple_store(cg, n->c, base, off);
	cg_place(cg, done);
}

static int member_at(struct cg *cg, struct node *n, int *base);

/* Where the tuple n is, at [*base + the offset returned]: a variable's
 * slot (cg_local_base), a member of a tuple that is there, or a copy
 * made now on the stack (below the caller's mark). */
static int on_stack(struct cg *cg, struct node *n, int *base)
{
	int off;

	if (n->kind == AST_LOCAL) {
		*base = cg_local_base(cg);
		return cg_local_off(cg, n->local);
	}
	if (cg_is_tuple_member(n))
		return member_at(cg, n, base);
	off = cg_stack_alloc(cg, (int)type_storage(n->type));
	cg_store_value(cg, n, R10, off);	/* a tuple, or an array compared */
	*base = R10;
	return off;
}

/* $t.1.0: the offsets add up; only the outermost tuple is put on the
 * stack. */
static int member_at(struct cg *cg, struct node *n, int *base)
{
	return on_stack(cg, n->a, base) + (int)n->num;
}

void cg_tuple_store(struct cg *cg, struct node *n, int base, int off)
{
	int size = (int)type_storage(n->type);
	int mark = cg->sp;

	switch (n->kind) {
	case AST_TUPLE:
		literal(cg, n, base, off);
		break;
	case AST_LOCAL:
		copy_words(cg, base, off, cg_local_base(cg), cg_local_off(cg, n->local), size);
		break;
	case AST_MAP:
	case AST_SELF:
		cg_map_read_mem(cg, n, base, off, size);
		break;
	case AST_MEMBER:
	case AST_INDEX:
		cg_tuple_member_mem(cg, n, base, off, size);
		break;
	case AST_TERNARY:
		ternary(cg, n, base, off);
		break;
	default:
		cg_error(cg, n->loc, "cannot compute this tuple here");
	}
	cg->sp = mark;
}

void cg_tuple_member(struct cg *cg, struct node *n, int reg)
{
	int mark = cg->sp, src;
	int at = member_at(cg, n, &src);

	cg->cur = n->loc;
	cg_emit(cg, LDX(BPF_DW, reg, src, (int16_t)at));
	cg->sp = mark;
}

void cg_tuple_member_mem(struct cg *cg, struct node *n, int base, int off, int size)
{
	int mark = cg->sp, src;
	int at = member_at(cg, n, &src);
	int have = (int)type_storage(n->type);

	cg->cur = n->loc;
	copy_words(cg, base, off, src, at, have < size ? have : size);
	if (have < size)
		zero_words(cg, base, off + have, size - have);
	cg->sp = mark;
}

/* (uint32)pton("10.1.2.3"): the array's bytes, as an integer of their
 * size (sema checked the sizes agree), in reg. */
void cg_array_as_int(struct cg *cg, struct node *n, int reg)
{
	int mark = cg->sp, base;
	int off = on_stack(cg, n, &base);
	int size = (int)n->type.ct->size;

	cg_emit(cg, LDX(size == 8 ? BPF_DW : size == 4 ? BPF_W : size == 2 ? BPF_H : BPF_B,
			reg, base, (int16_t)off));
	cg->sp = mark;
}

bool cg_is_tuple_member(const struct node *n)
{
	return (n->kind == AST_MEMBER || n->kind == AST_INDEX) && n->a->type.kind == T_TUPLE;
}

/* @m[$t]: the tuple's members are the keys. Each is copied into the
 * key's own width (a string key may be longer than the member). */
void cg_tuple_keys(struct cg *cg, struct node *t, const struct map *m, int koff)
{
	int mark = cg->sp, src;
	int at = on_stack(cg, t, &src);
	const struct ctype *ct = t->type.ct;
	int pos = koff;

	for (size_t i = 0; i < ct->nmembers && (int)i < m->nkeys; i++) {
		int want = (int)type_storage(m->keys[i]);
		int have = (int)type_storage(ct->members[i].vt);
		copy_words(cg, R10, pos, src, at + (int)ct->members[i].off,
			   have < want ? have : want);
		if (have < want)
			zero_words(cg, R10, pos + have, want - have);
		pos += want;
	}
	cg->sp = mark;
}

/* Their bytes are equal: every member is written whole, strings are
 * zero after their NUL, so the words compare. Two arrays of one type
 * compare the same way (their padding is written as zeroes). */
void cg_tuple_cmp(struct cg *cg, struct node *n, int label_false)
{
	int mark = cg->sp, abase, bbase;
	int a = on_stack(cg, n->a, &abase), b = on_stack(cg, n->b, &bbase);
	int size = (int)type_storage(n->a->type);
	int differ = n->op == OP_EQ ? label_false : cg_label(cg);

	cg->cur = n->loc;
	for (int i = 0; i < size; i += 8) {
		cg_emit(cg, LDX(BPF_DW, R1, abase, (int16_t)(a + i)));
		cg_emit(cg, LDX(BPF_DW, R2, bbase, (int16_t)(b + i)));
		cg_jmp_reg(cg, BPF_JNE, R1, R2, differ);
	}
	if (n->op == OP_NE) {
		cg_goto(cg, label_false);	/* all equal: != is false */
		cg_place(cg, differ);
	}
	cg->sp = mark;
}
