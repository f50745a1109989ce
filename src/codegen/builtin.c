// SPDX-License-Identifier: GPL-2.0-only
/* Builtin variables. */
#include "codegen/cg.h"

#define PT_REGS_AX 80
#define PT_REGS_SP 152
#define PT_REGS_IP 128

/* One half of a helper's two-ids-in-one-u64 result (pid/tid, uid/gid). */
static void half_of(struct cg *cg, int helper, int reg, bool upper)
{
	cg_call(cg, helper);
	if (upper)
		cg_emit(cg, ALU64_IMM(BPF_RSH, R0, 32));
	else
		cg_emit(cg, MOV32_REG(R0, R0));
	if (reg != R0)
		cg_emit(cg, MOV64_REG(reg, R0));
}

static void helper_value(struct cg *cg, int helper, int reg)
{
	cg_call(cg, helper);
	if (reg != R0)
		cg_emit(cg, MOV64_REG(reg, R0));
}

static void elapsed(struct cg *cg, int reg)
{
	cg_call(cg, BPF_FUNC_ktime_get_ns);
	cg_ld_map(cg, R1, CG_MAP_CONFIG, true);
	cg_emit(cg, LDX(BPF_DW, R1, R1, CONFIG_START_NS));
	cg_emit(cg, ALU64_REG(BPF_SUB, R0, R1));
	if (reg != R0)
		cg_emit(cg, MOV64_REG(reg, R0));
}

/* func and probe: the site's names, from the attach cookie when the
 * program runs at sites with different names. */
static void site_name(struct cg *cg, int reg, bool probe)
{
	struct probe *p = cg->probe;
	int first = -1;
	bool same = true;

	for (size_t i = 0; i < p->sites.n; i++) {
		int id = probe ? p->sites.v[i].probe_id : p->sites.v[i].name_id;
		if (p->sites.v[i].variant != cg->variant)
			continue;
		if (first < 0)
			first = id;
		else if (id != first)
			same = false;
	}
	if (same || (p->kind->flags & PK_ONCE)) {
		cg_mov_imm(cg, reg, first < 0 ? p->spec_id : first);
		return;
	}
	cg_emit(cg, MOV64_REG(R1, R6));
	cg_call(cg, BPF_FUNC_get_attach_cookie);
	if (probe)
		cg_emit(cg, ALU64_IMM(BPF_RSH, R0, 32));
	else
		cg_emit(cg, MOV32_REG(R0, R0));
	if (reg != R0)
		cg_emit(cg, MOV64_REG(reg, R0));
}

void cg_builtin(struct cg *cg, struct node *n, int reg)
{
	if (n->kind == AST_FIELD) {
		cg->probe->kind->emit_field(cg, cg->probe, n->name, reg);
		return;
	}
	switch (n->id) {
	case B_PID: half_of(cg, BPF_FUNC_get_current_pid_tgid, reg, true); break;
	case B_TID: half_of(cg, BPF_FUNC_get_current_pid_tgid, reg, false); break;
	case B_UID: half_of(cg, BPF_FUNC_get_current_uid_gid, reg, false); break;
	case B_GID: half_of(cg, BPF_FUNC_get_current_uid_gid, reg, true); break;
	case B_CPU: helper_value(cg, BPF_FUNC_get_smp_processor_id, reg); break;
	case B_NSECS: helper_value(cg, BPF_FUNC_ktime_get_ns, reg); break;
	case B_CGROUP: helper_value(cg, BPF_FUNC_get_current_cgroup_id, reg); break;
	case B_ELAPSED: elapsed(cg, reg); break;
	case B_ARG:
		cg->probe->kind->emit_arg(cg, cg->probe, cg->variant, (int)n->num, reg);
		break;
	case B_RETVAL:
		cg_emit(cg, LDX(BPF_DW, reg, R6, PT_REGS_AX));
		break;
	case B_FUNC: site_name(cg, reg, false); break;
	case B_PROBE: site_name(cg, reg, true); break;
	default:
		cg_error(cg, n->loc, "'%s' has no integer value", n->name);
	}
}

/* The pid, and in its upper half the probe that fired: user space
 * symbolises stacks through the pid's maps, or, once the process is
 * gone, through the probe's binary (the first frame is the probe's
 * address, which gives the binary's load address). */
static void pid_and_probe(struct cg *cg, int base, int off)
{
	cg_call(cg, BPF_FUNC_get_current_pid_tgid);
	cg_emit(cg, ALU64_IMM(BPF_RSH, R0, 32));
	cg_emit(cg, STX(BPF_DW, base, R0, (int16_t)off));
	if (!(cg->probe->kind->flags & PK_USER))
		return;
	site_name(cg, R0, true);
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
	pid_and_probe(cg, base, off + 8);
}

static void usym_value(struct cg *cg, struct node *n, int base, int off)
{
	int r = cg_reg_alloc(cg);
	int v = r < 0 ? R0 : r;

	cg_expr(cg, n->list, v);
	cg_emit(cg, STX(BPF_DW, base, v, (int16_t)off));
	cg_reg_free(cg, r);
	pid_and_probe(cg, base, off + 8);
	/* where the probe is running now: gives its binary's load address */
	if (cg->probe->kind->flags & PK_USER)
		cg_emit(cg, LDX(BPF_DW, R0, R6, PT_REGS_IP));
	else
		cg_emit(cg, MOV64_IMM(R0, 0));
	cg_emit(cg, STX(BPF_DW, base, R0, (int16_t)(off + 16)));
}

void cg_builtin_mem(struct cg *cg, struct node *n, int base, int off)
{
	if (n->kind == AST_CALL && n->id == F_USYM) {
		usym_value(cg, n, base, off);
		return;
	}
	if (n->kind == AST_IDENT && (n->id == B_USTACK || n->id == B_KSTACK)) {
		stack_value(cg, base, off, n->id == B_USTACK);
		return;
	}
	cg_error(cg, n->loc, "cannot store this value");
}
