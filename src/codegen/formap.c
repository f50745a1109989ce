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

/* The callback's context, in the frame of the loop's caller: the probe
 * context, the pointer to the locals, set when the body returned from
 * the clause, set when the loop ended (a loop's trips: break, or its
 * condition false), a range's end. */
enum { CB_CTX = 0, CB_LOCALS = 8, CB_RETURNED = 16, CB_ENDED = 24, CB_END = 32, CB_SIZE = 40 };

/* What the body returns to the callback. */
enum { BODY_NEXT = 0, BODY_BREAK = 1, BODY_RETURN = 2 };

static bool is_formap(const struct node *n)
{
	return n->kind == AST_FOR && n->c;
}

static bool stmt_holds(const struct node *st)
{
	switch (st->kind) {
	case AST_IF:
		return cg_holds_formap(st->b) ||
		       (st->c && (st->c->kind == AST_IF ? stmt_holds(st->c) :
				  cg_holds_formap(st->c)));
	case AST_WHILE:
	case AST_UNROLL:
		return cg_holds_formap(st->b);
	case AST_FOR:
		return is_formap(st) || cg_holds_formap(st->b);
	default:
		return false;
	}
}

bool cg_holds_formap(const struct node *b)
{
	for (const struct node *st = b ? b->list : NULL; st; st = st->next)
		if (stmt_holds(st))
			return true;
	return false;
}

/* The context on the stack, at its offset returned; a return in the
 * body, after the call, ends the clause. */
static int context(struct cg *cg)
{
	int ctx = cg_stack_alloc(cg, CB_SIZE);

	cg_emit(cg, STX(BPF_DW, R10, R6, (int16_t)(ctx + CB_CTX)));
	if (cg->in_body) {
		cg_emit(cg, STX(BPF_DW, R10, CG_LOCALS, (int16_t)(ctx + CB_LOCALS)));
	} else {
		cg_emit(cg, MOV64_REG(R1, R10));
		cg_emit(cg, ALU64_IMM(BPF_ADD, R1, -cg->locals));
		cg_emit(cg, STX(BPF_DW, R10, R1, (int16_t)(ctx + CB_LOCALS)));
	}
	cg_emit(cg, ST(BPF_DW, R10, (int16_t)(ctx + CB_RETURNED), 0));
	cg_emit(cg, ST(BPF_DW, R10, (int16_t)(ctx + CB_ENDED), 0));
	cg_emit(cg, ST(BPF_DW, R10, (int16_t)(ctx + CB_END), 0));
	return ctx;
}

static void returned(struct cg *cg, int ctx)
{
	cg_emit(cg, LDX(BPF_DW, R1, R10, (int16_t)(ctx + CB_RETURNED)));
	cg_jmp_imm(cg, BPF_JNE, R1, 0, cg->exit_label);
}

/* helper(r1, callback, &ctx, 0), r1 set by the caller (the map, or the
 * trips); a return in the body ends the clause. */
static void call_back(struct cg *cg, int helper, int callback, int ctx)
{
	cg_ld_func(cg, R2, callback);
	cg_emit(cg, MOV64_REG(R3, R10));
	cg_emit(cg, ALU64_IMM(BPF_ADD, R3, ctx));
	cg_emit(cg, MOV64_IMM(R4, 0));
	cg_call(cg, helper);
	returned(cg, ctx);
}

void cg_formap(struct cg *cg, struct node *n)
{
	struct cg_formap f = { .loop = n, .probe = cg->probe, .callback = cg_label(cg),
			       .body = cg_label(cg), .locals = cg->locals };
	int mark = cg->sp, ctx = context(cg);

	cg_ld_map(cg, R1, n->c->map->id, false);
	call_back(cg, BPF_FUNC_for_each_map_elem, f.callback, ctx);
	vec_push(&cg->formaps, f);
	cg->sp = mark;
}

/* A while or a for over a range that holds a for over a map: its trips
 * through bpf_loop, the body a global function as a for over a map's is.
 * Written as an ordinary loop, the verifier would walk the rest of the
 * loop again after each call of the inner loop's callback, from every
 * trip it cannot rule out: a million instructions. bpf_loop's callback
 * it checks until its state stops changing. The trips are capped at
 * CG_LOOP_MAX as any loop's; when all of them ran, the condition is
 * tested once more, as the 1025th trip would, to count the cap. */
