// SPDX-License-Identifier: GPL-2.0-only
/* uprobe:BIN:SYM[+OFF], uprobe:BIN:0xADDR (alias p:). Entry of user
 * functions found in .symtab/.dynsym, with wildcards. Arguments follow
 * the x86-64 SysV calling convention. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>

#include "binary/binary.h"
#include "binary/insn.h"
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
/* The binary of the last uprobe resolved, kept for the next ones: a
 * program with hundreds of probes on one library opens it (and its debug
 * file) and demangles its names once, not once a probe. */
static struct {
	char *path;
	struct bin *b;
	struct bin_funcs fs;
	bool have_fs;
} kept;

void probe_resolve_done(void)
{
	if (kept.have_fs)
		bin_funcs_free(&kept.fs);
	bin_close(kept.b);
	free(kept.path);
	memset(&kept, 0, sizeof(kept));
}

static const struct bin_funcs *target_funcs(void)
{
	if (!kept.have_fs) {
		bin_funcs_load(kept.b, &kept.fs);
		kept.have_fs = true;
	}
	return &kept.fs;
}

static struct bin *open_target(struct probe *p)
{
	char path[PATH_MAX], err[256];
	struct bin *b;

	if (!bin_resolve(p->target, p->opts->pid, path, sizeof(path), err, sizeof(err))) {
		diag_error(p->target_loc, "%s", err);
		return NULL;
	}
	if (kept.b && !strcmp(kept.path, path))
		return kept.b;
	probe_resolve_done();
	b = bin_open(path, err, sizeof(err));
	if (!b) {
		diag_error(p->target_loc, "cannot read %s: %s", path, err);
		return NULL;
	}
	kept.path = xstrdup(path);
	kept.b = b;
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

/* The probe's sites by file offset: a wildcard over a large binary adds
 * thousands, and a scan of those before each made PostgreSQL's 9551
 * take a quarter of a second. */
struct site_index {
	struct hindex x;
	const struct probe *p;
	uint64_t off;		/* the one looked for */
};

static bool same_off(const void *ctx, size_t id)
{
	const struct site_index *si = ctx;

	return si->p->sites.v[id].off == si->off;
}

static void site_index_init(struct site_index *si, const struct probe *p)
{
	*si = (struct site_index){ .p = p };
	for (size_t i = 0; i < p->sites.n; i++)
		hindex_add(&si->x, hash_u64(p->sites.v[i].off), i);
}

static bool has_site_at(struct probe *p, uint64_t off, struct site_index *si)
{
	if (!si) {	/* one site added: a scan will do */
		for (size_t i = 0; i < p->sites.n; i++)
			if (p->sites.v[i].off == off)
				return true;
		return false;
	}
	si->off = off;
	if (hindex_find(&si->x, hash_u64(off), same_off, si) >= 0)
		return true;
	hindex_add(&si->x, hash_u64(off), p->sites.n);	/* the site about to be added */
	return false;
}

/* si: the probe's sites by offset when many are added, else NULL. */
static bool add_site(struct probe *p, struct bin *b, const struct usdt_notes *notes,
		     const char *func, uint64_t vaddr, struct site_index *si)
{
	uint64_t off;

	if (!bin_vaddr_to_off(b, vaddr, true, &off)) {
		diag_error(p->name_loc, "address %#llx is not in a loaded segment of %s",
			   (unsigned long long)vaddr, b->path);
		return false;
	}
	if (has_site_at(p, off, si))
		return true;	/* two names for one address: attach once */
	struct probe_site *s = probe_add_site(p);
	s->path = xstrdup(b->path);
	s->vaddr = vaddr;
	s->off = off;
	s->ref_ctr_off = usdt_semaphore_at(notes, off);
	s->func = xstrdup(func);
	return true;
}

static void not_found(struct probe *p, struct bin *b, const struct bin_funcs *fs)
{
	const char *best = bin_funcs_closest(fs, p->name);

	if (best)
		diag_error(p->name_loc, "no function '%s' in %s; did you mean '%s'?", p->name,
			   b->path, best);
	else if (!b->has_symtab && !b->debug_path)
		diag_error(p->name_loc, "no function '%s' in %s, which is stripped and has no "
			   "debug file (install its debug symbols, or set DEBUGINFOD_URLS)", p->name,
			   b->path);
	else
		diag_error(p->name_loc, "no function '%s' in %s", p->name, b->path);
}

/* ---- probes only where an instruction starts ----
 * The kernel writes an int3 over the first byte at a uprobe's offset, in
 * the page cache of the file, so in every process that maps it: a byte in
 * the middle of an instruction or in data changes what the program
 * computes. Each address is checked against the decoded code of the
 * function it lies in. */

/* "mix+0x4", or "0x1144 (mix+0x4)" when the user wrote an address. */
/* FUNC+OFF as a probe spec takes it: a C++ function by its demangled
 * name, quoted. */
static void name_at(char *buf, size_t len, const struct bin_sym *f, uint64_t vaddr, bool addr_form)
{
	uint64_t o = vaddr - f->vaddr;
	char *cxx = bin_demangle(f->name, true);
	char rel[160], fn[140];

	snprintf(fn, sizeof(fn), cxx ? "\"%s\"" : "%s", cxx ? cxx : f->name);
	free(cxx);
	if (o)
		snprintf(rel, sizeof(rel), "%s+%#llx", fn, (unsigned long long)o);
	else
		snprintf(rel, sizeof(rel), "%s+0", fn);
	if (addr_form)
		snprintf(buf, len, "%#llx (%s)", (unsigned long long)vaddr, rel);
	else
		snprintf(buf, len, "%s", rel);
}

struct site_check {
	struct probe *p;
	struct bin *b;
	uint64_t vaddr;
	struct loc loc;		/* under the offset or the address */
	const char *label;	/* what the user wrote for it: "mix+1", "0x1139" */
	const struct bin_sym *named;	/* the function the user named (SYM+OFF), or NULL */
	bool addr_form;
	bool many;		/* one of a wildcard's sites: -v sums them up */
	int stepped;		/* sites the kernel single-steps (for -v) */
	int nskipped;		/* a wildcard's functions set aside */
	struct strbuf skipped;	/* ... the first few of their names */
};

static void refuse_data(struct site_check *c)
{
	const char *place = bin_place(c->b, c->vaddr);
	uint64_t off;

	if (!bin_vaddr_to_off(c->b, c->vaddr, false, &off))
		diag_error(c->loc, "%s is not in a loaded segment of %s", c->label, c->b->path);
	else
		diag_error(c->loc, "%s is in %s of %s, not in code: a probe there would write a "
			   "breakpoint into it", c->label, place ? place : "a non-executable segment",
			   c->b->path);
}

/* "nearest instruction starts: mix+0, mix+0x4" (the ones the kernel can probe) */
static void nearest(const struct site_check *c, const struct bin_insns *d, const struct bin_sym *f,
		    char *buf, size_t len)
{
	const struct bin_insn *before, *after;
	char a[200], z[200];

	bin_insn_probeable_around(d, c->vaddr, &before, &after);
	if (before)
		name_at(a, sizeof(a), f, before->vaddr, c->addr_form);
	if (after)
		name_at(z, sizeof(z), f, after->vaddr, c->addr_form);
	if (before && after)
		snprintf(buf, len, "%s, %s", a, z);
	else if (before || after)
		snprintf(buf, len, "%s (none %s)", before ? a : z, before ? "after" : "before");
	else
		snprintf(buf, len, "none in %s", f->name);
}

static void note_stepped(struct site_check *c, const struct bin_insns *d, const struct bin_sym *f,
			 const struct bin_insn *i)
{
	const struct bin_insn *e = bin_insn_cheaper(d, i);
	char at[200], cheap[200];

	c->stepped++;
	if (!c->p->opts->verbose || c->many)
		return;
	if (c->addr_form)
		name_at(at, sizeof(at), f, i->vaddr, true);
	else
		snprintf(at, sizeof(at), "%s", c->label);
	if (!e) {
		diag_note(c->loc, "%s is '%s', which the kernel single-steps (a second trap on every "
			  "hit); it emulates no instruction of %s", at, i->text, f->name);
		return;
	}
	name_at(cheap, sizeof(cheap), f, e->vaddr, c->addr_form);
	diag_note(c->loc, "%s is '%s', which the kernel single-steps (a second trap on every "
		  "hit); the nearest instruction it emulates is '%s' at %s", at, i->text, e->text,
		  cheap);
}

enum site_verdict { SITE_OK, SITE_SKIP, SITE_BAD };

/* An instruction the kernel refuses, or would run as another. A function
 * of a wildcard whose first instruction is one is set aside (one such
 * function must not sink the rest); anywhere else it is an error. */
static enum site_verdict refuse_insn(struct site_check *c, const struct bin_insns *d,
				     const struct bin_sym *f, const struct bin_insn *i)
{
	char near[420];

	if (c->many && c->vaddr == f->vaddr) {
		if (c->nskipped++ < 5)
			sb_printf(&c->skipped, "%s%s", c->nskipped > 1 ? ", " : "", f->name);
		return SITE_SKIP;
	}
	nearest(c, d, f, near, sizeof(near));
	diag_error(c->loc, "%s is '%s': %s; nearest instructions it can probe: %s", c->label,
		   i->text, i->why, near);
	return SITE_BAD;
}

static enum site_verdict check_in_function(struct site_check *c, const struct bin_sym *f)
{
	const struct bin_insn *i;
	struct bin_insns d;
	char err[256], where[200], near[420];
	enum site_verdict v = SITE_BAD;

