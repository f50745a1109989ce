// SPDX-License-Identifier: GPL-2.0-only
/* usdt:BIN:[PROVIDER:]NAME (alias u:): systemtap SDT probes. Every site
 * of a probe is attached, each with its own semaphore (through the
 * uprobe PMU's ref_ctr_offset, so the kernel switches semaphores on in
 * running and future processes and off again when plumb goes). Sites
 * that lay out their arguments differently get their own program, with
 * the argument reads specialised to each layout. */
#include <fnmatch.h>
#include <limits.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binary/binary.h"
#include "codegen/cg.h"
#include "options.h"
#include "probe/probe.h"
#include "usdt/usdt.h"

struct usdt_priv {
	struct usdt_notes notes;
	VEC(struct usdt_notes *) more;	/* usdt:*: the notes of the other objects */
	VEC(const struct usdt_note *) variant;	/* a note of each argument layout */
};

static bool split_spec(struct probe *p)
{
	char *parts[5] = {0};
	struct loc locs[5];
	int n = probe_split(p, parts, locs, 5);
	bool ok = true;

	if (n == 4) {
		p->target = parts[1], p->target_loc = locs[1];
		p->provider = parts[2], p->provider_loc = locs[2];
		p->name = parts[3], p->name_loc = locs[3];
		parts[1] = parts[2] = parts[3] = NULL;
	} else if (n == 3) {
		p->target = parts[1], p->target_loc = locs[1];
		p->name = parts[2], p->name_loc = locs[2];
		parts[1] = parts[2] = NULL;
	} else if (n == 2 && p->opts->pid) {
		p->target = xasprintf("/proc/%d/exe", (int)p->opts->pid);
		p->target_loc = locs[1];
		p->name = parts[1], p->name_loc = locs[1];
		parts[1] = NULL;
	} else {
		ok = false;
	}
	for (int i = 0; i < n && i < 5; i++)
		free(parts[i]);
	if (!ok || !*p->target || !*p->name || (p->provider && !*p->provider)) {
		diag_error(p->node->loc, "USDT probes are written usdt:BINARY:[PROVIDER:]NAME");
		return false;
	}
	if (!strcmp(p->target, "*") && !probe_wildcard_ok(p->opts)) {
		diag_error(p->target_loc, "a wildcard binary needs -p PID or -c CMD: the "
			   "objects that process maps, or the command's program and the "
			   "libraries it needs, are searched");
		return false;
	}
	return true;
}

static bool matches(const struct probe *p, const struct usdt_note *n)
{
	return (!p->provider || !fnmatch(p->provider, n->provider, 0)) &&
	       !fnmatch(p->name, n->name, 0);
}

/* Nothing matched: a function of that name (trace it with p:), or the
 * closest probe, named with its provider. */
static void not_found(struct probe *p, const struct bin *b, const struct usdt_notes *notes)
{
	const char **cands = xcalloc(notes->n + 1, sizeof(char *));
	char *want = p->provider ? xasprintf("%s:%s", p->provider, p->name) : xstrdup(p->name);
	const char *best;
	size_t nc = 0;

	/* compare like with like: "prov:name" when a provider was given */
	for (size_t i = 0; i < notes->n; i++)
		cands[nc++] = p->provider ? xasprintf("%s:%s", notes->v[i].provider,
						      notes->v[i].name) : xstrdup(notes->v[i].name);
	best = closest_name(want, cands, nc);
	if (!notes->n) {
		diag_error(p->target_loc, "%s has no USDT probes", b->path);
	} else if (!strpbrk(p->name, "*?[") && bin_sym_find(b, p->name, NULL)) {
		diag_error(p->name_loc, "'%s' is a function of %s, not a USDT probe; trace it "
			   "with p:%s:%s", p->name, b->path, p->target, p->name);
	} else if (best) {
		size_t i = 0;
		while (strcmp(cands[i], best))
			i++;
		diag_error(p->name_loc, "no USDT probe '%s' in %s; did you mean %s:%s?", want,
			   b->path, notes->v[i].provider, notes->v[i].name);
	} else {
		diag_error(p->name_loc, "no USDT probe '%s' in %s", want, b->path);
	}
	for (size_t i = 0; i < nc; i++)
		free((char *)cands[i]);
	free(cands);
	free(want);
}

