// SPDX-License-Identifier: GPL-2.0-only
/* uprobe:BIN:SYM[+OFF], uprobe:BIN:0xADDR (alias p:). Entry of user
 * functions found in .symtab/.dynsym, with wildcards. Arguments follow
 * the x86-64 SysV calling convention. */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>

#include "binary/binary.h"
#include "codegen/cg.h"
#include "options.h"
#include "probe/uprobe.h"
#include "usdt/usdt.h"

/* pt_regs offsets of rdi, rsi, rdx, rcx, r8, r9 */
static const int arg_regs[] = { 112, 104, 96, 88, 72, 64 };
#define PT_REGS_SP 152

static bool has_wildcard(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* The binary part of the spec, resolved and opened. */
static struct bin *open_target(struct probe *p)
{
	char path[PATH_MAX], err[256];
	struct bin *b;

	if (!bin_resolve(p->target, p->opts->pid, path, sizeof(path), err, sizeof(err))) {
		diag_error(p->target_loc, "%s", err);
		return NULL;
	}
	b = bin_open(path, err, sizeof(err));
	if (!b)
		diag_error(p->target_loc, "cannot read %s: %s", path, err);
	return b;
}

/* A USDT site at this offset keeps its semaphore: the kernel refuses two
 * uprobes on one offset with different reference counters. */
static uint64_t usdt_semaphore_at(const struct usdt_notes *notes, uint64_t off)
{
	for (size_t i = 0; notes && i < notes->n; i++)
		if (notes->v[i].pc_off == off)
			return notes->v[i].sem_off;
	return 0;
}

static bool add_site(struct probe *p, struct bin *b, const struct usdt_notes *notes,
		     const char *func, uint64_t vaddr)
{
	uint64_t off;

	if (!bin_vaddr_to_off(b, vaddr, true, &off)) {
		diag_error(p->name_loc, "address %#llx is not in a loaded segment of %s",
			   (unsigned long long)vaddr, b->path);
		return false;
	}
	for (size_t i = 0; i < p->sites.n; i++)
		if (p->sites.v[i].off == off)
			return true;	/* two names for one address: attach once */
	struct probe_site *s = probe_add_site(p);
	s->path = xstrdup(b->path);
	s->vaddr = vaddr;
	s->off = off;
	s->ref_ctr_off = usdt_semaphore_at(notes, off);
	s->func = xstrdup(func);
	return true;
}

static void not_found(struct probe *p, struct bin *b)
{
	const char **names = xcalloc(b->nsyms + 1, sizeof(char *));
	size_t n = 0;

	for (size_t i = 0; i < b->nsyms; i++)
		if (b->syms[i].type == BIN_SYM_FUNC)
			names[n++] = b->syms[i].name;
	const char *best = closest_name(p->name, names, n);
	if (best)
		diag_error(p->name_loc, "no function '%s' in %s; did you mean '%s'?", p->name,
			   b->path, best);
	else
		diag_error(p->name_loc, "no function '%s' in %s", p->name, b->path);
	free(names);
}

static bool by_pattern(struct probe *p, struct bin *b, const struct usdt_notes *notes)
{
	const struct bin_sym **syms;
	size_t n = bin_sym_match(b, p->name, true, &syms);
	bool ok = true;

	if (!n)
		diag_error(p->name_loc, "no function matches '%s' in %s", p->name, b->path);
	for (size_t i = 0; i < n && ok; i++)
		ok = add_site(p, b, notes, syms[i]->name, syms[i]->vaddr + p->offset);
	free(syms);
	return n && ok;
}

static bool by_address(struct probe *p, struct bin *b, const struct usdt_notes *notes)
{
	char *end;
	uint64_t addr;

	errno = 0;
	addr = strtoull(p->name, &end, 0);
	if (errno || *end) {
		diag_error(p->name_loc, "malformed address '%s'", p->name);
		return false;
	}
	const struct bin_sym *sym = bin_sym_at(b, addr);
	char *func = sym ? xasprintf("%s+%#llx", sym->name, (unsigned long long)(addr - sym->vaddr))
			 : xasprintf("%#llx", (unsigned long long)addr);
	bool ok = add_site(p, b, notes, func, addr);
	free(func);
	return ok;
}

/* SYM+OFF: split the offset off the name. */
static bool split_offset(struct probe *p)
{
	char *plus = strchr(p->name, '+'), *end;

	if (!plus)
		return true;
	errno = 0;
	p->offset = strtoull(plus + 1, &end, 0);
	if (errno || *end || plus[1] == '\0') {
		diag_error(p->name_loc, "malformed offset in '%s'", p->name);
		return false;
	}
	*plus = '\0';
	return true;
}

static bool find_sites(struct probe *p, struct bin *b, const struct usdt_notes *notes)
{
	const struct bin_sym *sym;

	if (isdigit((unsigned char)p->name[0]))
		return by_address(p, b, notes);
	if (!split_offset(p))
		return false;
	if (has_wildcard(p->name))
		return by_pattern(p, b, notes);
	sym = bin_sym_find(b, p->name, NULL);
	if (!sym) {
		not_found(p, b);
		return false;
	}
	if (p->offset && sym->size && p->offset >= sym->size) {
		diag_error(p->name_loc, "offset %#llx is past the end of %s (%llu bytes)",
			   (unsigned long long)p->offset, p->name, (unsigned long long)sym->size);
		return false;
	}
	return add_site(p, b, notes, sym->name, sym->vaddr + p->offset);
}

static bool split_spec(struct probe *p)
{
	char *parts[4] = {0};
	struct loc locs[4];
	int n = probe_split(p, parts, locs, 4);
	bool ok = n == 3;

	if (n == 2 && p->opts->pid) {
		p->target = xasprintf("/proc/%d/exe", (int)p->opts->pid);
		p->target_loc = locs[1];
		p->name = parts[1];
		p->name_loc = locs[1];
		parts[1] = NULL;
		ok = true;
	} else if (ok) {
		p->target = parts[1];
		p->target_loc = locs[1];
		p->name = parts[2];
		p->name_loc = locs[2];
		parts[1] = parts[2] = NULL;
	} else {
		diag_error(p->node->loc, "%s probes are written %s:BINARY:FUNCTION", p->kind->name,
			   p->kind->name);
	}
	for (int i = 0; i < 4 && i < n; i++)
		free(parts[i]);
	if (ok && (!*p->target || !*p->name)) {
		diag_error(p->node->loc, "%s probes are written %s:BINARY:FUNCTION", p->kind->name,
			   p->kind->name);
		ok = false;
	}
	return ok;
}

bool uprobe_resolve_sites(struct probe *p)
{
	struct usdt_notes notes = {0};
	char err[256], off[32] = "";
	struct bin *b;
	bool ok;

	if (!split_spec(p))
		return false;
	b = open_target(p);
	if (!b)
		return false;
	if (!usdt_read_notes(b, &notes, err, sizeof(err)))
		notes.n = 0;
	ok = find_sites(p, b, &notes);
	if (p->offset)
		snprintf(off, sizeof(off), "+%#llx", (unsigned long long)p->offset);
	p->spec = xasprintf("%s:%s:%s%s", p->kind->name, b->path, p->name, off);
	usdt_notes_free(&notes);
	bin_close(b);
	return ok;
}

static bool uprobe_resolve(struct probe *p)
{
	if (!uprobe_resolve_sites(p))
		return false;
	p->nargs = p->nsig > 6 ? p->nsig : 6;
	return true;
}

static bool uprobe_arg_type(struct probe *p, int idx, struct loc loc, struct type *t)
{
	(void)loc;
	*t = idx < p->nsig ? p->sig[idx].type : type_int(8, true);
	return true;
}

/* arg0..arg5 from registers; further arguments from the stack, above the
 * return address. */
static void uprobe_emit_arg(struct cg *cg, struct probe *p, int variant, int idx, int reg)
{
	struct type t = idx < p->nsig ? p->sig[idx].type : type_int(8, true);

	(void)variant;
	if (idx < 6) {
		cg_emit(cg, LDX(BPF_DW, reg, R6, (int16_t)arg_regs[idx]));
	} else {
		cg_emit(cg, LDX(BPF_DW, R3, R6, PT_REGS_SP));
		cg_emit(cg, ALU64_IMM(BPF_ADD, R3, 8 * (idx - 5)));
		cg_read_mem(cg, reg, R3, 8, false);
	}
	if (t.kind == T_INT)
		cg_extend(cg, reg, t.size, t.sign);
}

static bool uprobe_arg_pure(struct probe *p, int variant, int idx)
{
	(void)p;
	(void)variant;
	return idx < 6;
}

static bool uprobe_attach(struct probe *p, int variant, int prog_fd, int *nattached)
{
	return probe_attach_user_sites(p, variant, prog_fd, false, nattached);
}

const struct probe_kind probe_uprobe = {
	.name = "uprobe",
	.alias = "p",
	.prog_type = BPF_PROG_TYPE_KPROBE,
	.flags = PK_USER | PK_ARGS | PK_USTACK,
	.resolve = uprobe_resolve,
	.arg_type = uprobe_arg_type,
	.emit_arg = uprobe_emit_arg,
	.arg_pure = uprobe_arg_pure,
	.attach = uprobe_attach,
};
