// SPDX-License-Identifier: GPL-2.0-only
/* Signatures and C-like expressions of argdist and trace, rewritten into
 * plumb's: argdist counts arguments from 1 (arg1 is plumb's arg0), its
 * special names ($PID, $retval, $latency, $entry(p)) become plumb
 * builtins and thread-local variables. Everything else is copied as
 * written, and plumb's own parser judges it. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "ast/type.h"
#include "compat/compat-int.h"

bool cx_is_argn(const char *name, size_t len, long *n)
{
	long v = 0;

	if (len < 4 || len > 6 || strncmp(name, "arg", 3))
		return false;
	for (size_t i = 3; i < len; i++) {
		if (!isdigit((unsigned char)name[i]))
			return false;
		v = v * 10 + (name[i] - '0');
	}
	*n = v;
	return true;
}

int cx_param(const struct csig *sig, const char *name)
{
	for (int i = 0; sig && i < sig->n; i++)
		if (sig->p[i].name && !strcmp(sig->p[i].name, name))
			return i;
	return -1;
}

static bool is_ident(const char *s, size_t n)
{
	if (!n || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
			return false;
	return true;
}

/* "char *query" -> type "char *", name "query"; "char*" and "u64" are
 * unnamed, as argdist reads them. */
static bool one_param(const struct src *src, struct span s, struct cparam *p)
{
	const char *t = src->text;
	int cut = s.start - 1;

	for (int i = s.end - 1; i >= s.start && cut < s.start; i--)
		if (t[i] == '*')
			cut = i;
	for (int i = s.end - 1; i >= s.start && cut < s.start; i--)
		if (isspace((unsigned char)t[i]))
			cut = i;
	struct span name = sp_trim(t, (struct span){ cut + 1, s.end });
	char *nm = sp_dup(t, name);

	p->type = sp_trim(t, (struct span){ s.start, cut + 1 });
	p->name = NULL;
	if (!*nm || type_is_word(nm)) {
		p->type = s;
	} else if (!is_ident(nm, strlen(nm))) {
		diag_error((struct loc){ name.start, name.end },
			   "'%s' is not a parameter name", nm);
		free(nm);
		return false;
	} else if (p->type.start == p->type.end) {
		diag_error((struct loc){ s.start, s.end },
			   "parameter '%s' needs a type, e.g. 'u64 %s'", nm, nm);
		free(nm);
		return false;
	} else {
		p->name = nm;
		nm = NULL;
	}
	free(nm);
	long n;
	p->emit_name = p->name && !cx_is_argn(p->name, strlen(p->name), &n);
	return true;
}

bool cx_signature(const struct src *src, int start, int end, struct csig *sig)
{
	struct span all = sp_trim(src->text, (struct span){ start, end });
	struct span parts[COMPAT_MAX_PARAMS];
	size_t n;

	memset(sig, 0, sizeof(*sig));
	sig->all = all;
	if (all.start == all.end || (all.end - all.start == 4 &&
				      !strncmp(src->text + all.start, "void", 4)))
		return true;
	n = sp_split(src->text, all, ',', parts, COMPAT_MAX_PARAMS);
	if (n > COMPAT_MAX_PARAMS) {
		diag_error((struct loc){ all.start, all.end }, "at most %d parameters can be named",
			   COMPAT_MAX_PARAMS);
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		struct span s = sp_trim(src->text, parts[i]);
		if (s.start == s.end) {
			diag_error((struct loc){ parts[i].start, parts[i].end },
				   "empty parameter in the signature");
			return false;
		}
		if (!one_param(src, s, &sig->p[sig->n]))
			return false;
		sig->n++;
		for (int j = 0; sig->p[sig->n - 1].name && j < sig->n - 1; j++) {
			if (sig->p[j].name && !strcmp(sig->p[j].name, sig->p[sig->n - 1].name)) {
				diag_error((struct loc){ s.start, s.end }, "parameter '%s' is named twice",
					   sig->p[j].name);
				return false;
			}
		}
	}
	return true;
}

