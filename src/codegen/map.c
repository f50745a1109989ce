// SPDX-License-Identifier: GPL-2.0-only
/* Maps: keys, reads, plain and compound assignments, deletes, and the
 * aggregations. Aggregations add in place, atomically, into per-CPU
 * values: no update helper on the hot path, no lost counts. */
#include <string.h>

#include <bpf/libbpf.h>

#include "agg/agg.h"
#include "codegen/cg.h"

static void copy_words(struct cg *cg, int dst_base, int dst_off, int src_base, int src_off,
		       int len)
{
	for (int i = 0; i < len; i += 8) {
		cg_emit(cg, LDX(BPF_DW, R1, src_base, (int16_t)(src_off + i)));
		cg_emit(cg, STX(BPF_DW, dst_base, R1, (int16_t)(dst_off + i)));
	}
}

int cg_map_key(struct cg *cg, struct node *n)
{
	struct map *m = n->map;
	int off = cg_stack_alloc(cg, (int)m->key_size);
	int pos = off, i = 0;

	if (m->kind == MAP_SELF) {
		cg_call(cg, BPF_FUNC_get_current_pid_tgid);
		cg_emit(cg, MOV32_REG(R0, R0));
		cg_emit(cg, STX(BPF_DW, R10, R0, (int16_t)off));
		return off;
	}
	if (!m->nkeys) {
		cg_emit(cg, ST(BPF_DW, R10, (int16_t)off, 0));
		return off;
	}
	if (n->spread) {
		cg_tuple_keys(cg, n->list, m, off);
		return off;
	}
	for (struct node *k = n->list; k; k = k->next, i++) {
		if (m->keys[i].kind == T_STR)
			cg_str(cg, k, R10, pos, (int)m->keys[i].len);
		else
			cg_store_value(cg, k, R10, pos);
		pos += (int)type_storage(m->keys[i]);
	}
	return off;
}

static void lookup(struct cg *cg, struct map *m, int koff)
{
	cg_ld_map(cg, R1, m->id, false);
	cg_emit(cg, MOV64_REG(R2, R10));
	cg_emit(cg, ALU64_IMM(BPF_ADD, R2, koff));
	cg_call(cg, BPF_FUNC_map_lookup_elem);
}

void cg_arg_site_inc(struct cg *cg, const struct node *call)
{
	const struct sema *s = cg->sema;

	for (size_t i = 0; i < s->args.n; i++)
		if (s->args.v[i].loc.start == call->loc.start && s->args.v[i].loc.end == call->loc.end) {
			cg_stat_inc(cg, STAT_ARG_BASE(s) + (int)i);
			return;
		}
}

void cg_stat_inc(struct cg *cg, int slot)
{
	int mark = cg->sp, koff = cg_stack_alloc(cg, 8);
	int skip = cg_label(cg);

	cg_emit(cg, ST(BPF_W, R10, (int16_t)koff, slot));
	cg_ld_map(cg, R1, CG_MAP_STATS, false);
	cg_emit(cg, MOV64_REG(R2, R10));
	cg_emit(cg, ALU64_IMM(BPF_ADD, R2, koff));
	cg_call(cg, BPF_FUNC_map_lookup_elem);
	cg_jmp_imm(cg, BPF_JEQ, R0, 0, skip);
	cg_emit(cg, MOV64_IMM(R1, 1));
	cg_emit(cg, ATOMIC64(BPF_ADD, R0, R1, 0));
	cg_place(cg, skip);
	cg->sp = mark;
}

/* r0 = the value for the key at koff, inserted as zeroes when absent.
 * A full map counts a drop and jumps to fail. */
static void lookup_or_insert(struct cg *cg, struct map *m, int koff, int fail)
{
	int have = cg_label(cg);

	lookup(cg, m, koff);
	cg_jmp_imm(cg, BPF_JNE, R0, 0, have);
	cg_ld_map(cg, R1, m->id, false);
	cg_emit(cg, MOV64_REG(R2, R10));
	cg_emit(cg, ALU64_IMM(BPF_ADD, R2, koff));
	cg_ld_map(cg, R3, CG_MAP_ZERO, true);
	cg_emit(cg, MOV64_IMM(R4, BPF_NOEXIST));
	cg_call(cg, BPF_FUNC_map_update_elem);
	lookup(cg, m, koff);
	cg_jmp_imm(cg, BPF_JNE, R0, 0, have);
	cg_stat_inc(cg, STAT_MAP_BASE + m->id);
	cg_goto(cg, fail);
	cg_place(cg, have);
}

/* An aggregation read in a probe (@c = count(); if (@c > 10)): its
 * first two words folded over every CPU's copy (added, or as the
 * aggregation's emit_fold says), each found with
 * bpf_map_lookup_percpu_elem, then its number (agg emit_read). The loop
 * runs once per possible CPU, a constant the verifier sees. */
