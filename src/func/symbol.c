// SPDX-License-Identifier: GPL-2.0-only
/* Symbols and stacks: usym(addr) and ustack(N), values that user space
 * names later through the process's (or the probe's binary's) symbols. */
#include "builtin/builtin.h"
#include "codegen/cg.h"
#include "func/func.h"
#include "sema/scope.h"

static void usym_sema(struct scope *sc, struct node *n)
{
	sema_expr(sc, n->list);
	if (type_bad(n->list->type))
		return;
	if (!type_is_int(n->list->type))
		sc_error(sc, n->list->loc, "usym() needs an address");
	else
		n->type = type_of(T_USYM);
}

/* The address, the pid (and probe), and where the probe runs now. */
static void usym_emit(struct cg *cg, struct node *n, int base, int off, int len)
{
	int r = cg_reg_alloc(cg);
	int v = r < 0 ? R0 : r;

	(void)len;
	cg_expr(cg, n->list, v);
	cg_emit(cg, STX(BPF_DW, base, v, (int16_t)off));
	cg_reg_free(cg, r);
	builtin_emit_pid_and_probe(cg, base, off + 8);
	/* where the probe is running now: gives its binary's load address */
	if (cg->probe->kind->flags & PK_USER)
		cg_emit(cg, LDX(BPF_DW, R0, R6, PT_REGS_IP));
	else
		cg_emit(cg, MOV64_IMM(R0, 0));
	cg_emit(cg, STX(BPF_DW, base, R0, (int16_t)(off + 16)));
}

/* ustack(N): the first N frames, kept in the value itself (bpf_get_stack),
 * so that stacks alike in those frames are one key, exactly; plain ustack
 * keeps a stack id. The frames sit on the BPF stack: N is bounded. */
static void ustack_sema(struct scope *sc, struct node *n)
{
	struct node *depth = func_arg(n, 0);
	int64_t d;

	sema_expr(sc, depth);
	if (type_bad(depth->type) || !func_const_int(sc, depth, "the depth of ustack()", &d))
		return;
	if (d < 1 || d > USTACK_INLINE_MAX) {
		sc_error(sc, depth->loc, "ustack() depth %lld out of range (1 to %d frames; plain "
			 "ustack keeps up to 127)", (long long)d, USTACK_INLINE_MAX);
		return;
	}
	for (int i = 0; i < sc_nprobes(sc); i++) {
		struct probe *p = sc_probe(sc, i);
		if (p && !(p->kind->flags & PK_USTACK)) {
			sc_error(sc, n->loc, "'ustack' is not available in %s probes",
				 p->kind->name);
			return;
		}
	}
	n->type = type_of(T_USTACK);
	n->type.len = (unsigned int)d;
}

/* The frames themselves, zero-filled past the last one (the helper does
 * that), so that the value is a key. */
static void ustack_emit(struct cg *cg, struct node *n, int base, int off, int len)
{
	int depth = (int)n->type.len;

	(void)len;
	cg_emit(cg, MOV64_REG(R1, R6));
	cg_emit(cg, MOV64_REG(R2, base));
	cg_emit(cg, ALU64_IMM(BPF_ADD, R2, off));
	cg_mov_imm(cg, R3, 8 * depth);
	cg_mov_imm(cg, R4, BPF_F_USER_STACK);
	cg_call(cg, BPF_FUNC_get_stack);
	builtin_emit_pid_and_probe(cg, base, off + 8 * depth);
}

const struct func_def func_usym = {
	.name = "usym", .min = 1, .max = 1, .sema = usym_sema, .emit_mem = usym_emit,
};
const struct func_def func_ustack = {
	.name = "ustack", .min = 1, .max = 1, .sema = ustack_sema, .emit_mem = ustack_emit,
};