void cx_sig_free(struct csig *sig)
{
	for (int i = 0; i < sig->n; i++)
		free(sig->p[i].name);
	sig->n = 0;
}

void cx_emit_signature(struct ctext *t, const struct src *src, const struct csig *sig)
{
	if (!sig->n)
		return;
	ct_lit(t, "(");
	for (int i = 0; i < sig->n; i++) {
		if (i)
			ct_lit(t, ", ");
		ct_copy(t, src, sig->p[i].type.start, sig->p[i].type.end);
		if (sig->p[i].emit_name)
			ct_printf(t, " %s", sig->p[i].name);
	}
	ct_lit(t, ")");
}

void cx_free(struct cx *c)
{
	vec_free(&c->entries);
}

static bool needs_ret(struct cx *c, const char *what, int start, int end)
{
	if (c->ret)
		return true;
	diag_error((struct loc){ start, end },
		   "%s exists only in return probes: write r: instead of the probe type", what);
	return false;
}

/* $entry(NAME): the parameter saved by the entry probe. */
static int entry_name(struct ctext *t, struct cx *c, int at, int end)
{
	const char *s = c->src->text;
	int i = at + 6, ns, ne;

	while (i < end && isspace((unsigned char)s[i]))
		i++;
	if (i >= end || s[i] != '(') {
		diag_error((struct loc){ at, at + 6 }, "$entry needs a parameter: $entry(NAME)");
		return -1;
	}
	for (ns = ++i; i < end && (isalnum((unsigned char)s[i]) || s[i] == '_'); i++)
		;
	ne = i;
	while (i < end && isspace((unsigned char)s[i]))
		i++;
	if (i >= end || s[i] != ')' || ne == ns) {
		diag_error((struct loc){ at, i < end ? i + 1 : end },
			   "$entry needs a parameter name: $entry(NAME)");
		return -1;
	}
	char *name = xstrndup(s + ns, (size_t)(ne - ns));
	int idx = cx_param(c->sig, name);
	if (idx < 0) {
		diag_error((struct loc){ ns, ne }, "$entry(%s): no such param in the signature", name);
		free(name);
		return -1;
	}
	if (!needs_ret(c, "$entry()", at, i + 1)) {
		free(name);
		return -1;
	}
	bool seen = false;
	for (size_t k = 0; k < c->entries.n; k++)
		seen |= !strcmp(c->entries.v[k], c->sig->p[idx].name);
	if (!seen)
		vec_push(&c->entries, c->sig->p[idx].name);
	char *v = xasprintf("self->%s%s", c->self, name);
	ct_subst(t, v, c->src, at, i + 1);
	free(v);
	free(name);
	return i + 1;
}

struct alias {
	const char *name;
	const char *plumb;
	bool argdist, trace, ret;
};

/* argdist's $PID is the whole pid-tgid word (its u32 cast is the thread
 * id); trace's $pid is the kernel's pid, the thread id. */
static const struct alias aliases[] = {
	{"$PID", "(pid << 32 | tid)", true, false, false},
	{"$COMM", "comm", true, false, false},
	{"$retval", "retval", true, true, true},
	{"$latency", "$latency", true, false, true},
	{"$pid", "tid", false, true, false},
	{"$tgid", "pid", false, true, false},
	{"$uid", "uid", false, true, false},
	{"$gid", "gid", false, true, false},
	{"$cpu", "cpu", false, true, false},
};

