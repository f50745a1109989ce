// SPDX-License-Identifier: GPL-2.0-only
/* The table of functions. A new one is a descriptor in the file for what
 * it does and one row here. */
#include <string.h>

#include "codegen/cg.h"
#include "func/func.h"
#include "sema/scope.h"
#include "util/util.h"

extern const struct func_def func_str, func_startswith, func_contains, func_usym, func_ustack,
	func_reg, func_printf, func_warnf, func_errorf, func_time, func_strftime, func_exit,
	func_signal, func_system, func_cat, func_buf, func_join, func_print, func_clear, func_delete,
	func_zero, func_has_key, func_strncmp, func_strcontains, func_strlen, func_bswap,
	func_nsecs, func_kaddr, func_uaddr, func_cgroupid, func_strerror, func_ksym, func_ntop, func_pton,
	func_cgroup_path;

static const struct func_def *const funcs[] = {
	&func_str, &func_usym, &func_reg, &func_ustack, &func_startswith, &func_contains,
	&func_printf, &func_warnf, &func_errorf, &func_time, &func_strftime, &func_signal,
	&func_system, &func_cat, &func_buf, &func_join, &func_print, &func_clear, &func_delete,
	&func_exit, &func_zero, &func_has_key, &func_strncmp, &func_strcontains, &func_strlen,
	&func_bswap, &func_nsecs, &func_kaddr, &func_uaddr, &func_cgroupid, &func_strerror, &func_ksym,
	&func_ntop, &func_pton, &func_cgroup_path,
};

const struct func_def *func_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(funcs); i++)
		if (!strcmp(funcs[i]->name, name))
			return funcs[i];
	return NULL;
}

const struct func_def *func_at(size_t i)
{
	return i < ARRAY_SIZE(funcs) ? funcs[i] : NULL;
}

/* Its row plus one: 0 stays "no function". */
int func_id(const struct func_def *f)
{
	for (size_t i = 0; i < ARRAY_SIZE(funcs); i++)
		if (funcs[i] == f)
			return (int)i + 1;
	return 0;
}

const struct func_def *func_of(const struct node *call)
{
	if (call->kind != AST_CALL || call->id < 1 || (size_t)call->id > ARRAY_SIZE(funcs))
		return NULL;
	return funcs[call->id - 1];
}

void func_int_text_sema(struct scope *sc, struct node *n, const struct func_def *f,
			const struct text_kind *k, bool addr, const char *what)
{
	struct type t;

	sema_expr(sc, n->list);
	t = n->list->type;
	if (type_bad(t))
		return;
	if (addr ? !type_is_int(t) : t.kind != T_INT) {
		sc_error(sc, n->list->loc, "%s() %s, not a %s", f->name, what,
			 type_name(t, (char[32]){0}, 32));
		return;
	}
	n->type = type_text(k, 8);
}

void func_emit_int_arg(struct cg *cg, struct node *n, int base, int off, int len)
{
	int r = cg_reg_alloc(cg);
	int v = r < 0 ? R0 : r;

	(void)len;
	cg_expr(cg, n->list, v);
	cg_emit(cg, STX(BPF_DW, base, v, (int16_t)off));
	cg_reg_free(cg, r);
}

/* The size argument (R2): size, or the run-time size in the stack slot. */
static void read_size(struct cg *cg, int size, int slot)
{
	if (slot)
		cg_emit(cg, LDX(BPF_DW, R2, R10, (int16_t)slot));
	else
		cg_emit(cg, MOV64_IMM(R2, size));
}

void func_emit_read(struct cg *cg, struct node *addr, int base, int off, int size)
{
	func_emit_read_n(cg, addr, base, off, size, 0);
}

/* size bytes (or the slot's) at the address addr computes, to base +
 * off: user memory, and for kernel probes kernel memory when that fails
 * (as str() reads); a failure counted at addr's location. */
void func_emit_read_n(struct cg *cg, struct node *addr, int base, int off, int size, int slot)
{
	bool user = cg->probe->kind->flags & PK_USER;
	int saved = user ? 0 : cg_stack_alloc(cg, 8);

	cg_expr_scratch(cg, addr, R3);
	if (!user)
		cg_emit(cg, STX(BPF_DW, R10, R3, (int16_t)saved));
	cg_emit(cg, MOV64_REG(R1, base));
	cg_emit(cg, ALU64_IMM(BPF_ADD, R1, off));
	read_size(cg, size, slot);
	cg_call(cg, BPF_FUNC_probe_read_user);
	if (user) {
		cg_count_failed_read(cg, BPF_JEQ, 0);
		return;
	}
	int done = cg_label(cg);
	cg_jmp_imm(cg, BPF_JEQ, R0, 0, done);
	cg_emit(cg, LDX(BPF_DW, R3, R10, (int16_t)saved));
	cg_emit(cg, MOV64_REG(R1, base));
	cg_emit(cg, ALU64_IMM(BPF_ADD, R1, off));
	read_size(cg, size, slot);
	cg_call(cg, BPF_FUNC_probe_read_kernel);
	cg_count_failed_read(cg, BPF_JEQ, 0);
	cg_place(cg, done);
}

struct node *func_arg(struct node *call, int i)
{
	struct node *a = call->list;

	while (a && i-- > 0)
		a = a->next;
	return a;
}

bool func_const_int(struct scope *sc, struct node *n, const char *what, int64_t *v)
{
	if (!n->folded || n->kind != AST_INT) {
		sc_error(sc, n->loc, "%s must be a constant integer", what);
		return false;
	}
	*v = (int64_t)n->num;
	return true;
}
