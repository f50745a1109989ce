// SPDX-License-Identifier: GPL-2.0-only
/* for ($kv : @m) { ... }: bpf_for_each_map_elem calls a callback once per
 * element, and the callback calls the loop's body. Both are subprograms
 * emitted after the program's end.
 *
 * The loop's state is the clause's locals, which stay where they are, on
 * the program's stack: the body is given a pointer to them and reads and
 * writes them there (CG_LOCALS, cg_local_base), so nothing is copied and
 * the body's frame holds only its own scratch. The loop passes the
 * callback a context of three words in its own frame: the probe context,
 * that pointer, and a flag the callback sets when the body returned from
 * the clause.
 *
 * The body is a global function: the verifier checks it once, on its
 * own, whatever calls it (its arguments are typed by BTF, runtime/load.c:
 * the probe context, and the locals as bytes of memory). The callback,
 * which the verifier walks again each time its caller may be in a new
 * state (on every trip of an outer loop), is a few straight instructions:
 * it puts the element's key parts and value into the hidden locals $kv.0
 * ($kv.0.N) and $kv.1 (sema/stmt.c) and calls the body. So a for over a
 * map may sit inside any loop, or inside another for over a map.
 *
 * A per-CPU aggregation's value is folded over every CPU's copy at the
 * element's key in the body (the fold is a loop over the CPUs). */
#include <stdlib.h>
#include <string.h>

#include "codegen/cg.h"

/* The callback's context, in the frame of the loop's caller. */
enum { CB_CTX = 0, CB_LOCALS = 8, CB_RETURNED = 16, CB_SIZE = 24 };

/* What the body returns to the callback. */
enum { BODY_NEXT = 0, BODY_BREAK = 1, BODY_RETURN = 2 };

void cg_formap(struct cg *cg, struct node *n)
{
	struct cg_formap f = { .loop = n, .probe = cg->probe, .callback = cg_label(cg),
			       .body = cg_label(cg), .locals = cg->locals };
	int mark = cg->sp, ctx = cg_stack_alloc(cg, CB_SIZE);

	cg_emit(cg, STX(BPF_DW, R10, R6, (int16_t)(ctx + CB_CTX)));
	if (cg->in_body) {
		cg_emit(cg, STX(BPF_DW, R10, CG_LOCALS, (int16_t)(ctx + CB_LOCALS)));
	} else {
		cg_emit(cg, MOV64_REG(R1, R10));
		cg_emit(cg, ALU64_IMM(BPF_ADD, R1, -cg->locals));
		cg_emit(cg, STX(BPF_DW, R10, R1, (int16_t)(ctx + CB_LOCALS)));
	}
	cg_emit(cg, ST(BPF_DW, R10, (int16_t)(ctx + CB_RETURNED), 0));
	cg_ld_map(cg, R1, n->c->map->id, false);
	cg_ld_func(cg, R2, f.callback);
	cg_emit(cg, MOV64_REG(R3, R10));
	cg_emit(cg, ALU64_IMM(BPF_ADD, R3, ctx));
	cg_emit(cg, MOV64_IMM(R4, 0));
	cg_call(cg, BPF_FUNC_for_each_map_elem);
	/* a return in the body ends the clause */
	cg_emit(cg, LDX(BPF_DW, R1, R10, (int16_t)(ctx + CB_RETURNED)));
	cg_jmp_imm(cg, BPF_JNE, R1, 0, cg->exit_label);
	vec_push(&cg->formaps, f);
	cg->sp = mark;
}

/* size bytes from [src + soff] to [dst + doff], a word at a time through
 * tmp. */
static void copy(struct cg *cg, int dst, int doff, int src, int soff, int size, int tmp)
{
	for (int i = 0; i < size; i += 8) {
		cg_emit(cg, LDX(BPF_DW, tmp, src, (int16_t)(soff + i)));
		cg_emit(cg, STX(BPF_DW, dst, tmp, (int16_t)(doff + i)));
	}
}

/* Called with r1 the map, r2 the key, r3 the value, r4 the context;
 * returns 0 to go on, 1 to stop. The element goes into its locals
 * (through r8, the pointer to them), then the body is called. */
