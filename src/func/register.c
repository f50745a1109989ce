// SPDX-License-Identifier: GPL-2.0-only
/* Registers: reg("NAME"), a register of the probed thread. */
#include <stdio.h>
#include <string.h>

#include "codegen/cg.h"
#include "func/func.h"
#include "sema/scope.h"

/* The x86-64 struct pt_regs, in its order (a register's offset is its
 * index times 8), under the names bpftrace gives them. */
static const char *const regs[] = {
	"r15", "r14", "r13", "r12", "bp", "bx", "r11", "r10", "r9", "r8", "ax",
	"cx", "dx", "si", "di", "orig_ax", "ip", "cs", "flags", "sp", "ss",
};

static int reg_index(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(regs); i++)
		if (!strcmp(regs[i], name))
			return (int)i;
	return -1;
}

static void reg_unknown(struct scope *sc, struct node *a)
{
	const char *best = closest_name(a->name, regs, ARRAY_SIZE(regs));
	char hint[64] = "", list[160] = "";

	if (best)
		snprintf(hint, sizeof(hint), "; did you mean '%s'?", best);
	for (size_t i = 0; i < ARRAY_SIZE(regs); i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? " " : "",
			 regs[i]);
	sc_error(sc, a->loc, "unknown register '%s'%s (the registers: %s)", a->name, hint, list);
}

/* From the probe's struct pt_regs, so only where the context is one
 * (user-space probes); its offset is kept in n->num. */
static void reg_sema(struct scope *sc, struct node *n)
{
	struct node *a = n->list;
	int i;

	sema_expr(sc, a);
	if (a->kind != AST_STR) {
		sc_error(sc, a->loc, "reg() takes a register name: reg(\"sp\")");
		return;
	}
	if ((i = reg_index(a->name)) < 0 || strlen(a->name) != a->len) {
		reg_unknown(sc, a);
		return;
	}
	for (int k = 0; k < sc_nprobes(sc); k++) {
		struct probe *p = sc_probe(sc, k);
		if (p && !(p->kind->flags & PK_USER)) {
			sc_error(sc, n->loc, "reg() reads the registers of a uprobe, uretprobe or "
				 "usdt probe; %s probes have none", p->kind->name);
			return;
		}
	}
	n->num = (uint64_t)i * 8;
	n->type = type_int(8, false);
}

/* sema keeps it to probes whose r6 is pt_regs */
static void reg_emit(struct cg *cg, struct node *n, int reg)
{
	cg_emit(cg, LDX(BPF_DW, reg, R6, (int16_t)n->num));
}

const struct func_def func_reg = {
	.name = "reg", .min = 1, .max = 1, .pure = true, .sema = reg_sema, .emit = reg_emit,
};