	if (!bin_insns_decode(c->b, f, &d, err, sizeof(err))) {
		diag_error(c->loc, "cannot decode %s in %s: %s", f->name, c->b->path, err);
		return SITE_BAD;
	}
	i = bin_insn_containing(&d, c->vaddr);
	if (!i && c->p->opts->unsafe) {
		if (c->p->opts->verbose)
			diag_note(c->loc, "%s is where the code of %s stops decoding as instructions: "
				  "attached unchecked (--unsafe)", c->label, f->name);
		v = SITE_OK;
	} else if (!i) {
		name_at(where, sizeof(where), f, d.decoded_end, c->addr_form);
		diag_error(c->loc, "%s is past %s, where the code of %s stops decoding as "
			   "instructions; --unsafe attaches there unchecked", c->label, where, f->name);
	} else if (i->vaddr != c->vaddr) {
		name_at(where, sizeof(where), f, i->vaddr, c->addr_form);
		nearest(c, &d, f, near, sizeof(near));
		diag_error(c->loc, "%s is inside the %u-byte instruction '%s' at %s; nearest "
			   "instruction starts: %s", c->label, i->len, i->text, where, near);
	} else if (i->probe == BIN_INSN_REFUSED || i->probe == BIN_INSN_MISRUN) {
		v = refuse_insn(c, &d, f, i);
	} else {
		if (i->probe == BIN_INSN_STEPPED)
			note_stepped(c, &d, f, i);
		v = SITE_OK;
	}
	bin_insns_free(&d);
	return v;
}

/* Outside every known function (--unsafe): plumb cannot know where
 * instructions start, but what the kernel would decode there it can
 * still judge. */
static enum site_verdict check_unsafe(struct site_check *c)
{
	struct bin_insn i;

