// SPDX-License-Identifier: GPL-2.0-only
/* Where the probe fired: func and probe (the site's names, as name ids
 * that user space prints), probetype (its kind), and retval. */
#include <string.h>

#include "builtin/builtin.h"
#include "codegen/cg.h"
#include "probe/probe.h"

/* The longest kind name ("rawtracepoint") and its NUL, rounded up. */
#define PROBETYPE_LEN 16

/* func and probe: the site's names, from the attach cookie when the
 * program runs at sites with different names. */
void builtin_emit_site_name(struct cg *cg, int reg, bool probe)
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

static void func(struct cg *cg, int reg)
{
	builtin_emit_site_name(cg, reg, false);
}

static void probe(struct cg *cg, int reg)
{
	builtin_emit_site_name(cg, reg, true);
}

/* bpftrace's name of the probe's kind ("special" for BEGIN and END), a
 * constant of each probe's program, stored 4 bytes at a time, the rest
 * of the destination zeroed so that it stays a map key. */
static void probetype(struct cg *cg, int base, int off, int len)
{
	const char *k = cg->probe->kind->name;
	char name[PROBETYPE_LEN] = { 0 };

	if (!strcmp(k, "BEGIN") || !strcmp(k, "END"))
		k = "special";
	strncpy(name, k, sizeof(name) - 1);
	for (int i = 0; i < (int)ALIGN8(len); i += 4) {
		int32_t w = 0;
		if (i < (int)sizeof(name))
			memcpy(&w, name + i, 4);
		cg_emit(cg, ST(BPF_W, base, (int16_t)(off + i), w));
	}
}

static void retval(struct cg *cg, int reg)
{
	cg_emit(cg, LDX(BPF_DW, reg, R6, PT_REGS_AX));
}

const struct builtin_def builtin_func = {
	.name = "func", .id = B_FUNC, .kind = T_PROBE, .emit = func,
};
const struct builtin_def builtin_probe = {
	.name = "probe", .id = B_PROBE, .kind = T_PROBE, .emit = probe,
};
const struct builtin_def builtin_probetype = {
	.name = "probetype", .id = B_PROBETYPE, .kind = T_STR, .len = PROBETYPE_LEN,
	.emit_mem = probetype,
};
const struct builtin_def builtin_retval = {
	.name = "retval", .id = B_RETVAL, .kind = T_INT, .sign = true, .needs = PK_RETVAL,
	.emit = retval,
};