static void agg_read(struct cg *cg, struct node *n, int reg)
{
	int mark = cg->sp;

	cg_agg_read_key(cg, n->map, cg_map_key(cg, n), reg);
	cg->sp = mark;
}

void cg_agg_read_key(struct cg *cg, struct map *m, int koff, int reg)
{
	int mark = cg->sp;
	int w = cg_stack_alloc(cg, 16), cpu = cg_stack_alloc(cg, 8);
	int top = cg_label(cg), next = cg_label(cg), done = cg_label(cg);
	int ncpus = libbpf_num_possible_cpus();

	cg_emit(cg, ST(BPF_DW, R10, (int16_t)w, 0));
	cg_emit(cg, ST(BPF_DW, R10, (int16_t)(w + 8), 0));
	cg_emit(cg, ST(BPF_DW, R10, (int16_t)cpu, 0));
	cg_place(cg, top);
	cg_emit(cg, LDX(BPF_DW, R3, R10, (int16_t)cpu));
	cg_jmp_imm(cg, BPF_JGE, R3, ncpus > 0 ? ncpus : 1, done);
	cg_ld_map(cg, R1, m->id, false);
	cg_emit(cg, MOV64_REG(R2, R10));
	cg_emit(cg, ALU64_IMM(BPF_ADD, R2, koff));
	cg_call(cg, BPF_FUNC_map_lookup_percpu_elem);
	cg_jmp_imm(cg, BPF_JEQ, R0, 0, next);
	if (m->agg->emit_fold) {
		m->agg->emit_fold(cg, m, w, w + 8);
	} else {
		agg_emit_fold_add(cg, 0, w);
		if (m->agg->nvals(m) > 1)
			agg_emit_fold_add(cg, 8, w + 8);
	}
	cg_place(cg, next);
	cg_emit(cg, LDX(BPF_DW, R1, R10, (int16_t)cpu));
	cg_emit(cg, ALU64_IMM(BPF_ADD, R1, 1));
	cg_emit(cg, STX(BPF_DW, R10, R1, (int16_t)cpu));
	cg_goto(cg, top);
	cg_place(cg, done);
	m->agg->emit_read(cg, m, w, w + 8, reg);
	cg->sp = mark;
}

void cg_map_read(struct cg *cg, struct node *n, int reg)
{
	int mark = cg->sp, koff;
	int done = cg_label(cg);

	if (n->map->agg) {
		agg_read(cg, n, reg);
		return;
	}
	koff = cg_map_key(cg, n);

	lookup(cg, n->map, koff);
	cg_jmp_imm(cg, BPF_JEQ, R0, 0, done);
	cg_emit(cg, LDX(BPF_DW, R0, R0, 0));
	cg_place(cg, done);
	if (reg != R0)
		cg_emit(cg, MOV64_REG(reg, R0));
	cg->sp = mark;
}

void cg_map_read_mem(struct cg *cg, struct node *n, int base, int off, int size)
{
	int mark = cg->sp, koff = cg_map_key(cg, n);
	int len = (int)type_storage(n->map->val);
	int absent = cg_label(cg), done = cg_label(cg);

	if (size < len)
		len = size;
	lookup(cg, n->map, koff);
	cg_jmp_imm(cg, BPF_JEQ, R0, 0, absent);
	copy_words(cg, base, off, R0, 0, len);
	cg_goto(cg, done);
	cg_place(cg, absent);
	for (int i = 0; i < len; i += 8)
		cg_emit(cg, ST(BPF_DW, base, (int16_t)(off + i), 0));
	cg_place(cg, done);
	for (int i = len; i < size; i += 8)
		cg_emit(cg, ST(BPF_DW, base, (int16_t)(off + i), 0));
	cg->sp = mark;
}

static void update(struct cg *cg, struct map *m, int koff, int voff)
{
	int ok = cg_label(cg);

	cg_ld_map(cg, R1, m->id, false);
	cg_emit(cg, MOV64_REG(R2, R10));
	cg_emit(cg, ALU64_IMM(BPF_ADD, R2, koff));
	cg_emit(cg, MOV64_REG(R3, R10));
	cg_emit(cg, ALU64_IMM(BPF_ADD, R3, voff));
	cg_emit(cg, MOV64_IMM(R4, BPF_ANY));
	cg_call(cg, BPF_FUNC_map_update_elem);
	cg_jmp_imm(cg, BPF_JEQ, R0, 0, ok);
	cg_stat_inc(cg, STAT_MAP_BASE + m->id);
	cg_place(cg, ok);
}

