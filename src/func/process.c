// SPDX-License-Identifier: GPL-2.0-only
/* What reaches beyond tracing, only with --unsafe: signal() sends a
 * signal to the traced process from the BPF program (bpf_send_signal);
 * system() and cat() are printf records whose text plumb runs as a
 * command or reads as a file, in user space (runtime/actions.c). */
#include <signal.h>
#include <string.h>

#include "codegen/cg.h"
#include "func/func.h"
#include "options.h"
#include "probe/probe.h"
#include "sema/scope.h"

static bool unsafe_ok(struct scope *sc, struct node *n, const char *why)
{
	if (sc->s->opts->unsafe)
		return true;
	sc_error(sc, n->loc, "%s() %s: it needs --unsafe", n->name, why);
	return false;
}

/* "SIGKILL", "KILL" or a number from 1 to 64. */
static int signal_number(const struct node *a)
{
	const char *name = a->name;

	if (a->kind == AST_INT && a->folded)
		return a->num >= 1 && a->num <= 64 ? (int)a->num : -1;
	if (a->kind != AST_STR)
		return -1;
	if (!strncmp(name, "SIG", 3))
		name += 3;
	for (int s = 1; s < NSIG; s++) {
		const char *abbrev = sigabbrev_np(s);
		if (abbrev && !strcmp(abbrev, name))
			return s;
	}
	return -1;
}

static void signal_sema(struct scope *sc, struct node *n)
{
	struct node *a = n->list;
	int sig;

	sema_expr(sc, a);
	if (!unsafe_ok(sc, n, "changes what the traced program does"))
		return;
	for (int i = 0; i < sc_nprobes(sc); i++) {
		struct probe *p = sc_probe(sc, i);
		if (p && (p->kind->flags & PK_ONCE)) {
			sc_error(sc, n->loc, "signal() in %s would signal plumb itself", p->kind->name);
			return;
		}
	}
	sig = signal_number(a);
	if (sig < 0) {
		sc_error(sc, a->loc, "signal() takes a signal: a name such as \"SIGUSR1\" or a "
			 "number from 1 to 64");
		return;
	}
	n->num = (uint64_t)sig;
	n->type = type_of(T_VOID);
}

/* To the process the probe fired in (any of its threads), as bpftrace's
 * signal(). */
static void signal_emit(struct cg *cg, struct node *n)
{
	cg_emit(cg, MOV64_IMM(R1, (int32_t)n->num));
	cg_call(cg, BPF_FUNC_send_signal);
}

static void system_sema(struct scope *sc, struct node *n)
{
	if (unsafe_ok(sc, n, "runs a command"))
		func_message_sema(sc, n, MSG_SYSTEM);
}

static void cat_sema(struct scope *sc, struct node *n)
{
	if (unsafe_ok(sc, n, "reads a file"))
		func_message_sema(sc, n, MSG_CAT);
}

const struct func_def func_signal = {
	.name = "signal", .min = 1, .max = 1, .stmt = true, .sema = signal_sema,
	.emit_stmt = signal_emit,
};
const struct func_def func_system = {
	.name = "system", .min = 1, .max = 32, .stmt = true, .sema = system_sema,
	.emit_stmt = cg_event_call,
};
const struct func_def func_cat = {
	.name = "cat", .min = 1, .max = 32, .stmt = true, .sema = cat_sema,
	.emit_stmt = cg_event_call,
};
