// SPDX-License-Identifier: GPL-2.0-only
/* Actions that leave the kernel as ring buffer records: printf, exit,
 * print and clear. A record is an 8-byte header (event id) and then the
 * values in the layout sema chose; user space does the formatting.
 * exit(), print() and clear() also leave a mark in the config map, which
 * plumb polls: they are never lost to a full ring buffer. */
#include "codegen/cg.h"

enum full { FULL_LOST, FULL_REQUEST, FULL_IGNORE };

/* A record of size bytes at [r10 + off] into the ring buffer. When it is
 * full: a lost event is counted; a request (print, clear) is marked in
 * the config map for plumb to carry out; exit's wake-up is not needed. */
static void output(struct cg *cg, int off, int size, enum full full, int id)
{
	int ok = cg_label(cg);

	cg_ld_map(cg, R1, CG_MAP_RINGBUF, false);
	cg_emit(cg, MOV64_REG(R2, R10));
	cg_emit(cg, ALU64_IMM(BPF_ADD, R2, off));
	cg_emit(cg, MOV64_IMM(R3, size));
	cg_emit(cg, MOV64_IMM(R4, 0));
	cg_call(cg, BPF_FUNC_ringbuf_output);
	if (full == FULL_IGNORE)
		return;
	cg_jmp_imm(cg, BPF_JEQ, R0, 0, ok);
	if (full == FULL_LOST) {
		cg_stat_inc(cg, STAT_LOST);
	} else {
		cg_ld_map(cg, R1, CG_MAP_CONFIG, true);
		cg_emit(cg, ALU64_IMM(BPF_ADD, R1, CONFIG_EVENT(id)));
		cg_emit(cg, MOV64_IMM(R2, 1));
		cg_emit(cg, ATOMIC64(BPF_ADD, R1, R2, 0));
	}
	cg_place(cg, ok);
}

/* exit(): the status and "stopped" into the config map, which plumb polls
 * and every program tests first, so that it stops even when the ring
 * buffer is full; a record only to wake plumb up at once. Then this
 * program returns: no later statement or clause runs. */
static void exit_call(struct cg *cg, const struct event *ev, int id)
{
	int rec = cg_stack_alloc(cg, 8);

	cg_ld_map(cg, R1, CG_MAP_CONFIG, true);
	cg_ld_imm64(cg, R2, CONFIG_EXITED | (uint32_t)ev->code);
	cg_emit(cg, MOV64_IMM(R0, 0));
	cg_emit(cg, ATOMIC64(BPF_CMPXCHG, R1, R2, CONFIG_EXIT));
	cg_emit(cg, ST(BPF_DW, R1, CONFIG_STOPPED, 1));
	cg_emit(cg, ST(BPF_DW, R10, (int16_t)rec, id));
	output(cg, rec, 8, FULL_IGNORE, id);
	cg_emit(cg, MOV64_IMM(R0, 0));
	cg_emit(cg, EXIT_INSN());
}

static void printf_record(struct cg *cg, struct node *call, const struct event *ev, int id)
{
	const struct fmt *f = ev->fmt;
	int rec = cg_stack_alloc(cg, (int)f->size);
	struct node *a = call->list->next;

	cg_emit(cg, ST(BPF_DW, R10, (int16_t)rec, id));
	for (int i = 0; i < f->nargs; i++, a = a->next) {
		const struct fmt_arg *fa = &f->args[i];
		if (fa->type.kind == T_STR)
			cg_str(cg, a, R10, rec + (int)fa->off, (int)fa->type.len);
		else
			cg_store_value(cg, a, R10, rec + (int)fa->off);
	}
	cg->cur = call->loc;
	output(cg, rec, (int)f->size, FULL_LOST, id);
}

/* print(value): the header, then the value as a map would keep it. */
static void value_record(struct cg *cg, struct node *call, const struct event *ev, int id)
{
	int size = 8 + (int)type_storage(ev->type);
	int rec = cg_stack_alloc(cg, size);
	struct node *v = call->list;

	cg_emit(cg, ST(BPF_DW, R10, (int16_t)rec, id));
	if (ev->type.kind == T_STR)
		cg_str(cg, v, R10, rec + 8, (int)ev->type.len);
	else
		cg_store_value(cg, v, R10, rec + 8);
	cg->cur = call->loc;
	output(cg, rec, size, FULL_LOST, id);
}

void cg_event_call(struct cg *cg, struct node *call)
{
	int mark = cg->sp, id = (int)call->num;
	const struct event *ev = &cg->sema->events.v[id - 1];

	if (ev->kind == EV_PRINTF) {
		printf_record(cg, call, ev, id);
	} else if (ev->kind == EV_EXIT) {
		exit_call(cg, ev, id);
	} else if (ev->kind == EV_VALUE) {
		value_record(cg, call, ev, id);
	} else if (ev->kind == EV_TIME) {
		int rec = cg_stack_alloc(cg, 8);
		cg_emit(cg, ST(BPF_DW, R10, (int16_t)rec, id));
		output(cg, rec, 8, FULL_LOST, id);
	} else {
		int rec = cg_stack_alloc(cg, 8);
		cg_emit(cg, ST(BPF_DW, R10, (int16_t)rec, id));
		output(cg, rec, 8, FULL_REQUEST, id);
	}
	cg->sp = mark;
}
