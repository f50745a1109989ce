// SPDX-License-Identifier: GPL-2.0-only
/* Actions that leave the kernel as ring buffer records: printf, exit,
 * print and clear. A record is an 8-byte header (event id) and then the
 * values in the layout sema chose; user space does the formatting. */
#include "codegen/cg.h"

static void output(struct cg *cg, int off, int size)
{
	int ok = cg_label(cg);

	cg_ld_map(cg, R1, CG_MAP_RINGBUF, false);
	cg_emit(cg, MOV64_REG(R2, R10));
	cg_emit(cg, ALU64_IMM(BPF_ADD, R2, off));
	cg_emit(cg, MOV64_IMM(R3, size));
	cg_emit(cg, MOV64_IMM(R4, 0));
	cg_call(cg, BPF_FUNC_ringbuf_output);
	cg_jmp_imm(cg, BPF_JEQ, R0, 0, ok);
	cg_stat_inc(cg, STAT_LOST);
	cg_place(cg, ok);
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
	output(cg, rec, (int)f->size);
}

void cg_event_call(struct cg *cg, struct node *call)
{
	int mark = cg->sp, id = (int)call->num;
	const struct event *ev = &cg->sema->events.v[id - 1];

	if (ev->kind == EV_PRINTF) {
		printf_record(cg, call, ev, id);
	} else {
		int rec = cg_stack_alloc(cg, 8);
		cg_emit(cg, ST(BPF_DW, R10, (int16_t)rec, id));
		output(cg, rec, 8);
	}
	cg->sp = mark;
}