void cg_loop_sub(struct cg *cg, struct node *n)
{
	struct cg_formap f = { .loop = n, .probe = cg->probe, .callback = cg_label(cg),
			       .body = cg_label(cg), .locals = cg->locals };
	int mark = cg->sp, ctx = context(cg), done = cg_label(cg);
	int base = cg_local_base(cg);

	if (n->kind == AST_FOR) {
		cg_store_value(cg, n->list, base, cg_local_off(cg, n->a->local));
		cg_store_value(cg, n->list->next, R10, ctx + CB_END);
	}
	cg->cur = n->loc;
	cg_emit(cg, MOV64_IMM(R1, CG_LOOP_MAX));
	call_back(cg, BPF_FUNC_loop, f.callback, ctx);
	cg_emit(cg, LDX(BPF_DW, R1, R10, (int16_t)(ctx + CB_ENDED)));
	cg_jmp_imm(cg, BPF_JNE, R1, 0, done);
	if (n->kind == AST_FOR) {
		cg_emit(cg, LDX(BPF_DW, R1, base, (int16_t)cg_local_off(cg, n->a->local)));
		cg_emit(cg, LDX(BPF_DW, R2, R10, (int16_t)(ctx + CB_END)));
		cg_jmp_reg(cg, BPF_JSGE, R1, R2, done);
	} else {
		cg_cond_false(cg, n->a, done);
	}
	cg_stat_inc(cg, STAT_LOOP_BASE(cg->sema) + n->id);
	cg_place(cg, done);
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

/* The element into its locals (through r8, the pointer to them): r2
 * the key, r3 the value. */
static void element(struct cg *cg, const struct cg_formap *f)
{
	struct map *m = f->loop->c->map;
	struct node *part = f->loop->list;
	int pos = 0;

	for (int i = 0; i < m->nkeys; i++, part = part->next) {
		int size = (int)type_storage(part->type);
		copy(cg, R8, part->local->slot + f->locals, R2, pos, size, R1);
		pos += size;
	}
	if (!m->agg)
		copy(cg, R8, part->local->slot + f->locals, R3, 0, (int)type_storage(part->type),
		     R1);
}

/* bpf_for_each_map_elem's callback: r1 the map, r2 the key, r3 the
 * value, r4 the context; bpf_loop's: r1 the trip, r2 the context. Each
 * returns 0 to go on, 1 to stop. */
static void callback(struct cg *cg, const struct cg_formap *f)
{
	int done = cg_label(cg), stop = cg_label(cg);
	bool map = is_formap(f->loop);

	vec_push(&cg->prog->funcs, ((struct cg_func){ (int)cg->prog->insns.n, 0,
						      map ? CG_FUNC_MAP_CB : CG_FUNC_LOOP_CB }));
	cg_place(cg, f->callback);
	cg_emit(cg, MOV64_REG(R9, map ? R4 : R2));
	cg_emit(cg, LDX(BPF_DW, R6, R9, CB_CTX));
	cg_emit(cg, LDX(BPF_DW, R8, R9, CB_LOCALS));
	if (map)
		element(cg, f);
	cg_emit(cg, MOV64_REG(R1, R6));
	cg_emit(cg, MOV64_REG(R2, R8));
	cg_emit(cg, LDX(BPF_DW, R3, R9, CB_END));
	cg_call_func(cg, f->body);
	cg_jmp_imm(cg, BPF_JEQ, R0, BODY_NEXT, done);
	cg_emit(cg, ST(BPF_DW, R9, CB_ENDED, 1));
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

/* A loop's trip begins: its condition, false ending the loop. */
static void trip(struct cg *cg, const struct cg_formap *f, int end, int brk)
{
	struct node *n = f->loop;

	if (n->kind == AST_WHILE) {
		cg_cond_false(cg, n->a, brk);
		return;
	}
	cg->cur = n->a->loc;
	cg_emit(cg, LDX(BPF_DW, R1, CG_LOCALS, (int16_t)cg_local_off(cg, n->a->local)));
	cg_emit(cg, LDX(BPF_DW, R2, R10, (int16_t)end));
	cg_jmp_reg(cg, BPF_JSGE, R1, R2, brk);
}

/* A for over a range: the next value, after the body or a continue. */
static void range_next(struct cg *cg, const struct cg_formap *f)
{
	int var = cg_local_off(cg, f->loop->a->local);

	cg->cur = f->loop->a->loc;
	cg_emit(cg, LDX(BPF_DW, R1, CG_LOCALS, (int16_t)var));
	cg_emit(cg, ALU64_IMM(BPF_ADD, R1, 1));
	cg_emit(cg, STX(BPF_DW, CG_LOCALS, R1, (int16_t)var));
}

/* Called with r1 the probe context, r2 the clause's locals (NULL never,
 * but the verifier cannot know), r3 a range's end; returns BODY_*. */
static void body(struct cg *cg, const struct cg_formap *f,
		 void (*emit)(struct cg *, struct node *, int, int))
{
	int next = cg_label(cg), brk = cg_label(cg), ret = cg_label(cg), out = cg_label(cg);
	int end = 0;

	cg->probe = f->probe;
	cg->cur = f->loop->loc;
	cg->sp = 0;
	cg->locals = f->locals;
	cg->in_body = true;
	memset(cg->busy, 0, sizeof(cg->busy));
	cg->busy[CG_LOCALS] = true;
	vec_push(&cg->prog->funcs, ((struct cg_func){ (int)cg->prog->insns.n, f->locals,
						      CG_FUNC_BODY }));
	cg_place(cg, f->body);
	cg_emit(cg, MOV64_REG(R6, R1));
	cg_emit(cg, MOV64_IMM(R0, BODY_BREAK));
	cg_jmp_imm(cg, BPF_JEQ, R2, 0, out);
	cg_emit(cg, MOV64_REG(CG_LOCALS, R2));
	cg_emit(cg, MOV64_IMM(R7, 0));	/* lent by expressions: it must hold a value */
	if (is_formap(f->loop) && f->loop->c->map->agg)
		agg_value(cg, f);
	if (f->loop->kind == AST_FOR && !is_formap(f->loop)) {
		end = cg_stack_alloc(cg, 8);
		cg_emit(cg, STX(BPF_DW, R10, R3, (int16_t)end));
	}
	if (!is_formap(f->loop))
		trip(cg, f, end, brk);
	cg->exit_label = ret;
	emit(cg, f->loop->b, brk, next);
	cg->cur = f->loop->b->loc;
	cg->cur.start = cg->cur.end - 1;
	cg_place(cg, next);
	if (f->loop->kind == AST_FOR && !is_formap(f->loop))
		range_next(cg, f);
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
