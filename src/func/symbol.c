// SPDX-License-Identifier: GPL-2.0-only
/* Symbols and stacks: usym(addr) and ustack(N), values that user space
 * names later through the process's (or the probe's binary's) symbols;
 * kaddr("sym") and uaddr("sym"), addresses found when the program is
 * made. */
#include <string.h>

#include "binary/binary.h"
#include "builtin/builtin.h"
#include "codegen/cg.h"
#include "func/func.h"
#include "sema/scope.h"

static const struct text_kind ksym_text;

extern const struct func_def func_ksym;

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
	func_emit_int_arg(cg, n, base, off, len);
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

/* The one argument, a constant string without NUL bytes. */
static const char *sym_name(struct scope *sc, struct node *n)
{
	struct node *a = n->list;

	sema_expr(sc, a);
	if (a->kind != AST_STR || strlen(a->name) != a->len || !a->len) {
		sc_error(sc, a->loc, "%s() takes a symbol name: %s(\"name\")", n->name, n->name);
		return NULL;
	}
	return a->name;
}

/* kaddr("sym"): from /proc/kallsyms, when the program is made. */
static void kaddr_sema(struct scope *sc, struct node *n)
{
	const char *name = sym_name(sc, n);
	uint64_t addr;
	int r;

	if (!name)
		return;
	if ((r = bin_kaddr(name, &addr)) == -2) {
		sc_error(sc, n->list->loc, "/proc/kallsyms hides the address of '%s' "
			 "(kernel.kptr_restrict; plumb runs as root?)", name);
		return;
	}
	if (r < 0) {
		sc_error(sc, n->list->loc, "no kernel symbol '%s' in /proc/kallsyms", name);
		return;
	}
	n->num = addr;
	n->type = type_int(8, false);
}

static void const_emit(struct cg *cg, struct node *n, int reg)
{
	cg_ld_imm64(cg, reg, n->num);
}

/* A probe that knows where it fired: an entry uprobe or a USDT probe on
 * one site, whose ip is that site's address once loaded. */
static bool at_one_site(const struct probe *p)
{
	return (p->kind->flags & PK_USER) && !(p->kind->flags & PK_RETVAL) && p->sites.n == 1;
}

/* uaddr("sym"): the symbol of the probed binary. In a binary loaded where
 * it was linked, its link-time address; in a position-independent one,
 * the probe's ip moved by the distance from the probe's site to the
 * symbol (n->op set): so the probe must know its one site. */
static void uaddr_sema(struct scope *sc, struct node *n)
{
	const char *name = sym_name(sc, n), *path = NULL;
	char err[256];
	bool pie = false;

	if (!name)
		return;
	for (int k = 0; k < sc_nprobes(sc); k++) {
		struct probe *p = sc_probe(sc, k);
		if (!p || !(p->kind->flags & PK_USER) || !p->sites.n) {
			sc_error(sc, n->loc, "uaddr() needs a uprobe, uretprobe or usdt probe%s%s",
				 p ? ", not " : "", p ? p->kind->name : "");
			return;
		}
		for (size_t i = 0; i < p->sites.n; i++) {
			if (path && strcmp(path, p->sites.v[i].path)) {
				sc_error(sc, n->loc, "uaddr() in a clause on two binaries (%s and "
					 "%s): which one's '%s'?", path, p->sites.v[i].path, name);
				return;
			}
			path = p->sites.v[i].path;
		}
	}
	if (!path)
		return;
	struct bin *b = bin_open(path, err, sizeof(err));
	if (!b) {
		sc_error(sc, n->list->loc, "uaddr(): %s: %s", path, err);
		return;
	}
	const struct bin_sym *sym = bin_sym_find(b, name, NULL);
	if (sym) {
		n->num = sym->vaddr;
		pie = b->pie;
	}
	bin_close(b);
	if (!sym) {
		sc_error(sc, n->list->loc, "no symbol '%s' in %s", name, path);
		return;
	}
	for (int k = 0; pie && k < sc_nprobes(sc); k++) {
		if (!at_one_site(sc_probe(sc, k))) {
			sc_error(sc, n->loc, "uaddr() in %s, which is position-independent, needs an "
				 "entry uprobe or a usdt probe on one site (its ip gives where %s is "
				 "loaded)", path, path);
			return;
		}
	}
	n->op = pie;
	n->type = type_int(8, false);
}

static void uaddr_emit(struct cg *cg, struct node *n, int reg)
{
	if (!n->op) {
		cg_ld_imm64(cg, reg, n->num);
		return;
	}
	int64_t delta = (int64_t)(n->num - cg->probe->sites.v[0].vaddr);

	if (delta < INT32_MIN || delta > INT32_MAX) {
		cg_error(cg, n->loc, "uaddr(): the symbol is over 2 GiB away from the probe");
		return;
	}
	cg_emit(cg, LDX(BPF_DW, reg, R6, PT_REGS_IP));
	cg_emit(cg, ALU64_IMM(BPF_ADD, reg, (int32_t)delta));
}

/* ksym(addr): the kernel function that holds addr, named in user space
 * from /proc/kallsyms, without the offset (as bpftrace prints it). */
static void ksym_sema(struct scope *sc, struct node *n)
{
	func_int_text_sema(sc, n, &func_ksym, &ksym_text, true, "needs an address");
}

static void ksym_render(struct out *o, struct strbuf *sb, struct type t, const uint8_t *v,
			 char mode)
{
	char buf[320];
	uint64_t addr;

	(void)o, (void)t, (void)mode;

	memcpy(&addr, v, 8);
	bin_ksym(addr, buf, sizeof(buf));
	if (strncmp(buf, "0x", 2))
		buf[strcspn(buf, "+")] = 0;
	sb_puts(sb, buf);
}

const struct func_def func_usym = {
	.name = "usym", .min = 1, .max = 1, .sema = usym_sema, .emit_mem = usym_emit,
};
const struct func_def func_ustack = {
	.name = "ustack", .min = 1, .max = 1, .sema = ustack_sema, .emit_mem = ustack_emit,
};
const struct func_def func_kaddr = {
	.name = "kaddr", .min = 1, .max = 1, .pure = true, .sema = kaddr_sema,
	.emit = const_emit,
};
const struct func_def func_uaddr = {
	.name = "uaddr", .min = 1, .max = 1, .pure = true, .sema = uaddr_sema,
	.emit = uaddr_emit,
};
static const struct text_kind ksym_text = {
	.name = "ksym", .conv = 's', .render = ksym_render,
};

const struct func_def func_ksym = {
	.name = "ksym", .min = 1, .max = 1, .sema = ksym_sema, .emit_mem = func_emit_int_arg,
};