static bool has_rip(const struct usdt_note *n)
{
	for (int i = 0; i < n->nargs; i++)
		if (n->args[i].kind == USDT_ARG_MEM && n->args[i].reg == USDT_REG_IP)
			return true;
	return false;
}

/* Sites whose arguments read the same way share a program. rip-relative
 * reads depend on the site's own address, so those never share. */
static int variant_of(struct usdt_priv *u, const struct usdt_note *n)
{
	for (size_t i = 0; i < u->variant.n; i++) {
		const struct usdt_note *v = u->variant.v[i];
		if (!strcmp(v->args_text, n->args_text) && !has_rip(n) && !has_rip(v))
			return (int)i;
	}
	vec_push(&u->variant, n);
	return (int)u->variant.n - 1;
}

static void add_site(struct probe *p, struct usdt_priv *u, const struct bin *b,
		     const struct usdt_note *n)
{
	for (size_t i = 0; i < p->sites.n; i++) {
		const struct usdt_note *o = p->sites.v[i].data;
		if (p->sites.v[i].off != n->pc_off || strcmp(p->sites.v[i].path, b->path))
			continue;
		/* two notes at one address: attaching twice would count twice */
		if (strcmp(o->args_text, n->args_text))
			diag_warning(p->name_loc, "%s:%s is listed twice at %#llx with different "
				     "arguments; using the first", n->provider, n->name,
				     (unsigned long long)n->pc);
		return;
	}
	struct probe_site *s = probe_add_site(p);
	s->path = xstrdup(b->path);
	s->vaddr = n->pc;
	s->off = n->pc_off;
	s->ref_ctr_off = n->sem_off;
	s->func = xasprintf("%s:%s", n->provider, n->name);
	s->data = n;
	s->variant = variant_of(u, n);
}

static void count_args(struct probe *p)
{
	p->nargs = -1;
	for (size_t i = 0; i < p->sites.n; i++) {
		const struct usdt_note *n = p->sites.v[i].data;
		if (p->nargs < 0 || n->nargs < p->nargs)
			p->nargs = n->nargs;
	}
}

static void add_matching(struct probe *p, struct usdt_priv *u, const struct bin *b,
			 const struct usdt_notes *notes)
{
	for (size_t i = 0; i < notes->n; i++)
		if (matches(p, &notes->v[i]))
			add_site(p, u, b, &notes->v[i]);
}

static bool find_sites(struct probe *p, struct usdt_priv *u, const struct bin *b)
{
	add_matching(p, u, b, &u->notes);
	if (!p->sites.n) {
		not_found(p, b, &u->notes);
		return false;
	}
	p->nvariants = (int)u->variant.n;
	count_args(p);
	return true;
}

/* One object mapped by the process: its notes kept when a probe matches. */
static void search_object(struct probe *p, struct usdt_priv *u, const char *name)
{
	char path[PATH_MAX], err[256];
	struct usdt_notes *ns;
	struct bin *b;
	size_t before = p->sites.n;

	if (!bin_resolve(name, p->opts->pid, path, sizeof(path), err, sizeof(err)) ||
	    !(b = bin_open(path, err, sizeof(err))))
		return;		/* gone since the maps were read: nothing to probe there */
	ns = xcalloc(1, sizeof(*ns));
	if (usdt_read_notes(b, ns, err, sizeof(err)))
		add_matching(p, u, b, ns);
	if (p->sites.n > before) {
		vec_push(&u->more, ns);
	} else {
		usdt_notes_free(ns);
		free(ns);
	}
	bin_close(b);
}

/* usdt:*:[PROVIDER:]NAME under -p: the probes of every object the process
 * maps executable, its program and its shared libraries; under -c, of the
 * command's program and the libraries it needs. */
