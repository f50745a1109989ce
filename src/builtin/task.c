// SPDX-License-Identifier: GPL-2.0-only
/* The task the probe fires in: pid, tid, uid, gid, comm, pcomm, cgroup,
 * username, curtask, ppid; the cpu and NUMA node it runs on, and whether it was
 * in user mode. */
#include <bpf/btf.h>
#include <linux/bpf.h>
#include <pwd.h>
#include <string.h>

#include "ast/diag.h"
#include "binary/btf.h"
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

/* A member's byte offset in struct type id, looking into anonymous
 * structs and unions (a randomized task_struct nests its fields); -1
 * when it has none. */
static long member_offset(const struct btf *btf, __u32 id, const char *name, int depth)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const struct btf_member *m = t ? btf_members(t) : NULL;

	for (int i = 0; m && depth < 8 && i < btf_vlen(t); i++, m++) {
		const char *mn = btf__name_by_offset(btf, m->name_off);
		long off = (long)btf_member_bit_offset(t, (__u32)i) / 8, in;
		if (mn && !strcmp(mn, name))
			return off;
		if (mn && *mn)
			continue;
		int rid = btf__resolve_type(btf, m->type);
		const struct btf_type *mt = rid > 0 ? btf__type_by_id(btf, (__u32)rid) : NULL;
		if (mt && (btf_is_struct(mt) || btf_is_union(mt)) &&
		    (in = member_offset(btf, (__u32)rid, name, depth + 1)) >= 0)
			return off + in;
	}
	return -1;
}

/* Where task_struct keeps group_leader and comm in the running kernel,
 * from its BTF, looked up once; false without BTF. */
static bool task_offsets(long *leader, long *comm_off)
{
	static int known;	/* 0: not looked up; 1: found; -1: not there */
	static long l, c;

	if (!known) {
		struct btf *btf = btf__load_vmlinux_btf();
		int id = btf ? btf__find_by_name_kind(btf, "task_struct", BTF_KIND_STRUCT) : -1;
		known = -1;
		if (id > 0) {
			l = member_offset(btf, (__u32)id, "group_leader", 0);
			c = member_offset(btf, (__u32)id, "comm", 0);
			if (l >= 0 && c >= 0)
				known = 1;
		}
		btf__free(btf);
	}
	*leader = l;
	*comm_off = c;
	return known > 0;
}

/* The process's name: the comm of its thread group leader (bpftrace's
 * task->group_leader->comm), read through the current task. The
 * destination holds the leader's address for a moment, and is zeroed
 * before the name is read into it, so that it stays a key. */
static void pcomm(struct cg *cg, int base, int off, int len)
{
	long leader, comm_off;

	task_offsets(&leader, &comm_off);
	cg_call(cg, BPF_FUNC_get_current_task);
	cg_emit(cg, MOV64_REG(R3, R0));
	cg_emit(cg, ALU64_IMM(BPF_ADD, R3, (int32_t)leader));
	cg_emit(cg, MOV64_REG(R1, base));
	cg_emit(cg, ALU64_IMM(BPF_ADD, R1, off));
	cg_emit(cg, MOV64_IMM(R2, 8));
	cg_call(cg, BPF_FUNC_probe_read_kernel);
	cg_emit(cg, LDX(BPF_DW, R3, base, (int16_t)off));
	for (int i = 0; i < (int)ALIGN8(len); i += 8)
		cg_emit(cg, ST(BPF_DW, base, (int16_t)(off + i), 0));
	cg_emit(cg, ALU64_IMM(BPF_ADD, R3, (int32_t)comm_off));
	cg_emit(cg, MOV64_REG(R1, base));
	cg_emit(cg, ALU64_IMM(BPF_ADD, R1, off));
	cg_emit(cg, MOV64_IMM(R2, len < COMM_LEN ? len : COMM_LEN));
	cg_call(cg, BPF_FUNC_probe_read_kernel_str);
}

static bool pcomm_check(const struct options *o, const struct probe *p, struct loc loc)
{
	long leader, comm_off;

	(void)o;
	(void)p;
	if (task_offsets(&leader, &comm_off))
		return true;
	diag_error(loc, "'pcomm' needs the kernel's BTF (/sys/kernel/btf/vmlinux) to find the "
		   "process's first thread");
	return false;
}

/* Where task_struct keeps real_parent and tgid, from the kernel's BTF,
 * looked up once; false without BTF. */
static bool parent_offsets(long *parent, long *tgid)
{
	static int known;	/* 0: not looked up; 1: found; -1: not there */
	static long p, t;

	if (!known) {
		struct btf *btf = btf__load_vmlinux_btf();
		int id = btf ? btf__find_by_name_kind(btf, "task_struct", BTF_KIND_STRUCT) : -1;
		known = -1;
		if (id > 0) {
			p = member_offset(btf, (__u32)id, "real_parent", 0);
			t = member_offset(btf, (__u32)id, "tgid", 0);
			if (p >= 0 && t >= 0)
				known = 1;
		}
		btf__free(btf);
	}
	*parent = p;
	*tgid = t;
	return known > 0;
}

