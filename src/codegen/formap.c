// SPDX-License-Identifier: GPL-2.0-only
/* for ($kv : @m) { ... }: bpf_for_each_map_elem calls the body, emitted
 * as a callback subprogram after the program's end, once per element.
 *
 * The body is ordinary code that reads and writes the clause's locals at
 * their r10 offsets. A callback has a stack frame of its own, so it
 * copies the caller's live stack (everything at or above the loop's
 * offset) into the same offsets of its own frame first, and back at its
 * end, through the callback context, a pointer to the caller's stack: the
 * body's code is then the same wherever it runs. The probe context (r6)
 * is saved in that stack too. The element's key parts and value go into
 * the hidden locals $kv.0 ($kv.0.N) and $kv.1 (sema/stmt.c), a per-CPU
 * aggregation's value folded over every CPU's copy at that key. */
#include <stdlib.h>
#include <string.h>

#include "codegen/cg.h"

void cg_formap(struct cg *cg, struct node *n)
{
	struct cg_formap f = { .loop = n, .probe = cg->probe, .label = cg_label(cg) };
	int mark = cg->sp;

	f.ctx_slot = cg_stack_alloc(cg, 8);
	f.ret_slot = cg_stack_alloc(cg, 8);
	f.depth = cg->sp;
	cg_emit(cg, STX(BPF_DW, R10, R6, (int16_t)f.ctx_slot));
	cg_emit(cg, ST(BPF_DW, R10, (int16_t)f.ret_slot, 0));
	cg_ld_map(cg, R1, n->c->map->id, false);
	cg_ld_func(cg, R2, f.label);
	cg_emit(cg, MOV64_REG(R3, R10));
	cg_emit(cg, ALU64_IMM(BPF_ADD, R3, -f.depth));
	cg_emit(cg, MOV64_IMM(R4, 0));
	cg_call(cg, BPF_FUNC_for_each_map_elem);
	/* a return in the body ends the clause */
	cg_emit(cg, LDX(BPF_DW, R1, R10, (int16_t)f.ret_slot));
	cg_jmp_imm(cg, BPF_JNE, R1, 0, cg->exit_label);
	vec_push(&cg->formaps, f);
	cg->sp = mark;
}

/* size bytes from [src + soff] to [dst + doff], a word at a time through
 * tmp, leaving out the word at source offset skip. */
static void copy(struct cg *cg, int dst, int doff, int src, int soff, int size, int tmp,
		 int skip)
{
	for (int i = 0; i < size; i += 8) {
		if (soff + i == skip)
			continue;
		cg_emit(cg, LDX(BPF_DW, tmp, src, (int16_t)(soff + i)));
		cg_emit(cg, STX(BPF_DW, dst, tmp, (int16_t)(doff + i)));
	}
}

/* The element into $kv.0 (its parts) and $kv.1. */
static void element(struct cg *cg, const struct cg_formap *f, int keyp, int valp)
{
	struct map *m = f->loop->c->map;
	struct node *part = f->loop->list;
	int pos = 0;

	cg_emit(cg, LDX(BPF_DW, R2, R10, (int16_t)keyp));
	for (int i = 0; i < m->nkeys; i++, part = part->next) {
		int size = (int)type_storage(part->type);
		copy(cg, R10, part->local->slot, R2, pos, size, R1, 1);
		pos += size;
	}
	if (m->agg) {
		int mark = cg->sp, koff = cg_stack_alloc(cg, (int)m->key_size);
		copy(cg, R10, koff, R2, 0, (int)m->key_size, R1, 1);
		cg_agg_read_key(cg, m, koff, R1);
		cg_emit(cg, STX(BPF_DW, R10, R1, (int16_t)part->local->slot));
		cg->sp = mark;
		return;
	}
	cg_emit(cg, LDX(BPF_DW, R2, R10, (int16_t)valp));
	copy(cg, R10, part->local->slot, R2, 0, (int)type_storage(part->type), R1, 1);
}

/* Called with r1 the map, r2 the key, r3 the value, r4 the caller's
 * stack at -depth; returns 0 to go on, 1 to stop. */
static void callback(struct cg *cg, const struct cg_formap *f,
		     void (*body)(struct cg *, struct node *, int, int))
{
	int next = cg_label(cg), brk = cg_label(cg), ret = cg_label(cg), out = cg_label(cg);
	int ctxp, keyp, valp;

	cg->probe = f->probe;
	cg->cur = f->loop->loc;
	cg->sp = f->depth;
	memset(cg->busy, 0, sizeof(cg->busy));
	vec_push(&cg->prog->funcs, (int)cg->prog->insns.n);
	cg_place(cg, f->label);
	ctxp = cg_stack_alloc(cg, 8);
	keyp = cg_stack_alloc(cg, 8);
	valp = cg_stack_alloc(cg, 8);
	cg_emit(cg, STX(BPF_DW, R10, R4, (int16_t)ctxp));
	cg_emit(cg, STX(BPF_DW, R10, R2, (int16_t)keyp));
	cg_emit(cg, STX(BPF_DW, R10, R3, (int16_t)valp));
	copy(cg, R10, -f->depth, R4, 0, f->depth, R1, 1);
	cg_emit(cg, LDX(BPF_DW, R6, R10, (int16_t)f->ctx_slot));
	cg_emit(cg, MOV64_IMM(R7, 0));	/* lent by expressions: it must hold a value */
	element(cg, f, keyp, valp);
	cg->exit_label = ret;
	body(cg, f->loop->b, brk, next);
	cg->cur = f->loop->b->loc;
	cg->cur.start = cg->cur.end - 1;
	cg_place(cg, next);
	cg_emit(cg, MOV64_IMM(R0, 0));
	cg_goto(cg, out);
	cg_place(cg, brk);
	cg_emit(cg, MOV64_IMM(R0, 1));
	cg_goto(cg, out);
	cg_place(cg, ret);
	cg_emit(cg, ST(BPF_DW, R10, (int16_t)f->ret_slot, 1));
	cg_emit(cg, MOV64_IMM(R0, 1));
	cg_place(cg, out);
	/* back to the caller's stack, all but its saved context */
	cg_emit(cg, LDX(BPF_DW, R2, R10, (int16_t)ctxp));
	copy(cg, R2, 0, R10, -f->depth, f->depth, R1, f->ctx_slot);
	cg_emit(cg, EXIT_INSN());
}

void cg_formap_callbacks(struct cg *cg, void (*body)(struct cg *, struct node *, int, int))
{
	for (size_t i = 0; i < cg->formaps.n && !cg->failed; i++) {
		struct cg_formap f = cg->formaps.v[i];
		callback(cg, &f, body);
	}
	vec_free(&cg->formaps);
}