static void callback(struct cg *cg, const struct cg_formap *f)
{
	struct map *m = f->loop->c->map;
	struct node *part = f->loop->list;
	int pos = 0, done = cg_label(cg), stop = cg_label(cg);

	vec_push(&cg->prog->funcs, ((struct cg_func){ (int)cg->prog->insns.n, 0 }));
	cg_place(cg, f->callback);
	cg_emit(cg, MOV64_REG(R9, R4));
	cg_emit(cg, LDX(BPF_DW, R6, R9, CB_CTX));
	cg_emit(cg, LDX(BPF_DW, R8, R9, CB_LOCALS));
	for (int i = 0; i < m->nkeys; i++, part = part->next) {
		int size = (int)type_storage(part->type);
		copy(cg, R8, part->local->slot + f->locals, R2, pos, size, R1);
		pos += size;
	}
	if (!m->agg)
		copy(cg, R8, part->local->slot + f->locals, R3, 0, (int)type_storage(part->type),
		     R1);
	cg_emit(cg, MOV64_REG(R1, R6));
	cg_emit(cg, MOV64_REG(R2, R8));
	cg_call_func(cg, f->body);
	cg_jmp_imm(cg, BPF_JEQ, R0, BODY_NEXT, done);
	cg_jmp_imm(cg, BPF_JNE, R0, BODY_RETURN, stop);
	cg_emit(cg, ST(BPF_DW, R9, CB_RETURNED, 1));
	cg_place(cg, stop);
	cg_emit(cg, MOV64_IMM(R0, 1));
	cg_place(cg, done);
	cg_emit(cg, EXIT_INSN());
}

/* An aggregation's value at the element's key, folded over the CPUs:
 * the key rebuilt on the stack from its parts. */
static void agg_value(struct cg *cg, const struct cg_formap *f)
{
	struct map *m = f->loop->c->map;
	struct node *part = f->loop->list;
	int mark = cg->sp, koff = cg_stack_alloc(cg, (int)m->key_size), pos = 0;

	for (int i = 0; i < m->nkeys; i++, part = part->next) {
		int size = (int)type_storage(part->type);
		copy(cg, R10, koff + pos, CG_LOCALS, cg_local_off(cg, part->local), size, R1);
		pos += size;
	}
	cg_agg_read_key(cg, m, koff, R1);
	cg_emit(cg, STX(BPF_DW, CG_LOCALS, R1, (int16_t)cg_local_off(cg, part->local)));
	cg->sp = mark;
}

/* Called with r1 the probe context and r2 the clause's locals (NULL
 * never, but the verifier cannot know); returns BODY_*. */
static void body(struct cg *cg, const struct cg_formap *f,
		 void (*emit)(struct cg *, struct node *, int, int))
{
	int next = cg_label(cg), brk = cg_label(cg), ret = cg_label(cg), out = cg_label(cg);

	cg->probe = f->probe;
	cg->cur = f->loop->loc;
	cg->sp = 0;
	cg->locals = f->locals;
	cg->in_body = true;
	memset(cg->busy, 0, sizeof(cg->busy));
	cg->busy[CG_LOCALS] = true;
	vec_push(&cg->prog->funcs, ((struct cg_func){ (int)cg->prog->insns.n, f->locals }));
	cg_place(cg, f->body);
	cg_emit(cg, MOV64_REG(R6, R1));
	cg_emit(cg, MOV64_IMM(R0, BODY_BREAK));
	cg_jmp_imm(cg, BPF_JEQ, R2, 0, out);
	cg_emit(cg, MOV64_REG(CG_LOCALS, R2));
	cg_emit(cg, MOV64_IMM(R7, 0));	/* lent by expressions: it must hold a value */
	if (f->loop->c->map->agg)
		agg_value(cg, f);
	cg->exit_label = ret;
	emit(cg, f->loop->b, brk, next);
	cg->cur = f->loop->b->loc;
	cg->cur.start = cg->cur.end - 1;
	cg_place(cg, next);
	cg_emit(cg, MOV64_IMM(R0, BODY_NEXT));
	cg_goto(cg, out);
	cg_place(cg, brk);
	cg_emit(cg, MOV64_IMM(R0, BODY_BREAK));
	cg_goto(cg, out);
	cg_place(cg, ret);
	cg_emit(cg, MOV64_IMM(R0, BODY_RETURN));
	cg_place(cg, out);
	cg_emit(cg, EXIT_INSN());
}

/* The loops' callbacks and bodies; a body's own loops add theirs to the
 * list as it is emitted. */
void cg_formap_callbacks(struct cg *cg, void (*emit)(struct cg *, struct node *, int, int))
{
	for (size_t i = 0; i < cg->formaps.n && !cg->failed; i++) {
		struct cg_formap f = cg->formaps.v[i];
		cg->cur = f.loop->loc;
		callback(cg, &f);
		body(cg, &f, emit);
	}
	vec_free(&cg->formaps);
	cg->in_body = false;
}