static int special(struct ctext *t, struct cx *c, int at, int end)
{
	const char *s = c->src->text;
	int i = at + 1;
	bool argdist = !strcmp(c->tool, "argdist");

	while (i < end && (isalnum((unsigned char)s[i]) || s[i] == '_'))
		i++;
	if (i - at == 6 && !strncmp(s + at, "$entry", 6) && argdist)
		return entry_name(t, c, at, end);
	for (size_t k = 0; k < ARRAY_SIZE(aliases); k++) {
		const struct alias *a = &aliases[k];
		if (strlen(a->name) != (size_t)(i - at) || strncmp(a->name, s + at, (size_t)(i - at)))
			continue;
		if (!(argdist ? a->argdist : a->trace))
			break;
		if (a->ret && !needs_ret(c, a->name, at, i))
			return -1;
		if (!strcmp(a->name, "$latency"))
			c->latency = true;
		ct_subst(t, a->plumb, c->src, at, i);
		return i;
	}
	diag_error((struct loc){ at, i }, "unknown special name '%.*s': %s knows %s", i - at, s + at,
		   c->tool, argdist ? "$PID, $COMM, $retval, $latency and $entry(param)"
				    : "retval, $pid, $tgid, $uid, $gid and $cpu");
	return -1;
}

/* A name: a signature parameter, argN counted from 1, or plumb's. */
static int ident(struct ctext *t, struct cx *c, int at, int end, bool field)
{
	const char *s = c->src->text;
	int i = at;
	long n;

	while (i < end && (isalnum((unsigned char)s[i]) || s[i] == '_'))
		i++;
	char *name = xstrndup(s + at, (size_t)(i - at));
	int idx = field ? -1 : cx_param(c->sig, name);
	if (idx >= 0 && c->ret) {
		diag_error((struct loc){ at, i }, "'%s' is gone when the function returns: "
			   "write $entry(%s) for its value at entry", name, name);
		i = -1;
	} else if (idx >= 0 && !c->sig->p[idx].emit_name) {
		char *v = xasprintf("arg%d", idx);
		ct_subst(t, v, c->src, at, i);
		free(v);
	} else if (idx < 0 && !field && cx_is_argn(name, strlen(name), &n)) {
		if (n == 0) {
			diag_error((struct loc){ at, i }, "%s counts arguments from 1: the first is "
				   "arg1 (plumb's arg0)", c->tool);
			i = -1;
		} else {
			char *v = xasprintf("arg%ld", n - 1);
			ct_subst(t, v, c->src, at, i);
			free(v);
		}
	} else {
		ct_copy(t, c->src, at, i);
	}
	free(name);
	return i;
}

static int string_lit(struct ctext *t, struct cx *c, int at, int end)
{
	const char *s = c->src->text;
	int i = at + 1;

	while (i < end && s[i] != '"')
		i += s[i] == '\\' ? 2 : 1;
	if (i >= end) {
		diag_error((struct loc){ at, end }, "unterminated string");
		return -1;
	}
	ct_copy(t, c->src, at, i + 1);
	return i + 1;
}

/* After "." or "->" a name is a field, never rewritten. */
static bool after_member(const char *s, int start, int at)
{
	int i = at - 1;

	while (i >= start && isspace((unsigned char)s[i]))
		i--;
	return (i >= start && s[i] == '.') || (i > start && s[i] == '>' && s[i - 1] == '-');
}

bool cx_rewrite(struct ctext *t, struct cx *c, int start, int end)
{
	const char *s = c->src->text;
	int i = start;

	while (i >= 0 && i < end) {
		int from = i;
		if (s[i] == '$') {
			i = special(t, c, i, end);
		} else if (s[i] == '"') {
			i = string_lit(t, c, i, end);
		} else if (isalpha((unsigned char)s[i]) || s[i] == '_') {
			i = ident(t, c, i, end, after_member(s, start, i));
		} else if (isdigit((unsigned char)s[i])) {
			while (i < end && (isalnum((unsigned char)s[i]) || s[i] == '_'))
				i++;
			ct_copy(t, c->src, from, i);
		} else {
			while (i < end && !strchr("$\"_", s[i]) && !isalnum((unsigned char)s[i]))
				i++;
			ct_copy(t, c->src, from, i);
		}
	}
	return i >= 0;
}
