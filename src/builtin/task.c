// SPDX-License-Identifier: GPL-2.0-only
/* The task the probe fires in: pid, tid, uid, gid, comm, pcomm, cgroup,
 * username; the cpu and NUMA node it runs on, and whether it was in user
 * mode. */
#include <linux/bpf.h>

#include "ast/diag.h"
#include "builtin/builtin.h"
#include "codegen/cg.h"
#include "probe/probe.h"

#define COMM_LEN 16

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

static void pid(struct cg *cg, int reg)
{
	half_of(cg, BPF_FUNC_get_current_pid_tgid, reg, true);
}

static void tid(struct cg *cg, int reg)
{
	half_of(cg, BPF_FUNC_get_current_pid_tgid, reg, false);
}

static void uid(struct cg *cg, int reg)
{
	half_of(cg, BPF_FUNC_get_current_uid_gid, reg, false);
}

static void gid(struct cg *cg, int reg)
{
	half_of(cg, BPF_FUNC_get_current_uid_gid, reg, true);
}

static void cpu(struct cg *cg, int reg)
{
	helper_value(cg, BPF_FUNC_get_smp_processor_id, reg);
}

static void cgroup(struct cg *cg, int reg)
{
	helper_value(cg, BPF_FUNC_get_current_cgroup_id, reg);
}

static void numaid(struct cg *cg, int reg)
{
	helper_value(cg, BPF_FUNC_get_numa_node_id, reg);
}

/* Whether the registers are the user's: the privilege level in the low
 * bits of cs is 3 (x86-64). A uprobe always fires in user mode. */
static void usermode(struct cg *cg, int reg)
{
	if (cg->probe->kind->flags & PK_USER) {
		cg_emit(cg, MOV64_IMM(reg, 1));
		return;
	}
	cg_emit(cg, LDX(BPF_DW, reg, R6, PT_REGS_CS));
	cg_emit(cg, ALU64_IMM(BPF_AND, reg, 3));
	cg_emit(cg, ALU64_IMM(BPF_ADD, reg, 1));	/* 3 -> 4, 0..2 -> 1..3 */
	cg_emit(cg, ALU64_IMM(BPF_RSH, reg, 2));
}

/* Only programs whose context holds the interrupted registers (uprobes,
 * kprobes, perf events: profile, interval, software, watchpoint). */
static bool usermode_check(const struct options *o, const struct probe *p, struct loc loc)
{
	(void)o;
	if (p->kind->prog_type == BPF_PROG_TYPE_KPROBE ||
	    p->kind->prog_type == BPF_PROG_TYPE_PERF_EVENT)
		return true;
	diag_error(loc, "'usermode' needs the registers of the interrupted task, which %s "
		   "probes do not have", p->kind->name);
	return false;
}

static void comm(struct cg *cg, int base, int off, int len)
{
	/* the helper writes min(len, 16) bytes: the rest must be zeroes */
	if (len > COMM_LEN) {
		for (int i = COMM_LEN; i < (int)ALIGN8(len); i += 8)
			cg_emit(cg, ST(BPF_DW, base, (int16_t)(off + i), 0));
	} else if (len % 8) {
		cg_emit(cg, ST(BPF_DW, base, (int16_t)(off + (int)ALIGN8(len) - 8), 0));
	}
	cg_emit(cg, MOV64_REG(R1, base));
	if (off)
		cg_emit(cg, ALU64_IMM(BPF_ADD, R1, off));
	cg_emit(cg, MOV64_IMM(R2, len < COMM_LEN ? len : COMM_LEN));
	cg_call(cg, BPF_FUNC_get_current_comm);
}

const struct builtin_def builtin_pid = { .name = "pid", .id = B_PID, .kind = T_INT, .emit = pid };
const struct builtin_def builtin_tid = { .name = "tid", .id = B_TID, .kind = T_INT, .emit = tid };
const struct builtin_def builtin_uid = { .name = "uid", .id = B_UID, .kind = T_INT, .emit = uid };
const struct builtin_def builtin_gid = { .name = "gid", .id = B_GID, .kind = T_INT, .emit = gid };
const struct builtin_def builtin_cpu = { .name = "cpu", .id = B_CPU, .kind = T_INT, .emit = cpu };
const struct builtin_def builtin_cgroup = {
	.name = "cgroup", .id = B_CGROUP, .kind = T_INT, .emit = cgroup,
};
const struct builtin_def builtin_comm = {
	.name = "comm", .id = B_COMM, .kind = T_STR, .len = COMM_LEN, .emit_mem = comm,
};
const struct builtin_def builtin_numaid = {
	.name = "numaid", .id = B_NUMAID, .kind = T_INT, .emit = numaid,
};
const struct builtin_def builtin_usermode = {
	.name = "usermode", .id = B_USERMODE, .kind = T_INT, .emit = usermode,
	.check = usermode_check,
};
