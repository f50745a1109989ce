// SPDX-License-Identifier: GPL-2.0-only
/* rawtracepoint:[MODULE:]EVENT (alias rt:): a kernel tracepoint before
 * its record is built, with the arguments the kernel passes it. Their
 * names and types come from the kernel's BTF: each tracepoint has a
 * typedef btf_trace_EVENT, a pointer to a function whose first parameter
 * is a void * and whose others are the tracepoint's arguments. The
 * program is a raw tracepoint program: its context is the array of those
 * arguments, 8 bytes each. A pointer to a kernel struct points to its
 * BTF type (args.prev->pid); other pointers are integers. */
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <errno.h>
#include <fnmatch.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "binary/btf.h"
#include "codegen/cg.h"
#include "options.h"
#include "probe/probe.h"

#define RT_MAX_ARGS 12	/* MAX_BPF_FUNC_ARGS */

struct rt_arg {
	char *name;
	char *ctype;		/* its C type, for -l -v and errors */
	struct type t;
	bool usable;		/* an integer, enum or pointer */
};

struct rt_info {
	int n;
	struct rt_arg a[RT_MAX_ARGS];
};

/* The C name of a BTF type, shortly: "struct task_struct *". */
static void rt_type_name(const struct btf *btf, __u32 id, struct strbuf *sb, int depth)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const char *name;

	if (!t || !id || depth > 8) {
		sb_printf(sb, "void");
		return;
	}
	name = btf__name_by_offset(btf, t->name_off);
	if (btf_is_ptr(t)) {
		rt_type_name(btf, t->type, sb, depth + 1);
		sb_printf(sb, " *");
	} else if (btf_is_const(t) || btf_is_volatile(t) || btf_is_restrict(t)) {
		sb_printf(sb, "%s ", btf_is_const(t) ? "const" : btf_is_volatile(t) ? "volatile" : "restrict");
		rt_type_name(btf, t->type, sb, depth + 1);
	} else if (btf_is_struct(t) || btf_is_union(t) || btf_is_enum(t) || btf_is_enum64(t)) {
		sb_printf(sb, "%s %s", btf_is_struct(t) ? "struct" : btf_is_union(t) ? "union" : "enum",
			  name && *name ? name : "(anonymous)");
	} else if (btf_is_func_proto(t)) {
		sb_printf(sb, "function");
	} else {
		sb_printf(sb, "%s", name && *name ? name : "?");
	}
}

/* The plumb type of an argument: integers keep their size and sign,
 * enums are unsigned, pointers are u64; anything else is not usable. */
static bool rt_arg_type(const struct btf *btf, __u32 id, struct type *out)
{
	int rid = btf__resolve_type(btf, id);
	const struct btf_type *t = rid > 0 ? btf__type_by_id(btf, (__u32)rid) : NULL;

	if (!t)
		return false;
	if (btf_is_ptr(t)) {
		*out = type_int(8, false);
		return true;
	}
	if (btf_is_int(t) && t->size >= 1 && t->size <= 8) {
		*out = type_int((int)t->size, btf_int_encoding(t) & BTF_INT_SIGNED);
		return true;
	}
	if ((btf_is_enum(t) || btf_is_enum64(t)) && t->size <= 8) {
		*out = type_int((int)t->size, false);
		return true;
	}
	return false;
}

/* The function prototype behind btf_trace_EVENT, or NULL. */
static const struct btf_type *rt_proto(const struct btf *btf, const char *event)
{
	char *tname = xasprintf("btf_trace_%s", event);
	int id = btf__find_by_name_kind(btf, tname, BTF_KIND_TYPEDEF);
	const struct btf_type *t = id > 0 ? btf__type_by_id(btf, (__u32)id) : NULL;

	free(tname);
	if (t)
		t = btf__type_by_id(btf, t->type);
	if (t && btf_is_ptr(t))
		t = btf__type_by_id(btf, t->type);
	return t && btf_is_func_proto(t) ? t : NULL;
}