static void delete_key(struct cg *cg, struct map *m, int koff)
{
	cg_ld_map(cg, R1, m->id, false);
	cg_emit(cg, MOV64_REG(R2, R10));
	cg_emit(cg, ALU64_IMM(BPF_ADD, R2, koff));
	cg_call(cg, BPF_FUNC_map_delete_elem);
}

void cg_delete(struct cg *cg, struct node *call)
{
	for (struct node *m = call->list; m; m = m->next) {
		int mark = cg->sp;
		delete_key(cg, m->map, cg_map_key(cg, m));
		cg->sp = mark;
	}
}

/* has_key(@m, k): whether the lookup finds the element. */
void cg_has_key(struct cg *cg, struct node *call, int reg)
{
	int mark = cg->sp;
	struct node *m = call->list;

	int done = cg_label(cg);

	lookup(cg, m->map, cg_map_key(cg, m));
	if (reg != R0)
		cg_emit(cg, MOV64_IMM(reg, 0));
	cg_jmp_imm(cg, BPF_JEQ, R0, 0, done);
	cg_emit(cg, MOV64_IMM(reg, 1));
	cg_place(cg, done);
	cg->sp = mark;
}

/* The value of an assignment into a stack slot of the map's value size. */
static int value_slot(struct cg *cg, struct node *v, struct map *m)
{
	int voff = cg_stack_alloc(cg, (int)m->val_size);

	if (m->val.kind == T_STR)
		cg_str(cg, v, R10, voff, (int)m->val.len);
	else
		cg_store_value(cg, v, R10, voff);
	return voff;
}

static void assign_map(struct cg *cg, struct node *st)
{
	struct node *t = st->a;
	struct map *m = t->map;
	int voff = value_slot(cg, st->b, m);
	int koff = cg_map_key(cg, t);

	if (m->kind == MAP_SELF && m->val.kind != T_STR) {
		/* assigning 0 to a thread-local deletes it */
		int del = cg_label(cg), done = cg_label(cg);
		cg_emit(cg, LDX(BPF_DW, R1, R10, (int16_t)voff));
		cg_jmp_imm(cg, BPF_JEQ, R1, 0, del);
		update(cg, m, koff, voff);
		cg_goto(cg, done);
		cg_place(cg, del);
		delete_key(cg, m, koff);
		cg_place(cg, done);
		return;
	}
	update(cg, m, koff, voff);
}

static int atomic_op(int op)
{
	switch (op) {
	case '+': case '-': return BPF_ADD;
	case '|': return BPF_OR;
	case '&': return BPF_AND;
	case '^': return BPF_XOR;
	}
	return -1;
}

static void alu_op_reg(struct cg *cg, int op, bool sign, int dst, int src)
{
	static const struct { int op, bpf; } ops[] = {
		{'+', BPF_ADD}, {'-', BPF_SUB}, {'*', BPF_MUL}, {'/', BPF_DIV}, {'%', BPF_MOD},
		{'&', BPF_AND}, {'|', BPF_OR}, {'^', BPF_XOR}, {OP_SHL, BPF_LSH}, {OP_SHR, BPF_RSH},
	};
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
		if (ops[i].op != op)
			continue;
		if (sign && (op == '/' || op == '%'))
			cg_emit(cg, SALU64_REG(ops[i].bpf, dst, src));
		else if (sign && op == OP_SHR)
			cg_emit(cg, ALU64_REG(BPF_ARSH, dst, src));
		else
			cg_emit(cg, ALU64_REG(ops[i].bpf, dst, src));
	}
}

/* x op= v computes as x op v would: >> by x's signedness, the rest by
 * C's usual conversions. */
static bool compound_sign(int op, struct type x, struct type v)
{
	if (op == OP_SHR)
		return x.kind == T_INT && x.sign;
	return type_promote(x, v).sign;
}

/* @m[k] op= v and self->x op= v: atomic where BPF has the operation. */
static void compound_map(struct cg *cg, struct node *st)
{
	struct node *t = st->a;
	struct map *m = t->map;
	int voff = value_slot(cg, st->b, m);
	int koff = cg_map_key(cg, t);
	int out = cg_label(cg);
	int aop = atomic_op(st->op);

	lookup_or_insert(cg, m, koff, out);
	cg_emit(cg, LDX(BPF_DW, R1, R10, (int16_t)voff));
	if (aop >= 0) {
		if (st->op == '-')
			cg_emit(cg, NEG64(R1));
		cg_emit(cg, ATOMIC64(aop, R0, R1, 0));
	} else {
		cg_emit(cg, LDX(BPF_DW, R2, R0, 0));
		alu_op_reg(cg, st->op, compound_sign(st->op, m->val, st->b->type), R2, R1);
		cg_emit(cg, STX(BPF_DW, R0, R2, 0));
	}
	cg_place(cg, out);
}

