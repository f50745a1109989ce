// SPDX-License-Identifier: GPL-2.0-only
/* Stacks: ustack and kstack, as a stack id in the stack map and the pid
 * (and probe) to symbolise it with later. */
#include "builtin/builtin.h"
#include "codegen/cg.h"

/* The pid, and in its upper half the probe that fired: user space
 * symbolises stacks through the pid's maps, or, once the process is
 * gone, through the probe's binary (the first frame is the probe's
 * address, which gives the binary's load address). */
void builtin_emit_pid_and_probe(struct cg *cg, int base, int off)
{
	cg_call(cg, BPF_FUNC_get_current_pid_tgid);
	cg_emit(cg, ALU64_IMM(BPF_RSH, R0, 32));
	cg_emit(cg, STX(BPF_DW, base, R0, (int16_t)off));
	if (!(cg->probe->kind->flags & PK_USER))
		return;
	builtin_emit_site_name(cg, R0, true);
	cg_emit(cg, ALU64_IMM(BPF_ADD, R0, 1));	/* 0: no probe */
	cg_emit(cg, ALU64_IMM(BPF_LSH, R0, 32));
	cg_emit(cg, LDX(BPF_DW, R1, base, (int16_t)off));
	cg_emit(cg, ALU64_REG(BPF_OR, R1, R0));
	cg_emit(cg, STX(BPF_DW, base, R1, (int16_t)off));
}

/* A stack id and the pid it belongs to, for symbolising later. */
static void stack_value(struct cg *cg, int base, int off, bool user)
{
	cg_emit(cg, MOV64_REG(R1, R6));
	cg_ld_map(cg, R2, CG_MAP_STACKS, false);
	cg_mov_imm(cg, R3, user ? BPF_F_USER_STACK : 0);
	cg_call(cg, BPF_FUNC_get_stackid);
	cg_emit(cg, STX(BPF_DW, base, R0, (int16_t)off));
	builtin_emit_pid_and_probe(cg, base, off + 8);
}

static void ustack(struct cg *cg, int base, int off, int len)
{
	(void)len;
	stack_value(cg, base, off, true);
}

static void kstack(struct cg *cg, int base, int off, int len)
{
	(void)len;
	stack_value(cg, base, off, false);
}

const struct builtin_def builtin_ustack = {
	.name = "ustack", .id = B_USTACK, .kind = T_USTACK, .needs = PK_USTACK, .stacks = true,
	.emit_mem = ustack,
};
const struct builtin_def builtin_kstack = {
	.name = "kstack", .id = B_KSTACK, .kind = T_KSTACK, .needs = PK_KSTACK, .stacks = true,
	.emit_mem = kstack,
};
