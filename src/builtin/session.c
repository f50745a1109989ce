// SPDX-License-Identifier: GPL-2.0-only
/* What this run of plumb gives a program: cpid (the pid of the -c
 * command) and has_cpid (whether there is one), ncpus (the CPUs a per-CPU map has a slot for), and rand. */
#include <bpf/libbpf.h>
#include <unistd.h>

#include "ast/diag.h"
#include "builtin/builtin.h"
#include "codegen/cg.h"
#include "options.h"

/* Set by user space once the command's process exists, before BEGIN
 * runs (runtime/command.c holds the command until then). */
static void cpid(struct cg *cg, int reg)
{
	cg_ld_map(cg, reg, CG_MAP_CONFIG, true);
	cg_emit(cg, LDX(BPF_DW, reg, reg, CONFIG_CPID));
}

static bool cpid_check(const struct options *o, const struct probe *p, struct loc loc)
{
	(void)p;
	if (o->cmd)
		return true;
	diag_error(loc, "'cpid' is the pid of the -c command, and there is none: give one with -c CMD");
	return false;
}

/* Whether there is a -c command: its pid is set (never 0) before BEGIN
 * runs; 0 - pid has the sign bit set exactly when pid is not 0. Unlike
 * cpid, it needs no -c. */
static void has_cpid(struct cg *cg, int reg)
{
	cpid(cg, reg);
	cg_emit(cg, ALU64_IMM(BPF_NEG, reg, 0));
	cg_emit(cg, ALU64_IMM(BPF_RSH, reg, 63));
}

/* The possible CPUs, as bpftrace counts them: the number of slots of a
 * per-CPU map, a constant of the program. */
static void ncpus(struct cg *cg, int reg)
{
	int n = libbpf_num_possible_cpus();

	if (n < 1)
		n = (int)sysconf(_SC_NPROCESSORS_CONF);
	cg_mov_imm(cg, reg, n < 1 ? 1 : n);
}

/* A pseudo-random u32 from the kernel's per-CPU generator. */
static void rand_u32(struct cg *cg, int reg)
{
	cg_call(cg, BPF_FUNC_get_prandom_u32);
	if (reg != R0)
		cg_emit(cg, MOV64_REG(reg, R0));
}

const struct builtin_def builtin_cpid = {
	.name = "cpid", .id = B_CPID, .kind = T_INT, .emit = cpid, .check = cpid_check,
};
const struct builtin_def builtin_has_cpid = {
	.name = "has_cpid", .id = B_HAS_CPID, .kind = T_BOOL, .emit = has_cpid,
};
const struct builtin_def builtin_ncpus = {
	.name = "ncpus", .id = B_NCPUS, .kind = T_INT, .emit = ncpus,
};
const struct builtin_def builtin_rand = {
	.name = "rand", .id = B_RAND, .kind = T_INT, .emit = rand_u32,
};