static void assign_local(struct cg *cg, struct node *st)
{
	struct local *l = st->a->local;
	int base = cg_local_base(cg), slot = cg_local_off(cg, l);

	if (st->op == '=') {
		if (l->type.kind == T_STR)
			cg_str(cg, st->b, base, slot, (int)l->type.len);
		else
			cg_store_value(cg, st->b, base, slot);
		return;
	}
	int mark = cg->sp, voff = cg_stack_alloc(cg, 8);
	cg_store_value(cg, st->b, R10, voff);
	cg_emit(cg, LDX(BPF_DW, R1, R10, (int16_t)voff));
	cg_emit(cg, LDX(BPF_DW, R2, base, (int16_t)slot));
	alu_op_reg(cg, st->op, compound_sign(st->op, l->type, st->b->type), R2, R1);
	cg_emit(cg, STX(BPF_DW, base, R2, (int16_t)slot));
	cg->sp = mark;
}

/* ---- aggregations ---- */

/* The operand into vslot; for a bucketed aggregation its bucket into bslot. */
static void agg_operand(struct cg *cg, struct node *call, struct map *m, int vslot, int bslot)
{
	if (!m->agg->nargs)
		return;
	cg_store_value(cg, call->list, R10, vslot);
	if (!m->agg->emit_bucket)
		return;
	cg_emit(cg, LDX(BPF_DW, R1, R10, (int16_t)vslot));
	bool sign = call->list->type.kind == T_INT && call->list->type.sign;
	m->agg->emit_bucket(cg, m, sign);
	cg_emit(cg, STX(BPF_DW, R10, R2, (int16_t)bslot));
}

/* A histogram also sums its values (Prometheus' _sum): after a bucket's
 * count in a keyless one, after the last bucket in a keyed one. */
static void hist_sum(struct cg *cg, struct map *m, int vslot)
{
	cg_emit(cg, LDX(BPF_DW, R1, R10, (int16_t)vslot));
	cg_emit(cg, ATOMIC64(BPF_ADD, R0, R1, (int16_t)(m->array ? 8 : m->nbuckets * 8)));
}

static void aggregate(struct cg *cg, struct node *st)
{
	struct node *t = st->a, *call = st->b;
	struct map *m = t->map;
	int out = cg_label(cg);
	int vslot = cg_stack_alloc(cg, 8);
	bool bucketed = m->agg->emit_bucket != NULL;
	int bslot = bucketed ? cg_stack_alloc(cg, 8) : vslot;

	agg_operand(cg, call, m, vslot, bslot);
	cg->cur = st->loc;
	if (m->array) {
		int koff = cg_stack_alloc(cg, 8);
		if (bucketed) {
			cg_emit(cg, LDX(BPF_DW, R1, R10, (int16_t)bslot));
			cg_emit(cg, STX(BPF_W, R10, R1, (int16_t)koff));
		} else {
			cg_emit(cg, ST(BPF_W, R10, (int16_t)koff, 0));
		}
		lookup(cg, m, koff);
		cg_jmp_imm(cg, BPF_JEQ, R0, 0, out);
		if (bucketed)
			hist_sum(cg, m, vslot);
	} else {
		int koff = cg_map_key(cg, t);
		cg->cur = st->loc;
		lookup_or_insert(cg, m, koff, out);
		if (bucketed) {
			hist_sum(cg, m, vslot);
			/* explicit bound: the verifier must see the offset in range */
			cg_emit(cg, LDX(BPF_DW, R1, R10, (int16_t)bslot));
			cg_jmp_imm(cg, BPF_JGT, R1, m->nbuckets - 1, out);
			cg_emit(cg, ALU64_IMM(BPF_LSH, R1, 3));
			cg_emit(cg, ALU64_REG(BPF_ADD, R0, R1));
		}
	}
	if (!bucketed && m->agg->nargs)
		cg_emit(cg, LDX(BPF_DW, R1, R10, (int16_t)vslot));
	m->agg->emit_update(cg, m);
	cg_place(cg, out);
}

void cg_assign(struct cg *cg, struct node *st)
{
	int mark = cg->sp;

	if (st->b->kind == AST_CALL && agg_find(st->b->name) && st->a->kind == AST_MAP)
		aggregate(cg, st);
	else if (st->a->kind == AST_LOCAL)
		assign_local(cg, st);
	else if (st->op != '=')
		compound_map(cg, st);
	else if (st->a->kind == AST_SELF && st->b->folded && st->b->kind == AST_INT &&
		 !st->b->num)
		delete_key(cg, st->a->map, cg_map_key(cg, st->a));
	else
		assign_map(cg, st);
	cg->sp = mark;
}