/* The parent process's pid, as bpftrace's ppid: curtask->real_parent->tgid,
 * two kernel reads through a stack slot (a failed one reads 0). */
static void ppid(struct cg *cg, int reg)
{
	long parent, tgid;
	int tmp = cg_stack_alloc(cg, 8);

	parent_offsets(&parent, &tgid);
	cg_call(cg, BPF_FUNC_get_current_task);
	cg_emit(cg, MOV64_REG(R3, R0));
	cg_emit(cg, ALU64_IMM(BPF_ADD, R3, (int32_t)parent));
	cg_emit(cg, MOV64_REG(R1, R10));
	cg_emit(cg, ALU64_IMM(BPF_ADD, R1, tmp));
	cg_emit(cg, MOV64_IMM(R2, 8));
	cg_call(cg, BPF_FUNC_probe_read_kernel);
	cg_emit(cg, LDX(BPF_DW, R3, R10, (int16_t)tmp));
	cg_emit(cg, ST(BPF_DW, R10, (int16_t)tmp, 0));
	cg_emit(cg, ALU64_IMM(BPF_ADD, R3, (int32_t)tgid));
	cg_emit(cg, MOV64_REG(R1, R10));
	cg_emit(cg, ALU64_IMM(BPF_ADD, R1, tmp));
	cg_emit(cg, MOV64_IMM(R2, 4));
	cg_call(cg, BPF_FUNC_probe_read_kernel);
	cg_emit(cg, LDX(BPF_W, reg, R10, (int16_t)tmp));
}

static bool ppid_check(const struct options *o, const struct probe *p, struct loc loc)
{
	long parent, tgid;

	(void)o;
	(void)p;
	if (parent_offsets(&parent, &tgid))
		return true;
	diag_error(loc, "'ppid' needs the kernel's BTF (/sys/kernel/btf/vmlinux) to find the "
		   "parent process");
	return false;
}

static void curtask(struct cg *cg, int reg)
{
	helper_value(cg, BPF_FUNC_get_current_task, reg);
}

/* The kernel's own struct task_struct, from its BTF: what curtask->NAME
 * reads is the running kernel's layout, whatever its version. */
static struct type curtask_type(struct sema *s, struct loc loc)
{
	const char *why = NULL;
	const struct ctype *task = btf_kernel_type(&s->types, "struct task_struct", &why);
	struct type t;

	if (!task) {
		diag_error(loc, "curtask needs the kernel's struct task_struct: %s", why);
		diag_env_failure();
		return type_of(T_NONE);
	}
	t = type_ptr_to(task);
	t.kernel = true;
	return t;
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
/* A uid's user, from the password database as id(1) reads it; the
 * number when it has no entry. */
static void username_render(struct out *o, struct strbuf *sb, struct type t, const uint8_t *v,
			    char mode)
{
	struct passwd pw, *found = NULL;
	char buf[1024];
	uint64_t id;

	(void)o, (void)t, (void)mode;
	memcpy(&id, v, 8);
	if (!getpwuid_r((uid_t)id, &pw, buf, sizeof(buf), &found) && found)
		sb_puts(sb, found->pw_name);
	else
		sb_printf(sb, "%u", (unsigned)(uid_t)id);
}

static const struct text_kind username_text = {
	.name = "username", .word = true, .tuple = true, .conv = 's', .render = username_render,
};

/* The uid, which user space names when it prints it. */
const struct builtin_def builtin_username = {
	.name = "username", .id = B_USERNAME, .kind = T_TEXT, .text = &username_text, .emit = uid,
};
const struct builtin_def builtin_pcomm = {
	.name = "pcomm", .id = B_PCOMM, .kind = T_STR, .len = COMM_LEN, .emit_mem = pcomm,
	.check = pcomm_check,
};
const struct builtin_def builtin_numaid = {
	.name = "numaid", .id = B_NUMAID, .kind = T_INT, .emit = numaid,
};
const struct builtin_def builtin_usermode = {
	.name = "usermode", .id = B_USERMODE, .kind = T_INT, .emit = usermode,
	.check = usermode_check,
};
const struct builtin_def builtin_ppid = {
	.name = "ppid", .id = B_PPID, .kind = T_INT, .emit = ppid, .check = ppid_check,
};
const struct builtin_def builtin_curtask = {
	.name = "curtask", .id = B_CURTASK, .kind = T_PTR, .emit = curtask, .type = curtask_type,
};
