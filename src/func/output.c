// SPDX-License-Identifier: GPL-2.0-only
/* Output and ending: printf(), warnf(), errorf(), time() and exit(),
 * records for user space (their code is codegen/event.c's). */
#include <string.h>

#include "codegen/cg.h"
#include "func/func.h"
#include "sema/scope.h"

void func_message_sema(struct scope *sc, struct node *n, int level)
{
	for (struct node **a = &n->list->next; *a; a = &(*a)->next)
		sema_expr(sc, *a);
	if (n->list->kind != AST_STR) {
		sc_error(sc, n->list->loc, "the format of %s() must be a constant string", n->name);
		return;
	}
	if (!sc->report)
		return;
	struct fmt *f = sema_printf(sc, n);
	if (!f)
		return;
	struct event ev = { .kind = EV_PRINTF, .fmt = f, .level = (enum msg_level)level,
			    .loc = n->loc };
	n->num = (uint64_t)sema_event(sc->s, ev);
	sc->s->needs_ringbuf = true;
}

static void printf_sema(struct scope *sc, struct node *n)
{
	func_message_sema(sc, n, MSG_PRINTF);
}

/* warnf() and errorf(): printf's formatting, on stderr as a warning or an
 * error at the place of the call, as bpftrace prints them; the program
 * goes on. */
static void warnf_sema(struct scope *sc, struct node *n)
{
	func_message_sema(sc, n, MSG_WARNING);
}

static void errorf_sema(struct scope *sc, struct node *n)
{
	func_message_sema(sc, n, MSG_ERROR);
}

/* time([fmt]): the wall-clock time when plumb reads the event, formatted
 * by strftime(3) (bpftrace's default: "%H:%M:%S\n"), printed as printf()
 * prints. */
static void time_sema(struct scope *sc, struct node *n)
{
	const char *fmt = "%H:%M:%S\n";

	if (n->list) {
		if (n->list->kind != AST_STR || strlen(n->list->name) != n->list->len) {
			sc_error(sc, n->list->loc, "the format of time() must be a constant string");
			return;
		}
		fmt = n->list->name;
	}
	if (!sc->report)
		return;
	struct event ev = { .kind = EV_TIME, .timefmt = xstrdup(fmt) };
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
const struct func_def func_warnf = {
	.name = "warnf", .min = 1, .max = 32, .stmt = true, .sema = warnf_sema,
	.emit_stmt = cg_event_call,
};
const struct func_def func_errorf = {
	.name = "errorf", .min = 1, .max = 32, .stmt = true, .sema = errorf_sema,
	.emit_stmt = cg_event_call,
};
const struct func_def func_time = {
	.name = "time", .min = 0, .max = 1, .stmt = true, .sema = time_sema,
	.emit_stmt = cg_event_call,
};
const struct func_def func_exit = {
	.name = "exit", .min = 0, .max = 1, .stmt = true, .sema = exit_sema,
	.emit_stmt = cg_event_call,
};