/* Same parameter types (BTF ids are deduplicated within one BTF). */
static bool rt_same_params(const struct btf_type *a, const struct btf_type *b)
{
	if (btf_vlen(a) != btf_vlen(b))
		return false;
	for (int i = 1; i < btf_vlen(a); i++)
		if (btf_params(a)[i].type != btf_params(b)[i].type)
			return false;
	return true;
}

/* The typedef's prototype has no parameter names. The kernel gives each
 * tracepoint a stub function with them, __probestub_EVENT (since 6.4);
 * older kernels have __bpf_trace_EVENT for an event that is its own
 * class. Without either the arguments are named arg0, arg1... */
static const struct btf_type *rt_named_proto(const struct btf *btf, const char *event,
					     const struct btf_type *proto)
{
	static const char *const prefixes[] = { "__probestub_", "__bpf_trace_" };

	for (size_t k = 0; k < ARRAY_SIZE(prefixes); k++) {
		char *fname = xasprintf("%s%s", prefixes[k], event);
		int id = btf__find_by_name_kind(btf, fname, BTF_KIND_FUNC);
		const struct btf_type *t = NULL;

		free(fname);
		if (id > 0)
			t = btf__type_by_id(btf, btf__type_by_id(btf, (__u32)id)->type);
		if (t && btf_is_func_proto(t) && rt_same_params(t, proto))
			return t;
	}
	return proto;
}

/* A pointer to a struct of the kernel (not of a module: plumb reads the
 * kernel's BTF only) points to that struct, so that args.NAME->member
 * reads it. */
static void rt_info_fill(struct probe *p, const struct btf *btf, const char *module,
			 const char *event, const struct btf_type *proto, struct rt_info *info)
{
	const struct btf_param *params = btf_params(proto);
	const struct btf_param *named = btf_params(rt_named_proto(btf, event, proto));
	int vlen = btf_vlen(proto);

	for (int i = 1; i < vlen && info->n < RT_MAX_ARGS; i++) {
		struct rt_arg *a = &info->a[info->n++];
		const char *name = btf__name_by_offset(btf, named[i].name_off);
		struct strbuf sb = {0};

		a->name = name && *name ? xstrdup(name) : xasprintf("arg%d", i - 1);
		rt_type_name(btf, params[i].type, &sb, 0);
		a->ctype = sb.s ? sb.s : xstrdup("?");
		a->usable = rt_arg_type(btf, params[i].type, &a->t);
		if (a->usable && !module && p && p->types)
			btf_kernel_pointer(p->types, a->ctype, true, &a->t);
	}
}

/* The kernel's BTF, and the module's on top of it when one is named. */
static struct btf *rt_load_btf(const char *module, struct btf **base)
{
	*base = btf__load_vmlinux_btf();
	if (!*base)
		return NULL;
	if (!module || !strcmp(module, "vmlinux"))
		return *base;
	return btf__load_module_btf(module, *base);
}

static void rt_free_btf(struct btf *btf, struct btf *base)
{
	if (btf != base)
		btf__free(btf);
	btf__free(base);
}

static bool rt_find(struct probe *p, const char *module, const char *event, struct loc loc)
{
	struct btf *base, *btf = rt_load_btf(module, &base);
	const struct btf_type *proto;
	struct rt_info *info;

	if (!base) {
		diag_error(p->node->loc, "rawtracepoint probes need the kernel's BTF "
			   "(/sys/kernel/btf/vmlinux): %s", strerror(errno));
		diag_env_failure();
		return false;
	}
	if (!btf) {
		diag_error(p->target_loc, "no BTF for kernel module '%s' (is it loaded?)", module);
		rt_free_btf(btf, base);
		return false;
	}
	proto = rt_proto(btf, event);
	if (!proto) {
		diag_error(loc, "no raw tracepoint '%s' in %s (plumb -l 'rawtracepoint:*' lists them)",
			   event, module ? module : "the kernel");
		rt_free_btf(btf, base);
		return false;
	}
	info = xcalloc(1, sizeof(*info));
	rt_info_fill(p, btf, module, event, proto, info);
	p->priv = info;
	p->nargs = info->n;
	rt_free_btf(btf, base);
	return true;
}

