// SPDX-License-Identifier: GPL-2.0-only
/* join(argv[, sep]): an argv-style array (char *argv[], NULL-terminated,
 * as execve's args.argv) printed as one line, its strings separated by
 * sep (" " by default), as bpftrace's join(). The program reads up to
 * JOIN_ARGS strings of the string size (-s) straight into a ring buffer
 * record (too large for the BPF stack), the count of them in the
 * header's upper half; plumb prints the line when it reads the record. */
#include <string.h>

#include "codegen/cg.h"
#include "func/func.h"
#include "options.h"
#include "sema/scope.h"
#include "util/util.h"

static void join_sema(struct scope *sc, struct node *n)
{
	struct node *arr = func_arg(n, 0), *sep = func_arg(n, 1);

	sema_expr(sc, arr);
	if (sep)
		sema_expr(sc, sep);	/* a positional parameter becomes its text */
	if (!type_is_int(arr->type)) {
		if (!type_bad(arr->type))
			sc_error(sc, arr->loc, "join() takes the address of an array of strings "
				 "(char *argv[]), not a %s", arr->type.kind == T_STR ? "string" :
				 "value of this type");
		return;
	}
	if (sep && (sep->kind != AST_STR || strlen(sep->name) != sep->len)) {
		sc_error(sc, sep->loc, "join()'s separator must be a constant string");
		return;
	}
	n->type = type_of(T_VOID);
	if (!sc->report)
		return;
	struct event ev = { .kind = EV_JOIN, .timefmt = xstrdup(sep ? sep->name : " "),
			    .top = sc->s->opts->strsize };
	n->num = (uint64_t)sema_event(sc->s, ev);
	sc->s->needs_ringbuf = true;
}

/* R1 = the record + off (the record's address is kept at rec). */
static void rec_at(struct cg *cg, int rec, int off)
{
	cg_emit(cg, LDX(BPF_DW, R1, R10, (int16_t)rec));
	cg_emit(cg, ALU64_IMM(BPF_ADD, R1, off));
}

static void join_emit(struct cg *cg, struct node *n)
{
	const struct event *ev = &cg->sema->events.v[n->num - 1];
	int argsz = (int)ev->top, mark = cg->sp;
	int rec = cg_stack_alloc(cg, 8), arr = cg_stack_alloc(cg, 8), p = cg_stack_alloc(cg, 8);
	int done = cg_label(cg), lost = cg_label(cg), end = cg_label(cg);

	cg_expr_scratch(cg, n->list, R3);
	cg_emit(cg, STX(BPF_DW, R10, R3, (int16_t)arr));
	cg_ld_map(cg, R1, CG_MAP_RINGBUF, false);
	cg_emit(cg, MOV64_IMM(R2, 8 + JOIN_ARGS * argsz));
	cg_emit(cg, MOV64_IMM(R3, 0));
	cg_call(cg, BPF_FUNC_ringbuf_reserve);
	cg_jmp_imm(cg, BPF_JEQ, R0, 0, lost);
	cg_emit(cg, STX(BPF_DW, R10, R0, (int16_t)rec));
	cg_emit(cg, ST(BPF_DW, R0, 0, (int32_t)n->num));
	for (int i = 0; i < JOIN_ARGS; i++) {
		/* argv[i]; a NULL or unreadable one ends the array */
		cg_emit(cg, MOV64_REG(R1, R10));
		cg_emit(cg, ALU64_IMM(BPF_ADD, R1, p));
		cg_emit(cg, MOV64_IMM(R2, 8));
		cg_emit(cg, LDX(BPF_DW, R3, R10, (int16_t)arr));
		cg_emit(cg, ALU64_IMM(BPF_ADD, R3, 8 * i));
		cg_call(cg, BPF_FUNC_probe_read_user);
		cg_jmp_imm(cg, BPF_JNE, R0, 0, done);
		cg_emit(cg, LDX(BPF_DW, R3, R10, (int16_t)p));
		cg_jmp_imm(cg, BPF_JEQ, R3, 0, done);
		rec_at(cg, rec, 8 + i * argsz);
		cg_emit(cg, MOV64_IMM(R2, argsz));
		cg_call(cg, BPF_FUNC_probe_read_user_str);
		cg_emit(cg, LDX(BPF_DW, R1, R10, (int16_t)rec));
		cg_emit(cg, ST(BPF_W, R1, 4, i + 1));
	}
	cg_place(cg, done);
	cg_emit(cg, LDX(BPF_DW, R1, R10, (int16_t)rec));
	cg_emit(cg, MOV64_IMM(R2, 0));
	cg_call(cg, BPF_FUNC_ringbuf_submit);
	cg_goto(cg, end);
	cg_place(cg, lost);
	cg_stat_inc(cg, STAT_LOST);
	cg_place(cg, end);
	cg->sp = mark;
}

const struct func_def func_join = {
	.name = "join", .min = 1, .max = 2, .stmt = true, .sema = join_sema,
	.emit_stmt = join_emit,
};
