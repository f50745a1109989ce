// SPDX-License-Identifier: GPL-2.0-only
/* Output and ending: printf() and exit(), records for user space (their
 * code is codegen/event.c's). */
#include "codegen/cg.h"
#include "func/func.h"
#include "sema/scope.h"

static void printf_sema(struct scope *sc, struct node *n)
{
	for (struct node **a = &n->list->next; *a; a = &(*a)->next)
		sema_expr(sc, *a);
	if (n->list->kind != AST_STR) {
		sc_error(sc, n->list->loc, "the format of printf() must be a constant string");
		return;
	}
	if (!sc->report)
		return;
	struct fmt *f = sema_printf(sc, n);
	if (!f)
		return;
	struct event ev = { .kind = EV_PRINTF, .fmt = f };
	n->num = (uint64_t)sema_event(sc->s, ev);
	sc->s->needs_ringbuf = true;
}

static void exit_sema(struct scope *sc, struct node *n)
{
	struct event ev = { .kind = EV_EXIT };
	int64_t code = 0;

	if (n->list) {
		sema_expr(sc, n->list);
		if (!func_const_int(sc, n->list, "the exit status", &code))
			return;
		if (code < 0 || code > 255) {
			sc_error(sc, n->list->loc, "exit status must be 0 to 255");
			return;
		}
	}
	if (!sc->report)
		return;
	ev.code = (int)code;
	n->num = (uint64_t)sema_event(sc->s, ev);
	sc->s->needs_ringbuf = true;
}

const struct func_def func_printf = {
	.name = "printf", .min = 1, .max = 32, .stmt = true, .sema = printf_sema,
	.emit_stmt = cg_event_call,
};
const struct func_def func_exit = {
	.name = "exit", .min = 0, .max = 1, .stmt = true, .sema = exit_sema,
	.emit_stmt = cg_event_call,
};
