// SPDX-License-Identifier: GPL-2.0-only
/* A uprobe's signature from debug info: args.NAME with the declared
 * types, retval's declared type, and a hand-written signature checked
 * against it (a method's hidden `this` is the classic trap: written
 * signatures name the arguments after it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binary/binary.h"
#include "codegen/cg.h"
#include "probe/uprobe.h"

static const char *cname(const struct ctype *t, char *buf, size_t len)
{
	return ctype_name(t, buf, len);
}

/* A written type fits a declared one when both are pointers, or both
 * integers of one size (signedness is the writer's business). */
static bool fits(struct type w, const struct ctype *d)
{
	struct type t = type_from_ctype(d);

	if (t.kind == T_PTR || w.kind == T_PTR)
		return t.kind == w.kind;
	if (t.kind == T_INT && w.kind == T_INT)
		return t.size == w.size;
	return true;
}

/* A method's signature written without its hidden this: the written
 * names are the arguments after it. */
static void skip_this(struct probe *p)
{
	memmove(&p->sig[1], &p->sig[0], (size_t)p->nsig * sizeof(p->sig[0]));
	p->sig[0] = (struct sigarg){ .name = NULL, .type = type_int(8, false), .loc = p->sig[1].loc };
	p->nsig++;
}

static void check_written(struct probe *p, const char *func)
{
	const struct bin_sig *d = p->dsig;
	char buf[200];
	int first = 0;

	if (!p->nsig)
		return;
	if (d->has_this && (size_t)p->nsig + 1 == d->nparams) {
		diag_warning(p->sig[0].loc,
			     "%s is a method: its first argument is the hidden 'this' (args.this); "
			     "the signature names the arguments after it", func);
		skip_this(p);
		first = 1;
	} else if ((size_t)p->nsig != d->nparams && !(d->varargs && (size_t)p->nsig > d->nparams)) {
		diag_warning(p->sig[0].loc,
			     "the signature has %d argument%s; the debug info of %s says %zu%s", p->nsig,
			     p->nsig == 1 ? "" : "s", func, d->nparams,
			     d->has_this ? ", 'this' included" : "");
		return;
	}
	for (int i = first; i < p->nsig && (size_t)i < d->nparams; i++) {
		const struct bin_param *dp = &d->params[i];
		if (p->sig[i].ptype)
			continue;	/* a debug-info type: it is the declared one's kind */
		if (!fits(p->sig[i].type, dp->type)) {
			const char *tn = cname(dp->type, buf, sizeof(buf));
			size_t n = strlen(tn);
			bool tight = n && (tn[n - 1] == '*' || tn[n - 1] == '&');
			diag_warning(p->sig[i].loc, "the debug info of %s says argument %d is %s%s%s",
				     func, i, tn, tight ? "" : " ", dp->name);
		}
	}
}

/* Every site in one function: its signature applies. */
static const char *one_function(const struct probe *p)
{
	if (!p->sites.n)
		return NULL;
	for (size_t i = 1; i < p->sites.n; i++)
		if (strcmp(p->sites.v[i].func, p->sites.v[0].func))
			return NULL;
	return p->sites.v[0].func;
}

void uprobe_debug_sig(struct probe *p, const struct bin *b)
{
	const char *func = one_function(p);
	struct bin_sig s;

	if (!func || !p->types)
		return;
	if (!bin_dwarf_sig(b, p->sites.v[0].vaddr, p->types, &s)) {
		p->nodebug = xstrdup(b->path);
		return;
	}
	p->dsig = xmalloc(sizeof(s));
	*p->dsig = s;
	p->retval = s.ret ? type_from_ctype(s.ret) : type_of(T_VOID);
	if (p->retval.kind == T_RECORD || p->retval.kind == T_ARRAY)
		p->retval = type_int(8, false);	/* returned in registers: raw rax */
	check_written(p, func);
}

static int param_index(const struct probe *p, const char *name)
{
	for (size_t i = 0; p->dsig && i < p->dsig->nparams; i++)
		if (!strcmp(p->dsig->params[i].name, name))
			return (int)i;
	return -1;
}

static void unknown_param(const struct probe *p, const char *field, struct loc loc)
{
	const char *names[PROBE_MAX_SIG * 4];
	size_t n = 0;

	for (size_t i = 0; i < p->dsig->nparams && n < ARRAY_SIZE(names); i++)
		names[n++] = p->dsig->params[i].name;
	const char *best = closest_name(field, names, n);
	if (best)
		diag_error(loc, "%s has no argument '%s'; did you mean '%s'?", p->sites.v[0].func,
			   field, best);
	else
		diag_error(loc, "%s has no argument '%s'", p->sites.v[0].func, field);
}

bool uprobe_field_type(struct probe *p, const char *field, struct loc loc, struct type *t)
{
	int i;

	if (!p->dsig && (i = probe_sig_index(p, field)) >= 0) {
		*t = p->sig[i].type;
		return true;
	}
	if (!p->dsig) {
		if (p->nodebug)
			diag_error(loc, "args.%s needs debug info, and %s has none; install its debug "
				   "package, or write the signature (u:BIN:FUNC(char *%s)) and "
				   "declare the structs it points to", field, p->nodebug, field);
		else
			diag_error(loc, "args.%s needs debug info for one function; this probe is on "
				   "%zu sites", field, p->sites.n);
		return false;
	}
	i = param_index(p, field);
	if (i < 0) {
		unknown_param(p, field, loc);
		return false;
	}
	*t = type_from_ctype(p->dsig->params[i].type);
	if (t->kind == T_RECORD || t->kind == T_ARRAY) {
		char buf[200];
		diag_error(loc, "args.%s is a %s passed by value; only pointers, references and "
			   "integers are read", field, type_name(*t, buf, sizeof(buf)));
		return false;
	}
	return true;
}

void uprobe_emit_field(struct cg *cg, struct probe *p, const char *field, int reg)
{
	int i = p->dsig ? param_index(p, field) : probe_sig_index(p, field);
	struct type t = p->dsig ? type_from_ctype(p->dsig->params[i].type) : p->sig[i].type;

	uprobe_load_arg(cg, i, reg);
	if (t.kind == T_INT)
		cg_extend(cg, reg, t.size, t.sign);
}