static bool rt_resolve(struct probe *p)
{
	char *parts[4] = {0};
	struct loc locs[4];
	int n = probe_split(p, parts, locs, 4);
	bool ok = false;

	if (n < 2 || n > 3 || !*parts[n - 1] || (n == 3 && !*parts[1]))
		diag_error(p->node->loc, "rawtracepoint probes are written rawtracepoint:EVENT "
			   "or rawtracepoint:MODULE:EVENT");
	else if (strpbrk(parts[n - 1], "*?["))
		diag_error(locs[n - 1], "a raw tracepoint is named in full: plumb does not "
			   "expand patterns here");
	else {
		p->name = xstrdup(parts[n - 1]);
		p->name_loc = locs[n - 1];
		if (n == 3) {
			p->target = xstrdup(parts[1]);
			p->target_loc = locs[1];
		}
		ok = rt_find(p, p->target, p->name, p->name_loc);
	}
	if (ok) {
		p->spec = p->target ? xasprintf("rawtracepoint:%s:%s", p->target, p->name)
				    : xasprintf("rawtracepoint:%s", p->name);
		probe_add_site(p)->func = xstrdup(p->name);
	}
	for (int i = 0; i < n && i < 4; i++)
		free(parts[i]);
	return ok;
}

static const struct rt_info *rt_info(const struct probe *p)
{
	return p->priv;
}

static bool rt_usable(struct probe *p, int idx, struct loc loc, const char *what)
{
	const struct rt_arg *a = &rt_info(p)->a[idx];

	if (a->usable)
		return true;
	diag_error(loc, "%s of %s is a %s: plumb reads integers, enums and pointers here",
		   what, p->spec, a->ctype);
	return false;
}

static bool rt_arg_type_of(struct probe *p, int idx, struct loc loc, struct type *t)
{
	const struct rt_info *info = rt_info(p);

	if (idx >= info->n) {
		if (info->n)
			diag_error(loc, "%s has %d argument%s, arg0..arg%d", p->spec, info->n,
				   info->n == 1 ? "" : "s", info->n - 1);
		else
			diag_error(loc, "%s has no arguments", p->spec);
		return false;
	}
	if (!rt_usable(p, idx, loc, "this argument"))
		return false;
	*t = info->a[idx].t;
	return true;
}

static int rt_field_index(const struct probe *p, const char *field)
{
	const struct rt_info *info = rt_info(p);

	for (int i = 0; i < info->n; i++)
		if (!strcmp(info->a[i].name, field))
			return i;
	return -1;
}

static bool rt_field_type(struct probe *p, const char *field, struct loc loc, struct type *t)
{
	const struct rt_info *info = rt_info(p);
	int idx = rt_field_index(p, field);

	if (idx < 0) {
		const char *cands[RT_MAX_ARGS];
		struct strbuf all = {0};
		for (int i = 0; i < info->n; i++) {
			cands[i] = info->a[i].name;
			sb_printf(&all, "%s%s", i ? ", " : "", info->a[i].name);
		}
		const char *best = closest_name(field, cands, (size_t)info->n);
		if (best)
			diag_error(loc, "%s has no argument '%s'; did you mean '%s'?", p->spec, field,
				   best);
		else
			diag_error(loc, "%s has no argument '%s' (it has: %s)", p->spec, field,
				   info->n ? all.s : "none");
		sb_free(&all);
		return false;
	}
	return rt_arg_type_of(p, idx, loc, t);
}

/* The context is u64 args[]: argument i is the 8 bytes at 8 * i. */
static void rt_emit_arg(struct cg *cg, struct probe *p, int variant, int idx, int reg)
{
	struct type t = rt_info(p)->a[idx].t;

	(void)variant;
	cg_emit(cg, LDX(BPF_DW, reg, R6, (int16_t)(8 * idx)));
	cg_extend(cg, reg, t.size, t.sign);
}