	if (bin_insn_decode_one(c->b, c->vaddr, &i) && i.probe >= BIN_INSN_REFUSED) {
		diag_error(c->loc, "%s would be probed as '%s': %s", c->label, i.text, i.why);
		return SITE_BAD;
	}
	if (c->p->opts->verbose)
		diag_note(c->loc, "%s is outside any known function of %s: attached unchecked "
			  "(--unsafe)", c->label, c->b->path);
	return SITE_OK;
}

/* A function's first byte starts an instruction; only what the kernel
 * does with that instruction needs a look, and only it is decoded. */
static bool entry_fine(const struct site_check *c)
{
	struct bin_insn i;

	return bin_insn_decode_one(c->b, c->vaddr, &i) && i.probe <= BIN_INSN_STEPPED;
}

/* The whole function is decoded only off its first byte, when its first
 * instruction is bad, or for -v's note on what the kernel does there. */
static enum site_verdict check_site(struct site_check *c)
{
	const struct bin_sym *f;

	if (c->named && c->named->size && c->vaddr - c->named->vaddr >= c->named->size) {
		diag_error(c->loc, "offset %#llx is past the end of %s (%llu bytes)",
			   (unsigned long long)c->p->offset, c->named->name,
			   (unsigned long long)c->named->size);
		return SITE_BAD;
	}
	if (!bin_vaddr_exec(c->b, c->vaddr)) {
		refuse_data(c);
		return SITE_BAD;
	}
	f = bin_func_at(c->b, c->vaddr);
	/* an alias at the same address: speak of it by the name the user wrote */
	if (f && c->named && c->named->vaddr == f->vaddr && c->named->size == f->size &&
	    c->named->type == BIN_SYM_FUNC)
		f = c->named;
	if (!f && c->p->opts->unsafe)
		return check_unsafe(c);
	if (!f) {
		const char *place = bin_place(c->b, c->vaddr);
		diag_error(c->loc, "%s is not inside any function of %s%s%s%s; --unsafe attaches "
			   "there unchecked", c->label, c->b->path, place ? " (it is in " : "",
			   place ? place : "", place ? ")" : "");
		return SITE_BAD;
	}
	if (f->vaddr == c->vaddr && !c->p->opts->verbose && entry_fine(c))
		return SITE_OK;
	return check_in_function(c, f);
}

/* The location of the text after '+' in SYM+OFF (the name was cut at '+'). */
static struct loc offset_loc(const struct probe *p)
{
	struct loc l = p->name_loc;
	int at = l.start + (int)strlen(p->name) + 1;

