// SPDX-License-Identifier: GPL-2.0-only
/* Time: nsecs (the monotonic clock), elapsed (since plumb started) and
 * jiffies (the kernel's ticks). */
#include "builtin/builtin.h"
#include "codegen/cg.h"

static void nsecs(struct cg *cg, int reg)
{
	cg_call(cg, BPF_FUNC_ktime_get_ns);
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

const struct builtin_def builtin_nsecs = {
	.name = "nsecs", .id = B_NSECS, .kind = T_INT, .emit = nsecs,
};
const struct builtin_def builtin_elapsed = {
	.name = "elapsed", .id = B_ELAPSED, .kind = T_INT, .emit = elapsed,
};

/* The kernel's tick counter, 64 bits wide on every architecture. */
static void jiffies(struct cg *cg, int reg)
{
	cg_call(cg, BPF_FUNC_jiffies64);
	if (reg != R0)
		cg_emit(cg, MOV64_REG(reg, R0));
}

const struct builtin_def builtin_jiffies = {
	.name = "jiffies", .id = B_JIFFIES, .kind = T_INT, .emit = jiffies,
};