static bool resolve_mapped(struct probe *p)
{
	struct usdt_priv *u = xcalloc(1, sizeof(*u));
	char **objs, where[96];
	size_t nobj = probe_wildcard_objects(p->opts, p->target_loc, &objs, where, sizeof(where));

	p->priv = u;
	for (size_t i = 0; i < nobj; i++) {
		search_object(p, u, objs[i]);
		free(objs[i]);
	}
	free(objs);
	p->spec = xasprintf("usdt:*:%s%s%s", p->provider ? p->provider : "",
			    p->provider ? ":" : "", p->name);
	if (!nobj && p->opts->cmd && p->opts->pid <= 0)
		return false;	/* said why already */
	if (!p->sites.n) {
		diag_error(p->name_loc, "no USDT probe '%s%s%s' in %s",
			   p->provider ? p->provider : "", p->provider ? ":" : "", p->name, where);
		return false;
	}
	p->nvariants = (int)u->variant.n;
	count_args(p);
	return true;
}

static bool usdt_resolve(struct probe *p)
{
	char path[PATH_MAX], err[256];
	struct usdt_priv *u;
	struct bin *b;
	bool ok;

	if (!split_spec(p))
		return false;
	if (!strcmp(p->target, "*"))
		return resolve_mapped(p);
	if (!bin_resolve(p->target, p->opts->pid, path, sizeof(path), err, sizeof(err))) {
		diag_error(p->target_loc, "%s", err);
		return false;
	}
	b = bin_open(path, err, sizeof(err));
	if (!b) {
		diag_error(p->target_loc, "cannot read %s: %s", path, err);
		return false;
	}
	u = xcalloc(1, sizeof(*u));
	p->priv = u;
	ok = usdt_read_notes(b, &u->notes, err, sizeof(err));
	if (!ok)
		diag_error(p->target_loc, "cannot read the USDT notes of %s: %s", path, err);
	else
		ok = find_sites(p, u, b);
	p->spec = xasprintf("usdt:%s:%s%s%s", b->path, p->provider ? p->provider : "",
			    p->provider ? ":" : "", p->name);
	bin_close(b);
	return ok;
}

/* The argument as the site wrote it, checked for every site. */
static bool usdt_arg_type(struct probe *p, int idx, struct loc loc, struct type *t)
{
	const struct usdt_note *first = p->sites.v[0].data;

	for (size_t i = 0; i < p->sites.n; i++) {
		const struct usdt_note *n = p->sites.v[i].data;
		if (n->arg_error) {
			diag_error(loc, "cannot read the arguments of %s:%s at %#llx: %s",
				   n->provider, n->name, (unsigned long long)n->pc, n->arg_error);
			return false;
		}
		if (idx >= n->nargs) {
			diag_error(loc, "%s:%s has %d argument%s (arg0..arg%d)", n->provider, n->name,
				   n->nargs, n->nargs == 1 ? "" : "s", n->nargs - 1);
			if (!n->nargs)
				diag_note(loc, "%s:%s takes no arguments", n->provider, n->name);
			return false;
		}
		const struct usdt_arg *a = &n->args[idx];
		if (a->sym && !a->sym_resolved) {
			diag_error(loc, "argument %d of %s:%s reads '%s', which %s cannot find "
				   "unambiguously in the binary's symbols", idx, n->provider, n->name,
				   a->sym, "plumb");
			return false;
		}
	}
	if (idx < p->nsig)
		*t = p->sig[idx].type;
	else
		*t = type_int(first->args[idx].size, first->args[idx].is_signed);
	return true;
}

static int log2_scale(int scale)
{
	return scale == 8 ? 3 : scale == 4 ? 2 : scale == 2 ? 1 : 0;
}

