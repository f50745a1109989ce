// SPDX-License-Identifier: GPL-2.0-only
/* tracepoint:CATEGORY:NAME (alias t:): kernel tracepoints, with `*` and
 * `?` in both parts. Events and their record layouts come from tracefs
 * (events/CAT/NAME/{id,format}); args.FIELD reads the record the
 * program's context points at. Attaching goes through a perf event of
 * type PERF_TYPE_TRACEPOINT, like the other kinds. */
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "binary/btf.h"
#include "codegen/cg.h"
#include "options.h"
#include "probe/probe.h"
#include "tracefs/tracefs.h"

/* Before a tracepoint's BPF programs run, the kernel stores a pt_regs
 * pointer over the first 8 bytes of the record (common_type, _flags,
 * _preempt_count, _pid), and the verifier refuses loads there. */
#define TP_CTX_MIN 8

struct tp_priv {
	const char *root;		/* tracefs */
	struct tracefs_format *fmt;	/* one per site, read on first use */
};

/* How a field is read, and what the language sees. */
enum tp_how { TP_INT, TP_ARRAY_STR, TP_DYN_STR, TP_TID };

struct tp_access {
	enum tp_how how;
	struct type t;
	int offset;
	int bytes;		/* TP_INT: bytes loaded; TP_ARRAY_STR: the array's */
};

/* ---- resolving specs ---- */