	if (p->offset && at < l.end)
		l.start = at;
	return l;
}

/* "mix+1" as the user wrote the offset, "mix" without one. */
static void site_label(const struct probe *p, const char *func, struct loc off, char *buf,
		       size_t len)
{
	const struct src *src = diag_src();

	if (!p->offset)
		snprintf(buf, len, "%s", func);
	else if (src && off.start >= 0 && off.end <= (int)src->len && off.end > off.start) {
		/* the offset as written, without the '+' (and a quoted name's
		 * closing quote) that its location may take in */
		const char *t = src->text + off.start;
		int n = off.end - off.start;

		while (n > 1 && (*t == '"' || *t == '+')) {
			t++;
			n--;
		}
		snprintf(buf, len, "%s+%.*s", func, n, t);
	}
	else
		snprintf(buf, len, "%s+%#llx", func, (unsigned long long)p->offset);
}

/* A wildcard's functions whose first instruction the kernel refuses or
 * would mis-run: said once; an error when nothing else is left. */
static bool report_skipped(struct site_check *c)
{
	const char *more = c->nskipped > 5 ? " and others" : "";

	if (!c->p->sites.n) {
		diag_error(c->loc, "no function matching '%s' can be probed: the kernel refuses, or "
			   "would mis-run, the first instruction of each (%s%s)", c->p->name,
			   c->skipped.s, more);
		return false;
	}
	diag_warning(c->loc, "%d function%s not traced (the kernel refuses, or would mis-run, "
		     "%s first instruction): %s%s", c->nskipped, c->nskipped == 1 ? "" : "s",
		     c->nskipped == 1 ? "its" : "their", c->skipped.s, more);
	return true;
}

static void note_stepped_sum(const struct site_check *c)
{
	if (c->p->opts->verbose && c->many && c->stepped)
		diag_note(c->loc, "%d of %zu sites %s on an instruction the kernel single-steps (a "
			  "second trap on every hit)", c->stepped, c->p->sites.n,
			  c->stepped == 1 ? "is" : "are");
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
	char *name = sym ? bin_demangle(sym->name, true) : NULL;
	char *func = sym ? xasprintf("%s+%#llx", name ? name : sym->name,
				     (unsigned long long)(addr - sym->vaddr))
			 : xasprintf("%#llx", (unsigned long long)addr);
	struct site_check c = { .p = p, .b = b, .vaddr = addr, .loc = p->name_loc,
				.label = p->name, .addr_form = true };
	bool ok = check_site(&c) == SITE_OK && add_site(p, b, notes, func, addr, NULL);
	free(func);
	free(name);
	return ok;
}

/* SYM+OFF: split the offset off the name. A '+' in a C++ operator's name
 * ("operator+", "operator+=(int)", "operator++") is not an offset. */
static bool split_offset(struct probe *p)
{
	char *plus = strrchr(p->name, '+'), *end;

	if (!plus || plus[1] == '\0' || strpbrk(plus + 1, "()= +"))
		return true;
	errno = 0;
	p->offset = strtoull(plus + 1, &end, 0);
	if (errno || *end) {
		diag_error(p->name_loc, "malformed offset in '%s'", p->name);
		return false;
	}
	*plus = '\0';
	return true;
}

/* SYM+OFF on one symbol. A data object is refused like an address in
 * data. */
static bool check_symbol_site(struct probe *p, struct bin *b, const struct usdt_notes *notes,
			      const struct bin_sym *sym)
{
	struct site_check c = { .p = p, .b = b, .vaddr = sym->vaddr + p->offset,
				.loc = offset_loc(p), .named = sym };
	char label[300], *name = bin_demangle(sym->name, true);
	const char *func = name ? name : sym->name;
	bool ok;

	site_label(p, func, c.loc, label, sizeof(label));
	c.label = label;
	if (!p->offset)
		c.loc = p->name_loc;
	if (sym->type != BIN_SYM_FUNC && bin_vaddr_exec(b, sym->vaddr) && !p->opts->unsafe) {
		diag_error(p->name_loc, "'%s' is not a function of %s; --unsafe attaches there "
			   "unchecked", sym->name, b->path);
		free(name);
		return false;
	}
	ok = check_site(&c) == SITE_OK && add_site(p, b, notes, func, c.vaddr, NULL);
	free(name);
	return ok;
}

/* The functions a name stands for, C++ names included: a name that is
 * some function's exact name is that function though it holds '*'
 * ("f(char const*)"); otherwise a name with wildcards is a pattern. */
static size_t match_funcs(struct probe *p, struct bin *b, const struct bin_funcs *fs,
			  const struct bin_func ***fns)
{
	size_t n = bin_funcs_match(fs, p->name, false, fns);

	if (!n && has_wildcard(p->name)) {
		free(*fns);
		n = bin_funcs_match(fs, p->name, true, fns);
		if (!n)
			diag_error(p->name_loc, "no function matches '%s' in %s", p->name, b->path);
	} else if (!n) {
		not_found(p, b, fs);
	}
	return n;
}

static bool by_name(struct probe *p, struct bin *b, const struct usdt_notes *notes)
{
	const struct bin_funcs *fs = target_funcs();
	const struct bin_func **fns;
	struct site_check c = { .p = p, .b = b, .loc = offset_loc(p) };
	struct site_index si;
	char label[600];
	bool ok = true;
	size_t n;

	n = match_funcs(p, b, fs, &fns);
	site_index_init(&si, p);
	c.many = n > 1;
	if (n == 1 && !p->offset)
		c.loc = p->name_loc;
	for (size_t i = 0; i < n && ok; i++) {
		site_label(p, fns[i]->name, c.loc, label, sizeof(label));
		c.vaddr = fns[i]->sym->vaddr + p->offset;
		c.named = fns[i]->sym;
		c.label = label;
		switch (check_site(&c)) {
		case SITE_OK: ok = add_site(p, b, notes, fns[i]->name, c.vaddr, &si); break;
		case SITE_SKIP: break;
		case SITE_BAD: ok = false; break;
		}
	}
	if (ok && c.nskipped)
		ok = report_skipped(&c);
	sb_free(&c.skipped);
	note_stepped_sum(&c);
	hindex_free(&si.x);
	free(fns);
	return n && ok;
}

/* "nearest lines with code: 41, 44" */
static void lines_around(const struct bin_line_sites *ls, char *buf, size_t len)
{
	if (ls->before && ls->after)
		snprintf(buf, len, "nearest lines with code: %d, %d", ls->before, ls->after);
	else if (ls->before || ls->after)
		snprintf(buf, len, "nearest line with code: %d", ls->before ? ls->before : ls->after);
	else
		snprintf(buf, len, "no line of it has code");
}

/* FILE:LINE through the line table: the line's first statement in each
 * function instance, each checked like any uprobe address. */
static bool by_line(struct probe *p, struct bin *b, const struct usdt_notes *notes)
{
	struct bin_line_sites ls;
	char err[300], label[300], around[100];
	bool ok = true;

	if (!bin_line_addrs(b, p->name, p->line, &ls, err, sizeof(err))) {
		diag_error(p->target_loc, "%s", err);
		return false;
	}
	if (!ls.file_found) {
		diag_error(p->name_loc, "no source file '%s' in the line table of %s", p->name,
			   b->path);
		ok = false;
	} else if (!ls.vaddr.n) {
		lines_around(&ls, around, sizeof(around));
		diag_error(p->line_loc, "line %d of %s has no code in %s; %s", p->line, p->name,
			   b->path, around);
		ok = false;
	}
	snprintf(label, sizeof(label), "%s:%d", p->name, p->line);
	for (size_t i = 0; i < ls.vaddr.n && ok; i++) {
		struct site_check c = { .p = p, .b = b, .vaddr = ls.vaddr.v[i], .loc = p->line_loc,
					.label = label };
		const struct bin_sym *f = bin_func_at(b, c.vaddr);
		char *name = f ? bin_demangle(f->name, true) : NULL;

		ok = check_site(&c) == SITE_OK &&
		     add_site(p, b, notes, name ? name : f ? f->name : label, c.vaddr, NULL);
		free(name);
	}
	bin_line_sites_free(&ls);
	return ok;
}

static bool find_sites(struct probe *p, struct bin *b, const struct usdt_notes *notes)
{
	const struct bin_sym *sym;

	if (p->line)
		return by_line(p, b, notes);
	if (isdigit((unsigned char)p->name[0]))
		return by_address(p, b, notes);
	if (!split_offset(p))
		return false;
	/* a symbol of exactly that name, of any type (an assembler label) */
	if (!has_wildcard(p->name) && (sym = bin_sym_find(b, p->name, NULL))) {
		if (p->offset && sym->size && p->offset >= sym->size) {
			diag_error(p->name_loc, "offset %#llx is past the end of %s (%llu bytes)",
				   (unsigned long long)p->offset, p->name,
				   (unsigned long long)sym->size);
			return false;
		}
		return check_symbol_site(p, b, notes, sym);
	}
	return by_name(p, b, notes);
}

/* The parts from first to last as one name: a C++ name's "::" split it. */
static char *join_parts(char **parts, int first, int last)
{
	struct strbuf sb = {0};

	for (int i = first; i <= last; i++) {
		if (i > first)
			sb_putc(&sb, ':');
		sb_puts(&sb, parts[i]);
	}
	return sb.s ? sb.s : xstrdup("");
}

/* BINARY:FILE:LINE: a line number after a name (no C++ name ends so). */
static bool is_file_line(char **parts, int n)
{
	if (n != 4 || !*parts[2] || !*parts[3])
		return false;
	for (const char *c = parts[3]; *c; c++)
		if (!isdigit((unsigned char)*c))
			return false;
	return true;
}

/* KIND:BINARY:FUNCTION, where FUNCTION runs to the end of the spec (C++
 * names hold "::"); with -p, KIND:FUNCTION probes the process's binary,
 * and so does KIND:NS::FUNCTION (an empty part after the first). */
static bool split_spec(struct probe *p)
{
	int nparts = probe_split(p, NULL, NULL, 0), n = nparts, first = 2;
	char **parts = xcalloc((size_t)n, sizeof(char *));
	struct loc *locs = xcalloc((size_t)n, sizeof(struct loc));
	bool ok = n >= 3;

	probe_split(p, parts, locs, n);
	if (is_file_line(parts, n)) {
		p->target = xstrdup(parts[1]);
		p->target_loc = locs[1];
		long line = strtol(parts[3], NULL, 10);
		p->line = line >= 1 && line <= INT_MAX ? (int)line : -1;
		p->line_loc = locs[3];
		n = 3;
	} else if (p->opts->pid && (n == 2 || (n > 3 && !*parts[2]))) {
		p->target = xasprintf("/proc/%d/exe", (int)p->opts->pid);
		p->target_loc = locs[1];
		first = 1;
		ok = true;
	} else if (ok) {
		p->target = xstrdup(parts[1]);
		p->target_loc = locs[1];
	}
	if (ok) {
		p->name = join_parts(parts, first, n - 1);
		p->name_loc = (struct loc){ locs[first].start, locs[n - 1].end };
	}
	for (int i = 0; i < nparts; i++)
		free(parts[i]);
	free(parts);
	free(locs);
	if (!ok || !*p->target || !*p->name) {
		diag_error(p->node->loc, "%s probes are written %s:BINARY:FUNCTION", p->kind->name,
			   p->kind->name);
		ok = false;
	} else if (p->line < 0) {
		diag_error(p->line_loc, "line numbers run from 1 to %d", INT_MAX);
		ok = false;
	} else if (p->line && p->kind->flags & PK_RETVAL) {
		diag_error(p->line_loc, "a line has no return: %s:BINARY:FILE:LINE is for uprobe",
			   p->kind->name);
		ok = false;
	} else if (p->line && !strcmp(p->target, "*")) {
		diag_error(p->target_loc, "a source line is in one binary: name it instead of '*'");
		ok = false;
	} else if (!strcmp(p->target, "*") && !probe_wildcard_ok(p->opts)) {
		diag_error(p->target_loc, "a wildcard binary needs -p PID or -c CMD: the "
			   "objects that process maps, or the command's program and the "
			   "libraries it needs, are searched");
		ok = false;
	}
	return ok;
}

/* The function (or symbol) is in this binary: a wildcard binary's
 * objects without it are passed over, not errors. */
static bool has_function(struct probe *p, struct bin *b)
{
	const struct bin_funcs *fs = target_funcs();
	const struct bin_func **fns;
	size_t n;

	if (!has_wildcard(p->name) && bin_sym_find(b, p->name, NULL))
		return true;
	n = bin_funcs_match(fs, p->name, false, &fns);
	if (!n && has_wildcard(p->name)) {
		free(fns);
		n = bin_funcs_match(fs, p->name, true, &fns);
	}
	free(fns);
	return n > 0;
}

/* KIND:*:FUNCTION under -p: every object the process maps executable (its
 * program and shared libraries) holding the function, as bpftrace has it;
 * under -c, the command's program and the libraries it needs. */
static bool resolve_mapped(struct probe *p)
{
	char **objs, *star = p->target, where[96];
	size_t nobj = probe_wildcard_objects(p->opts, p->target_loc, &objs, where, sizeof(where));
	bool ok = nobj > 0 || p->opts->pid > 0;	/* -c: said why already */

	if (isdigit((unsigned char)p->name[0])) {
		diag_error(p->name_loc, "an address is in one binary: name it instead of '*'");
		ok = false;
	}
	for (size_t i = 0; i < nobj && ok; i++) {
		struct usdt_notes notes = {0};
		char err[256];
		struct bin *b;

		p->target = objs[i];
		if (!split_offset(p))
			ok = false;
		else if ((b = open_target(p)) && has_function(p, b)) {
			if (!usdt_read_notes(b, &notes, err, sizeof(err)))
				notes.n = 0;
			ok = find_sites(p, b, &notes);
			usdt_notes_free(&notes);
		}
	}
	p->target = star;
	for (size_t i = 0; i < nobj; i++)
		free(objs[i]);
	free(objs);
	if (ok && !p->sites.n) {
		diag_error(p->name_loc, "no function %s '%s' in %s",
			   has_wildcard(p->name) ? "matches" : "named", p->name, where);
		ok = false;
	}
	if (p->offset)
		p->spec = xasprintf("%s:*:%s+%#llx", p->kind->name, p->name,
				    (unsigned long long)p->offset);
	else
		p->spec = xasprintf("%s:*:%s", p->kind->name, p->name);
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
	if (!strcmp(p->target, "*"))
		return resolve_mapped(p);
	b = open_target(p);
	if (!b)
		return false;
	if (!usdt_read_notes(b, &notes, err, sizeof(err)))
		notes.n = 0;
	ok = find_sites(p, b, &notes);
	if (ok)
		uprobe_debug_sig(p, b);
	if (p->offset)
		snprintf(off, sizeof(off), "+%#llx", (unsigned long long)p->offset);
	else if (p->line)
		snprintf(off, sizeof(off), ":%d", p->line);
	p->spec = xasprintf("%s:%s:%s%s", p->kind->name, b->path, p->name, off);
	usdt_notes_free(&notes);
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
 * return address. Raw 64 bits: the caller extends them by their type. */
void uprobe_load_arg(struct cg *cg, int idx, int reg)
{
	if (idx < 6) {
		cg_emit(cg, LDX(BPF_DW, reg, R6, (int16_t)arg_regs[idx]));
	} else {
		cg_emit(cg, LDX(BPF_DW, R3, R6, PT_REGS_SP));
		cg_emit(cg, ALU64_IMM(BPF_ADD, R3, 8 * (idx - 5)));
		cg_read_mem(cg, reg, R3, 8, false);
	}
}

static void uprobe_emit_arg(struct cg *cg, struct probe *p, int variant, int idx, int reg)
{
	struct type t = idx < p->nsig ? p->sig[idx].type : type_int(8, true);

	(void)variant;
	uprobe_load_arg(cg, idx, reg);
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
	.flags = PK_USER | PK_ARGS | PK_USTACK | PK_FIELDS,
	.resolve = uprobe_resolve,
	.arg_type = uprobe_arg_type,
	.emit_arg = uprobe_emit_arg,
	.arg_pure = uprobe_arg_pure,
	.field_type = uprobe_field_type,
	.emit_field = uprobe_emit_field,
	.attach = uprobe_attach,
	.list = probe_list_functions,
};