/* Address of a memory argument into R3. */
static void mem_address(struct cg *cg, const struct usdt_note *n, const struct usdt_arg *a)
{
	int64_t disp = a->imm;

	if (a->sym) {
		/* link-time distance from this site to the symbol, added to the
		 * runtime ip: right for PIE, non-PIE and shared libraries alike */
		int64_t rel = (int64_t)(a->sym_vaddr + (uint64_t)a->imm - n->pc);
		if (a->reg == USDT_REG_IP || a->reg == USDT_REG_NONE) {
			cg_emit(cg, LDX(BPF_DW, R3, R6, USDT_REG_IP));
			disp = rel;
		} else {
			/* sym(%reg): absolute symbol address plus a register */
			cg_emit(cg, LDX(BPF_DW, R3, R6, USDT_REG_IP));
			cg_emit(cg, LDX(BPF_DW, R1, R6, (int16_t)a->reg));
			cg_emit(cg, ALU64_REG(BPF_ADD, R3, R1));
			disp = rel;
		}
	} else if (a->reg != USDT_REG_NONE) {
		cg_emit(cg, LDX(BPF_DW, R3, R6, (int16_t)a->reg));
	} else {
		cg_emit(cg, MOV64_IMM(R3, 0));
	}
	if (a->index != USDT_REG_NONE) {
		cg_emit(cg, LDX(BPF_DW, R1, R6, (int16_t)a->index));
		if (a->scale > 1)
			cg_emit(cg, ALU64_IMM(BPF_LSH, R1, log2_scale(a->scale)));
		cg_emit(cg, ALU64_REG(BPF_ADD, R3, R1));
	}
	if (disp >= INT32_MIN && disp <= INT32_MAX) {
		if (disp)
			cg_emit(cg, ALU64_IMM(BPF_ADD, R3, (int32_t)disp));
	} else {
		cg_ld_imm64(cg, R1, (uint64_t)disp);
		cg_emit(cg, ALU64_REG(BPF_ADD, R3, R1));
	}
}

static void usdt_emit_arg(struct cg *cg, struct probe *p, int variant, int idx, int reg)
{
	struct usdt_priv *u = p->priv;
	const struct usdt_note *n = u->variant.v[variant];
	const struct usdt_arg *a = &n->args[idx];

	switch (a->kind) {
	case USDT_ARG_CONST:
		cg_mov_imm(cg, reg, a->imm);
		break;
	case USDT_ARG_REG:
		cg_emit(cg, LDX(BPF_DW, reg, R6, (int16_t)a->reg));
		if (a->shift)
			cg_emit(cg, ALU64_IMM(BPF_RSH, reg, a->shift));
		cg_extend(cg, reg, a->size, a->is_signed);
		break;
	case USDT_ARG_MEM:
		mem_address(cg, n, a);
		cg_read_mem(cg, reg, R3, a->size, a->is_signed);
		break;
	}
	if (idx < p->nsig && p->sig[idx].type.kind == T_INT)
		cg_extend(cg, reg, p->sig[idx].type.size, p->sig[idx].type.sign);
}

static bool usdt_arg_pure(struct probe *p, int variant, int idx)
{
	struct usdt_priv *u = p->priv;

	return u->variant.v[variant]->args[idx].kind != USDT_ARG_MEM;
}

static bool usdt_attach(struct probe *p, int variant, int prog_fd, int *nattached)
{
	return probe_attach_user_sites(p, variant, prog_fd, false, nattached);
}

static void usdt_free(struct probe *p)
{
	struct usdt_priv *u = p->priv;

	if (!u)
		return;
	usdt_notes_free(&u->notes);
	for (size_t i = 0; i < u->more.n; i++) {
		usdt_notes_free(u->more.v[i]);
		free(u->more.v[i]);
	}
	vec_free(&u->more);
	vec_free(&u->variant);
	free(u);
	p->priv = NULL;
}

const struct probe_kind probe_usdt = {
	.name = "usdt",
	.alias = "u",
	.prog_type = BPF_PROG_TYPE_KPROBE,
	.flags = PK_USER | PK_ARGS | PK_USTACK,
	.resolve = usdt_resolve,
	.arg_type = usdt_arg_type,
	.emit_arg = usdt_emit_arg,
	.arg_pure = usdt_arg_pure,
	.attach = usdt_attach,
	.free = usdt_free,
	.list = probe_list_usdt,
};