static bool rt_arg_pure(struct probe *p, int variant, int idx)
{
	(void)p;
	(void)variant;
	(void)idx;
	return true;
}

static void rt_emit_field(struct cg *cg, struct probe *p, const char *field, int reg)
{
	rt_emit_arg(cg, p, 0, rt_field_index(p, field), reg);
}

static void rt_emit_field_str(struct cg *cg, struct probe *p, const char *field, int base,
			      int off, int len)
{
	(void)p;
	(void)base;
	(void)off;
	(void)len;
	cg_error(cg, cg->cur, "args.%s is a number, not a string", field);
}

static bool rt_attach(struct probe *p, int variant, int prog_fd, int *nattached)
{
	struct probe_site *s = &p->sites.v[0];
	int fd;

	(void)variant;
	fd = bpf_raw_tracepoint_open(p->name, prog_fd);
	if (fd < 0) {
		errmsg("cannot attach to %s: %s", p->spec, strerror(errno));
		return false;
	}
	vec_push(&s->links, fd);
	if (p->opts->verbose)
		fprintf(stderr, "plumb: attached %s\n", p->spec);
	(*nattached)++;
	return true;
}

static void rt_free(struct probe *p)
{
	struct rt_info *info = p->priv;

	for (int i = 0; info && i < info->n; i++) {
		free(info->a[i].name);
		free(info->a[i].ctype);
	}
	free(info);
	p->priv = NULL;
}

/* -l 'rawtracepoint:PATTERN' (or MODULE:PATTERN); with -v each argument
 * with its C type. */
static void rt_list_one(struct probe_lister *l, const struct btf *btf, const char *module,
			const char *event)
{
	char *spec = module ? xasprintf("rawtracepoint:%s:%s", module, event)
			    : xasprintf("rawtracepoint:%s", event);
	struct rt_info info = {0};

	probe_list_spec(l, spec);
	free(spec);
	if (!l->o->verbose || l->o->json)
		return;
	rt_info_fill(NULL, btf, module, event, rt_proto(btf, event), &info);
	for (int i = 0; i < info.n; i++) {
		fprintf(l->out, "    %s%s%s\n", info.a[i].ctype,
			info.a[i].ctype[strlen(info.a[i].ctype) - 1] == '*' ? "" : " ", info.a[i].name);
		free(info.a[i].name);
		free(info.a[i].ctype);
	}
}

static bool rt_list(struct probe_lister *l, char **parts, int n)
{
	const char *module = n >= 2 ? parts[0] : NULL;
	const char *pat = n >= 1 && *parts[n - 1] ? parts[n - 1] : "*";
	struct btf *base, *btf = rt_load_btf(module, &base);
	__u32 start = btf && btf != base ? btf__type_cnt(base) : 1;

	if (!btf) {
		errmsg(base ? "no BTF for kernel module '%s'" : "no kernel BTF (%s)",
		       base ? module : "/sys/kernel/btf/vmlinux");
		rt_free_btf(btf, base);
		return false;
	}
	for (__u32 id = start; id < btf__type_cnt(btf); id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name = btf__name_by_offset(btf, t->name_off);
		if (!btf_is_typedef(t) || !name || strncmp(name, "btf_trace_", 10) ||
		    fnmatch(pat, name + 10, 0) || !rt_proto(btf, name + 10))
			continue;
		rt_list_one(l, btf, module, name + 10);
	}
	rt_free_btf(btf, base);
	return true;
}

const struct probe_kind probe_rawtracepoint = {
	.name = "rawtracepoint",
	.alias = "rt",
	.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT,
	.flags = PK_ARGS | PK_FIELDS | PK_KSTACK | PK_USTACK,
	.resolve = rt_resolve,
	.arg_type = rt_arg_type_of,
	.emit_arg = rt_emit_arg,
	.arg_pure = rt_arg_pure,
	.field_type = rt_field_type,
	.emit_field = rt_emit_field,
	.emit_field_str = rt_emit_field_str,
	.attach = rt_attach,
	.free = rt_free,
	.list = rt_list,
};