static bool has_wildcard(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static bool split_spec(struct probe *p)
{
	char *parts[4] = {0};
	struct loc locs[4];
	int n = probe_split(p, parts, locs, 4);
	bool ok = n == 3 && *parts[1] && *parts[2];

	if (ok) {
		p->target = parts[1], p->target_loc = locs[1];
		p->name = parts[2], p->name_loc = locs[2];
		parts[1] = parts[2] = NULL;
	} else {
		diag_error(p->node->loc, "tracepoints are written tracepoint:CATEGORY:NAME");
	}
	for (int i = 0; i < n && i < 4; i++)
		free(parts[i]);
	return ok;
}

static bool category_exists(const struct probe *p, const tracefs_names *all)
{
	for (size_t i = 0; i < all->n; i++) {
		const char *colon = strchr(all->v[i], ':');
		char cat[256];
		if ((size_t)(colon - all->v[i]) >= sizeof(cat))
			continue;
		snprintf(cat, sizeof(cat), "%.*s", (int)(colon - all->v[i]), all->v[i]);
		if (has_wildcard(p->target) ? !fnmatch(p->target, cat, 0) : !strcmp(cat, p->target))
			return true;
	}
	return false;
}

static void not_found(struct probe *p, const tracefs_names *all)
{
	char *want = xasprintf("%s:%s", p->target, p->name);
	bool cat = category_exists(p, all);
	struct loc loc = cat ? p->name_loc : p->target_loc;
	const char *best = NULL;

	if (!has_wildcard(want))
		best = closest_name(want, (const char *const *)all->v, all->n);
	if (best)
		diag_error(loc, "no tracepoint '%s'; did you mean %s?", want, best);
	else if (has_wildcard(want))
		diag_error(loc, "no tracepoint matches '%s'", want);
	else if (cat)
		diag_error(loc, "no tracepoint '%s'", want);
	else
		diag_error(loc, "no tracepoint category '%s'", p->target);
	free(want);
}

static void add_site(struct probe *p, const char *event, int id)
{
	struct probe_site *s = probe_add_site(p);

	s->func = xstrdup(event);
	s->tp_id = id;
}

static bool matches(const struct probe *p, const char *event)
{
	const char *colon = strchr(event, ':');
	char cat[256];

	if ((size_t)(colon - event) >= sizeof(cat))
		return false;
	snprintf(cat, sizeof(cat), "%.*s", (int)(colon - event), event);
	return !fnmatch(p->target, cat, 0) && !fnmatch(p->name, colon + 1, 0);
}

/* Each matching event with a readable id is a site. */
static void find_sites(struct probe *p, const char *root, const tracefs_names *all, int *err)
{
	for (size_t i = 0; i < all->n; i++) {
		if (!matches(p, all->v[i]))
			continue;
		char *colon = strchr(all->v[i], ':');
		*colon = '\0';
		int id = tracefs_event_id(root, all->v[i], colon + 1);
		if (id < 0 && errno != ENOENT)
			*err = errno;
		*colon = ':';
		if (id >= 0)
			add_site(p, all->v[i], id);
	}
}

/* The common case, one named event: no need to list them all. */
static bool exact_site(struct probe *p, const char *root, int *err)
{
	int id;

	if (!tracefs_sane_part(p->target) || !tracefs_sane_part(p->name))
		return false;
	id = tracefs_event_id(root, p->target, p->name);
	if (id < 0) {
		if (errno != ENOENT)
			*err = errno;
		return false;
	}
	char *event = xasprintf("%s:%s", p->target, p->name);
	add_site(p, event, id);
	free(event);
	return true;
}

static bool resolve_sites(struct probe *p, const char *root)
{
	bool wild = has_wildcard(p->target) || has_wildcard(p->name);
	tracefs_names all = {0};
	int err = 0;

	if (!wild && exact_site(p, root, &err))
		return true;
	if (!err) {
		tracefs_events(root, &all);
		if (wild)
			find_sites(p, root, &all, &err);
	}
	if (!p->sites.n && err)
		diag_error(p->node->loc, "cannot read the tracepoints of %s: %s", root,
			   strerror(err));
	else if (!p->sites.n)
		not_found(p, &all);
	tracefs_names_free(&all);
	return p->sites.n > 0;
}

static bool tp_resolve(struct probe *p)
{
	struct tp_priv *t;
	const char *root;
	char why[PATH_MAX + 64];

	if (!split_spec(p))
		return false;
	p->spec = xasprintf("tracepoint:%s:%s", p->target, p->name);
	root = tracefs_root(p->opts->verbose, why, sizeof(why));
	if (!root) {
		/* no permission or no tracefs: the machine's doing (exit 1),
		 * said at the first tracepoint only, not at each */
		static bool said;
		if (!said)
			diag_error(p->node->loc, "%s", why);
		said = true;
		diag_env_failure();
		return false;
	}
	if (!resolve_sites(p, root))
		return false;
	t = xcalloc(1, sizeof(*t));
	t->root = root;
	t->fmt = xcalloc(p->sites.n, sizeof(*t->fmt));
	p->priv = t;
	return true;
}

/* ---- field types ---- */

static struct tracefs_format *format_of(struct probe *p, size_t site)
{
	struct tp_priv *t = p->priv;

	if (!t->fmt[site].read)
		tracefs_format_read(t->root, p->sites.v[site].func, &t->fmt[site]);
	return &t->fmt[site];
}

/* char, const char, signed char: text. unsigned char and u8 arrays are
 * usually bytes (addresses, hashes), not strings. */
static bool is_char(const char *type)
{
	struct type t;

	return strstr(type, "char") && !strstr(type, "unsigned") && !strchr(type, '*') &&
	       type_parse(type, &t) && t.kind == T_INT && t.size == 1;
}

static bool int_access(const struct tracefs_field *f, struct tp_access *a)
{
	struct type decl;

	a->how = TP_INT;
	/* Syscall records keep every argument in an unsigned 8-byte slot:
	 * "int dfd" is the low half of its slot (AT_FDCWD should read as
	 * -100), "off_t offset" is signed. The declared type, when plumb
	 * knows it, says how to read the field. */
	if (type_parse(f->type, &decl) && decl.kind == T_INT && decl.size <= f->size) {
		a->t = decl;
		a->bytes = decl.size;
		return true;
	}
	if (f->size != 1 && f->size != 2 && f->size != 4 && f->size != 8)
		return false;
	a->t = type_int(f->size, f->sign);
	a->bytes = f->size;
	return true;
}

/* A pointer to a kernel struct is typed from the kernel's BTF, so that
 * args.mm->NAME reads a member. A syscall's pointers (struct sockaddr *,
 * struct stat *) are the calling program's: user memory, the same layout.
 * Without BTF, it stays an untyped pointer. */
static void btf_pointee(struct probe *p, const char *event, const struct tracefs_field *f,
			struct type *t)
{
	if (p->types)
		btf_kernel_pointer(p->types, f->type, strncmp(event, "syscalls:", 9) != 0, t);
}

static void ptr_access(struct probe *p, const char *event, const struct tracefs_field *f,
		       struct tp_access *a)
{
	struct type decl;

	a->how = TP_INT;
	a->bytes = 8;
	if (type_parse(f->type, &decl) && decl.kind == T_PTR)
		a->t = decl;
	else
		a->t = (struct type){ .kind = T_PTR, .size = 8 };
	btf_pointee(p, event, f, &a->t);
}

/* The common_* fields are gone by the time the program runs; the one
 * that matters, common_pid, is the current thread. */
static bool common_access(const struct tracefs_field *f, struct loc loc, struct tp_access *a)
{
	if (!strcmp(f->name, "common_pid")) {
		a->how = TP_TID;
		a->t = type_int(4, true);
		return true;
	}
	diag_error(loc, "args.%s cannot be read: the kernel overwrites a tracepoint record's "
		   "common_* fields before BPF programs run (common_pid is tid)", f->name);
	return false;
}

/* How a field reads; false after reporting why it cannot be read. */
static bool access_of(struct probe *p, const char *event, const struct tracefs_field *f,
		      struct loc loc, struct tp_access *a)
{
	memset(a, 0, sizeof(*a));
	a->offset = f->offset;
	if (f->offset < TP_CTX_MIN)
		return common_access(f, loc, a);
	if (f->dyn != TRACEFS_FIXED) {
		a->how = TP_DYN_STR;
		a->t = type_str(p->opts->strsize);
		if (is_char(f->type) && f->size == 4)
			return true;
		diag_error(loc, "args.%s of %s is a dynamic array of %s; plumb reads only "
			   "__data_loc char[] (strings)", f->name, event, f->type);
		return false;
	}
	if (f->array) {
		a->how = TP_ARRAY_STR;
		a->bytes = f->size;
		a->t = type_str((unsigned int)f->size);
		if (is_char(f->type) && f->size > 0)
			return true;
		if (!f->size)
			diag_error(loc, "args.%s of %s is an empty array", f->name, event);
		else
			diag_error(loc, "args.%s of %s is an array of %s; plumb reads only char "
				   "arrays (as strings)", f->name, event, f->type);
		return false;
	}
	if (strchr(f->type, '*') && f->size == 8) {
		ptr_access(p, event, f, a);
		return true;
	}
	if (int_access(f, a))
		return true;
	diag_error(loc, "args.%s is a %d-byte field; plumb reads integers of 1, 2, 4 or 8 bytes",
		   f->name, f->size);
	return false;
}

static bool same_access(const struct tp_access *a, const struct tp_access *b)
{
	return a->how == b->how && a->offset == b->offset && a->bytes == b->bytes &&
	       type_eq(a->t, b->t);
}

static bool readable(struct probe *p, size_t site, struct loc loc)
{
	struct tracefs_format *fmt = format_of(p, site);

	if (fmt->err)
		diag_error(loc, "cannot read the format of tracepoint %s: %s", p->sites.v[site].func,
			   strerror(fmt->err));
	return !fmt->err;
}

static void unknown_field(struct probe *p, const char *field, struct loc loc)
{
	const struct tracefs_format *fmt = format_of(p, 0);
	const char *event = p->sites.v[0].func;
	const char **names = xcalloc(fmt->fields.n + 1, sizeof(char *));
	struct strbuf list = {0};
	size_t n = 0;

	for (size_t i = 0; i < fmt->fields.n; i++) {
		const char *name = fmt->fields.v[i].name;
		if (!strcmp(name, "common_pid"))
			names[n++] = name;
		if (strncmp(name, "common_", 7)) {
			names[n++] = name;
			sb_printf(&list, "%s%s", list.len ? ", " : "", name);
		}
	}
	const char *best = closest_name(field, names, n);
	if (best)
		diag_error(loc, "%s has no field '%s'; did you mean args.%s?", event, field, best);
	else if (list.len)
		diag_error(loc, "%s has no field '%s'; its fields are %s", event, field, list.s);
	else
		diag_error(loc, "%s has no field '%s'; it has no fields of its own", event, field);
	sb_free(&list);
	free(names);
}

/* A field read by one program must read alike in every event it runs at. */
static bool agrees(struct probe *p, size_t site, const char *field, struct loc loc,
		   const struct tp_access *first)
{
	const char *event = p->sites.v[site].func, *ev0 = p->sites.v[0].func;
	const struct tracefs_field *f;
	struct tp_access a;

	if (!readable(p, site, loc))
		return false;
	f = tracefs_field_find(format_of(p, site), field);
	if (!f) {
		diag_error(loc, "%s, one of the %zu tracepoints of %s, has no field '%s'", event,
			   p->sites.n, p->spec, field);
		return false;
	}
	if (!access_of(p, event, f, loc, &a))
		return false;
	if (same_access(first, &a))
		return true;
	const struct tracefs_field *f0 = tracefs_field_find(format_of(p, 0), field);
	if (a.offset != first->offset)
		diag_error(loc, "args.%s is at offset %d in %s but at offset %d in %s; list "
			   "them as separate probes", field, first->offset, ev0, a.offset, event);
	else
		diag_error(loc, "args.%s is '%s' (%d bytes) in %s but '%s' (%d bytes) in %s; list "
			   "them as separate probes", field, f0->decl, f0->size, ev0, f->decl, f->size,
			   event);
	return false;
}

static bool site_access(struct probe *p, const char *field, struct loc loc, struct tp_access *a)
{
	const struct tracefs_field *f;

	if (!readable(p, 0, loc))
		return false;
	f = tracefs_field_find(format_of(p, 0), field);
	if (!f) {
		unknown_field(p, field, loc);
		return false;
	}
	return access_of(p, p->sites.v[0].func, f, loc, a);
}

static bool tp_field_type(struct probe *p, const char *field, struct loc loc, struct type *t)
{
	struct tp_access a;

	if (!site_access(p, field, loc, &a))
		return false;
	for (size_t i = 1; i < p->sites.n; i++)
		if (!agrees(p, i, field, loc, &a))
			return false;
	*t = a.t;
	return true;
}

/* ---- code ---- */

static int bpf_size(int bytes)
{
	return bytes == 1 ? BPF_B : bytes == 2 ? BPF_H : bytes == 4 ? BPF_W : BPF_DW;
}

static void ctx_addr(struct cg *cg, int reg, int off)
{
	cg_emit(cg, MOV64_REG(reg, R6));
	if (off)
		cg_emit(cg, ALU64_IMM(BPF_ADD, reg, off));
}

/* bytes at ctx + off into reg, zero-extended. The verifier refuses
 * unaligned context loads; those (packed records) go through
 * bpf_probe_read_kernel. */
static void ctx_load(struct cg *cg, int reg, int off, int bytes)
{
	if (off >= TP_CTX_MIN && off % bytes == 0) {
		cg_emit(cg, LDX(bpf_size(bytes), reg, R6, (int16_t)off));
		return;
	}
	int mark = cg->sp, slot = cg_stack_alloc(cg, 8);

	cg_emit(cg, MOV64_REG(R1, R10));
	cg_emit(cg, ALU64_IMM(BPF_ADD, R1, slot));
	cg_emit(cg, MOV64_IMM(R2, bytes));
	ctx_addr(cg, R3, off);
	cg_call(cg, BPF_FUNC_probe_read_kernel);
	cg_emit(cg, LDX(bpf_size(bytes), reg, R10, (int16_t)slot));
	cg->sp = mark;
}

/* The field as sema saw it: the first site's (every site agrees). */
static bool emit_access(struct cg *cg, struct probe *p, const char *field, struct tp_access *a)
{
	const struct tracefs_field *f = tracefs_field_find(format_of(p, 0), field);

	if (f && access_of(p, p->sites.v[0].func, f, cg->cur, a))
		return true;
	cg_error(cg, cg->cur, "args.%s cannot be read here", field);
	return false;
}

static void tp_emit_field(struct cg *cg, struct probe *p, const char *field, int reg)
{
	struct tp_access a;

	if (!emit_access(cg, p, field, &a))
		return;
	if (a.how == TP_TID) {
		cg_call(cg, BPF_FUNC_get_current_pid_tgid);
		cg_emit(cg, MOV32_REG(reg, R0));
		return;
	}
	if (a.how != TP_INT) {
		cg_error(cg, cg->cur, "args.%s is a string, not a number", field);
		return;
	}
	ctx_load(cg, reg, a.offset, a.bytes);
	if (a.t.kind == T_INT)
		cg_extend(cg, reg, a.t.size, a.t.sign);
}

static void zero_str(struct cg *cg, int base, int off, int len)
{
	for (int i = 0; i < (int)ALIGN8(len); i += 8)
		cg_emit(cg, ST(BPF_DW, base, (int16_t)(off + i), 0));
}

/* char x[N]: up to N bytes, to the first NUL. Copying through the helper
 * rather than by loads keeps the bytes after the NUL zero even when the
 * kernel left garbage there. Reading N + 1 bytes lets a full array keep
 * all N (the last byte read is replaced by the NUL). */
static void array_str(struct cg *cg, const struct tp_access *a, int len)
{
	int size = a->bytes + 1 < len ? a->bytes + 1 : len;

	cg_emit(cg, MOV64_IMM(R2, size));
	ctx_addr(cg, R3, a->offset);
}

/* __data_loc: a u32 of (length << 16 | offset of the text in the
 * record). __rel_loc counts the offset from the end of the field. */
static void dyn_str(struct cg *cg, const struct tracefs_field *f, int len)
{
	int capped = cg_label(cg);

	ctx_load(cg, R3, f->offset, 4);
	cg_emit(cg, MOV64_REG(R2, R3));
	cg_emit(cg, ALU64_IMM(BPF_RSH, R2, 16));
	cg_emit(cg, ALU64_IMM(BPF_AND, R3, 0xffff));
	if (f->dyn == TRACEFS_REL_LOC)
		cg_emit(cg, ALU64_IMM(BPF_ADD, R3, f->offset + f->size));
	cg_emit(cg, ALU64_REG(BPF_ADD, R3, R6));
	cg_jmp_imm(cg, BPF_JLE, R2, len, capped);
	cg_emit(cg, MOV64_IMM(R2, len));
	cg_place(cg, capped);
}

static void tp_emit_field_str(struct cg *cg, struct probe *p, const char *field, int base,
			      int off, int len)
{
	struct tp_access a;

	if (!emit_access(cg, p, field, &a))
		return;
	if (a.how == TP_INT || a.how == TP_TID) {
		cg_error(cg, cg->cur, "args.%s is a number, not a string", field);
		return;
	}
	zero_str(cg, base, off, len);
	if (a.how == TP_ARRAY_STR)
		array_str(cg, &a, len);
	else
		dyn_str(cg, tracefs_field_find(format_of(p, 0), field), len);
	cg_emit(cg, MOV64_REG(R1, base));
	if (off)
		cg_emit(cg, ALU64_IMM(BPF_ADD, R1, off));
	cg_call(cg, BPF_FUNC_probe_read_kernel_str);
}

/* ---- attaching ---- */

static long perf_event_open(struct perf_event_attr *a, pid_t pid, int cpu)
{
	return syscall(__NR_perf_event_open, a, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

/* A tracepoint's BPF programs hang off the event itself and run on every
 * CPU, whatever CPU their perf event is bound to; a second perf event
 * would attach the same program twice (the kernel refuses, EEXIST). One
 * perf event, on a CPU that is online, is what attaching takes. */
static int first_online_cpu(void)
{
	char *text = tracefs_slurp("/sys/devices/system/cpu/online", 256);
	int cpu = text ? atoi(text) : 0;

	free(text);
	return cpu;
}

static const char *attach_hint(int err)
{
	switch (err) {
	case EACCES:
	case EPERM: return " (plumb needs root, or CAP_BPF and CAP_PERFMON)";
	case ENOENT: return " (the event is gone)";
	case E2BIG: return " (too many BPF programs on this tracepoint)";
	}
	return "";
}

static bool attach_site(struct probe *p, struct probe_site *s, int prog_fd, int cpu)
{
	struct perf_event_attr a;
	char what[300];
	long fd;

	snprintf(what, sizeof(what), "tracepoint:%s", s->func);
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = PERF_TYPE_TRACEPOINT;
	a.config = (uint64_t)s->tp_id;
	a.sample_period = 1;
	/* pid -1: every process; -p is the program's own pid check */
	fd = perf_event_open(&a, -1, cpu);
	if (fd < 0) {
		int err = errno;
		errmsg("cannot attach to %s: %s%s", what, strerror(err), attach_hint(err));
		return false;
	}
	if (p->opts->verbose)
		fprintf(stderr, "plumb: attached %s (event id %d)\n", what, s->tp_id);
	return probe_attach_perf_fd(s, (int)fd, prog_fd, s->cookie, what);
}

static bool tp_attach(struct probe *p, int variant, int prog_fd, int *nattached)
{
	int cpu = first_online_cpu();

	for (size_t i = 0; i < p->sites.n; i++) {
		struct probe_site *s = &p->sites.v[i];
		if (s->variant != variant)
			continue;
		if (!attach_site(p, s, prog_fd, cpu))
			return false;
		(*nattached)++;
	}
	return true;
}

static void tp_free(struct probe *p)
{
	struct tp_priv *t = p->priv;

	if (!t)
		return;
	for (size_t i = 0; i < p->sites.n; i++)
		tracefs_format_free(&t->fmt[i]);
	free(t->fmt);
	free(t);
	p->priv = NULL;
}

/* ---- listing ---- */

static const char *list_root(void)
{
	char why[PATH_MAX + 64];
	const char *root = tracefs_root(false, why, sizeof(why));

	if (!root)
		errmsg("%s", why);
	return root;
}

/* With -v: the event's fields as "    TYPE NAME;" lines, the common_*
 * fields left out (like bpftrace -lv). */
static void list_fields(const char *root, const char *event, FILE *out)
{
	struct tracefs_format fmt = {0};

	tracefs_format_read(root, event, &fmt);
	if (fmt.err)
		errmsg("cannot read the format of tracepoint %s: %s", event, strerror(fmt.err));
	for (size_t i = 0; i < fmt.fields.n; i++)
		if (strncmp(fmt.fields.v[i].name, "common_", 7))
			fprintf(out, "    %s;\n", fmt.fields.v[i].decl);
	tracefs_format_free(&fmt);
}

/* -l 'tracepoint:CAT:NAME', each part a pattern, "*" when left out. */
static bool tp_list(struct probe_lister *l, char **parts, int n)
{
	const char *root = list_root();
	char *pattern;
	tracefs_names all = {0};

	if (!root)
		return false;
	pattern = xasprintf("%s:%s", n > 0 ? parts[0] : "*", n > 1 ? parts[1] : "*");
	tracefs_events(root, &all);
	for (size_t i = 0; i < all.n; i++) {
		if (fnmatch(pattern, all.v[i], 0))
			continue;
		char *spec = xasprintf("tracepoint:%s", all.v[i]);
		probe_list_spec(l, spec);
		if (l->o->verbose && !l->o->json)
			list_fields(root, all.v[i], l->out);
		free(spec);
	}
	tracefs_names_free(&all);
	free(pattern);
	return true;
}

const struct probe_kind probe_tracepoint = {
	.name = "tracepoint",
	.alias = "t",
	.prog_type = BPF_PROG_TYPE_TRACEPOINT,
	.flags = PK_FIELDS | PK_KSTACK | PK_USTACK,
	.resolve = tp_resolve,
	.field_type = tp_field_type,
	.emit_field = tp_emit_field,
	.emit_field_str = tp_emit_field_str,
	.attach = tp_attach,
	.free = tp_free,
	.list = tp_list,
};
