// SPDX-License-Identifier: GPL-2.0-only
/* plumb -l [PATTERN]: what can be traced. USDT probes of a binary (with
 * their sites and argument specs), its functions, kernel tracepoints; as
 * text, or as JSON lines with -j. */
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binary/binary.h"
#include "options.h"
#include "probe/probe.h"
#include "usdt/usdt.h"

/* A JSON string, escaped as everywhere else (util/util.c). */
static void json_str(FILE *f, const char *s)
{
	struct strbuf sb = {0};

	sb_json_string(&sb, s, strlen(s));
	fputs(sb.s, f);
	sb_free(&sb);
}

/* Notes n[first..] with the same provider and name as n[first]. */
static bool same_probe(const struct usdt_note *a, const struct usdt_note *b)
{
	return !strcmp(a->provider, b->provider) && !strcmp(a->name, b->name);
}

static void usdt_json(struct probe_lister *l, const struct bin *b, const struct usdt_notes *ns,
		      size_t first)
{
	const struct usdt_note *n = &ns->v[first];
	char *spec = xasprintf("usdt:%s:%s:%s", b->path, n->provider, n->name);

	fputs("{\"type\":\"probe\",\"data\":{\"probe\":", l->out);
	json_str(l->out, spec);
	fputs(",\"sites\":[", l->out);
	for (size_t i = first, k = 0; i < ns->n; i++) {
		const struct usdt_note *s = &ns->v[i];
		if (!same_probe(n, s))
			continue;
		fprintf(l->out, "%s{\"address\":%llu,\"offset\":%llu,\"semaphore\":%llu,\"args\":",
			k++ ? "," : "", (unsigned long long)s->pc, (unsigned long long)s->pc_off,
			(unsigned long long)s->sem_off);
		json_str(l->out, s->args_text);
		fputc('}', l->out);
	}
	fputs("]}}\n", l->out);
	free(spec);
}

static void usdt_text(struct probe_lister *l, const struct bin *b, const struct usdt_notes *ns,
		      size_t first)
{
	const struct usdt_note *n = &ns->v[first];
	size_t sites = 0;

	for (size_t i = first; i < ns->n; i++)
		sites += same_probe(n, &ns->v[i]);
	fprintf(l->out, "usdt:%s:%s:%s  %zu site%s  ", b->path, n->provider, n->name, sites,
		sites == 1 ? "" : "s");
	for (size_t i = first, k = 0; i < ns->n; i++) {
		const struct usdt_note *s = &ns->v[i];
		if (!same_probe(n, s))
			continue;
		fprintf(l->out, "%s%s", k++ ? " | " : "", *s->args_text ? s->args_text : "(no arguments)");
	}
	fputc('\n', l->out);
	for (size_t i = first; l->o->verbose && i < ns->n; i++) {
		const struct usdt_note *s = &ns->v[i];
		if (!same_probe(n, s))
			continue;
		fprintf(l->out, "    at %#llx (file offset %#llx)", (unsigned long long)s->pc,
			(unsigned long long)s->pc_off);
		if (s->sem_off)
			fprintf(l->out, ", semaphore at file offset %#llx",
				(unsigned long long)s->sem_off);
		fputc('\n', l->out);
	}
}

static void list_usdt(struct probe_lister *l, const struct bin *b, const char *prov, const char *name)
{
	struct usdt_notes ns;
	char err[256];

	if (!usdt_read_notes(b, &ns, err, sizeof(err))) {
		errmsg("cannot read the USDT notes of %s: %s", b->path, err);
		return;
	}
	for (size_t i = 0; i < ns.n; i++) {
		const struct usdt_note *n = &ns.v[i];
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = same_probe(n, &ns.v[j]);
		if (seen || (prov && fnmatch(prov, n->provider, 0)) || fnmatch(name, n->name, 0))
			continue;
		l->found++;
		if (l->o->json)
			usdt_json(l, b, &ns, i);
		else
			usdt_text(l, b, &ns, i);
	}
	usdt_notes_free(&ns);
}

/* A function as a spec to paste into a program: quoted when its name has
 * what ends an unquoted spec (a C++ parameter list, spaces). */
static char *function_spec(const struct bin *b, const char *name)
{
	bool quote = strpbrk(name, " \t(),{}/") != NULL;

	return xasprintf("uprobe:%s:%s%s%s", b->path, quote ? "\"" : "", name, quote ? "\"" : "");
}

/* With -j, the function's name beside the spec (it has no quotes). */
static void list_function(struct probe_lister *l, const char *spec, const char *name)
{
	if (!l->o->json) {
		probe_list_spec(l, spec);
		return;
	}
	l->found++;
	fputs("{\"type\":\"probe\",\"data\":{\"probe\":", l->out);
	json_str(l->out, spec);
	fputs(",\"function\":", l->out);
	json_str(l->out, name);
	fputs("}}\n", l->out);
}

/* "char *file", "long x": C's spacing */
static void print_decl(FILE *f, const char *type, const char *name)
{
	size_t n = strlen(type);
	bool tight = n && (type[n - 1] == '*' || type[n - 1] == '&');

	fprintf(f, "    %s%s%s\n", type, tight ? "" : " ", name);
}

/* -v: the parameters and return type as the debug info declares them,
 * one a line, the way args.NAME and retval will have them. */
static void list_signature(struct probe_lister *l, const struct bin *b, const struct bin_func *f,
			   struct type_table *tt)
{
	struct bin_sig s;
	char buf[256];

	if (!bin_dwarf_sig(b, f->sym->vaddr, tt, &s)) {
		fprintf(l->out, "    (no debug info)\n");
		return;
	}
	for (size_t i = 0; i < s.nparams; i++)
		print_decl(l->out, ctype_name(s.params[i].type, buf, sizeof(buf)), s.params[i].name);
	if (s.varargs)
		fprintf(l->out, "    ...\n");
	print_decl(l->out, ctype_name(s.ret, buf, sizeof(buf)), "retval");
	bin_sig_free(&s);
}

static void list_functions(struct probe_lister *l, const struct bin *b, const char *pattern)
{
	struct type_table tt = {0};
	struct bin_funcs fs;
	const struct bin_func **fns;
	size_t n;

	bin_funcs_load(b, &fs);
	/* an exact name first: C++ names hold '*' ("f(char const*)") */
	n = bin_funcs_match(&fs, pattern, false, &fns);
	if (!n) {
		free(fns);
		n = bin_funcs_match(&fs, pattern, true, &fns);
	}
	for (size_t i = 0; i < n; i++) {
		char *spec = function_spec(b, fns[i]->name);
		list_function(l, spec, fns[i]->name);
		if (l->o->verbose && !l->o->json)
			list_signature(l, b, fns[i], &tt);
		free(spec);
	}
	free(fns);
	bin_funcs_free(&fs);
	bin_dwarf_done();
	type_table_free(&tt);
}

static struct bin *open_bin(const char *name, const struct options *o)
{
	char path[PATH_MAX], err[256];
	struct bin *b;

	if (!bin_resolve(name, o->pid, path, sizeof(path), err, sizeof(err))) {
		errmsg("%s", err);
		return NULL;
	}
	b = bin_open(path, err, sizeof(err));
	if (!b)
		errmsg("cannot read %s: %s", path, err);
	return b;
}

/* Split "a:b:c" into at most max parts (in place); the last part keeps
 * the rest, colons and all (a C++ name's "::"). Double quotes group, as in
 * probe specs, and are dropped. */
static int split(char *s, char **parts, int max)
{
	int n = 0;
	bool quoted = false;
	char *w = s;

	parts[n++] = s;
	for (char *p = s; *p; p++) {
		if (*p == '"') {
			quoted = !quoted;
			continue;
		}
		if (*p == ':' && !quoted && n < max) {
			*w++ = '\0';
			parts[n++] = w;
			continue;
		}
		*w++ = *p;
	}
	*w = '\0';
	return n;
}

static void list_in(struct probe_lister *l, struct bin *b, char **parts, int n, bool usdt,
		    bool funcs)
{
	if (usdt)
		list_usdt(l, b, n == 3 ? parts[1] : NULL, n == 3 ? parts[2] : n == 2 ? parts[1] : "*");
	if (funcs)
		list_functions(l, b, n >= 2 ? parts[n - 1] : "*");
}

/* KIND:*:...: what each object the -p process maps executable holds, or
 * what -c's command will map. */
static bool list_mapped(struct probe_lister *l, char **parts, int n, bool usdt, bool funcs)
{
	char **objs;
	size_t nobj;

	if (!probe_wildcard_ok(l->o)) {
		errmsg("a wildcard binary needs -p PID or -c CMD: the objects that process maps, "
		       "or the command's program and the libraries it needs, are listed");
		return false;
	}
	if (l->o->pid > 0) {
		nobj = bin_mapped_objects(l->o->pid, &objs);
	} else {
		char err[PATH_MAX + 128];
		nobj = bin_command_objects(l->o->cmd, &objs, err, sizeof(err));
		if (!nobj) {
			errmsg("a wildcard binary under -c searches the command's program: %s", err);
			return false;
		}
	}

	for (size_t i = 0; i < nobj; i++) {
		struct bin *b = open_bin(objs[i], l->o);
		if (b)
			list_in(l, b, parts, n, usdt, funcs);
		bin_close(b);
		free(objs[i]);
	}
	free(objs);
	return true;
}

static bool list_binary_kind(struct probe_lister *l, char **parts, int n, bool usdt, bool funcs)
{
	struct bin *b;

	if (n < 1 || !*parts[0]) {
		errmsg("-l needs a binary: -l 'usdt:BINARY[:PROVIDER][:NAME]' or -l BINARY");
		return false;
	}
	if (!strcmp(parts[0], "*"))
		return list_mapped(l, parts, n, usdt, funcs);
	b = open_bin(parts[0], l->o);
	if (!b)
		return false;
	list_in(l, b, parts, n, usdt, funcs);
	bin_close(b);
	return true;
}

bool probe_list_usdt(struct probe_lister *l, char **parts, int n)
{
	return list_binary_kind(l, parts, n, true, false);
}

bool probe_list_functions(struct probe_lister *l, char **parts, int n)
{
	return list_binary_kind(l, parts, n, false, true);
}

bool probe_list_forms(struct probe_lister *l, char **parts, int n,
		      const struct probe_form *forms, size_t nforms)
{
	const char *pat = n >= 1 && *parts[0] ? parts[0] : "*";

	for (size_t i = 0; i < nforms; i++) {
		if (forms[i].unit && fnmatch(pat, forms[i].unit, 0))
			continue;
		probe_list_spec(l, forms[i].spec);
		if (l->o->verbose && !l->o->json)
			fprintf(l->out, "    %s\n", forms[i].what);
	}
	return true;
}

void probe_list_spec(struct probe_lister *l, const char *spec)
{
	l->found++;
	if (l->o->json) {
		fputs("{\"type\":\"probe\",\"data\":{\"probe\":", l->out);
		json_str(l->out, spec);
		fputs("}}\n", l->out);
	} else {
		fprintf(l->out, "%s\n", spec);
	}
}

/* A spec whose kind lists nothing (BEGIN, interval:s:1) is the probe
 * itself: under -l -e it is listed as written. */
static int list_one(const char *pattern, const struct options *o, bool whole)
{
	struct probe_lister l = { .o = o, .out = stdout };
	char *text = xstrdup(pattern ? pattern : "tracepoint:*:*");
	char *parts[5];
	int n = split(text, parts, 5);
	/* BEGIN and END are whole specs; every other kind has parts */
	const struct probe_kind *k = n > 1 || (n == 1 && (!strcmp(parts[0], "BEGIN") ||
							   !strcmp(parts[0], "END")))
		? probe_kind_find(parts[0]) : NULL;
	bool ok;

	if (k && k->list == probe_list_functions) {
		/* KIND:BINARY:PATTERN, the pattern to the end */
		free(text);
		text = xstrdup(pattern);
		n = split(text, parts, 3);
	}

	if (k && k->list)
		ok = k->list(&l, parts + 1, n - 1);
	else if (k && whole)
		ok = (probe_list_spec(&l, pattern), true);
	else if (k)
		ok = (errmsg("%s probes have nothing to list", k->name), false);
	else
		ok = list_binary_kind(&l, parts, 1, true, true);
	free(text);
	if (ok && !l.found)
		errmsg("nothing matches '%s'", pattern ? pattern : "*");
	return ok && l.found ? EXIT_OK : EXIT_USAGE;
}

int probe_list(const char *pattern, const struct options *o)
{
	return list_one(pattern, o, false);
}

int probe_list_program(const struct program *prog, const struct options *o)
{
	int rc = EXIT_OK;

	for (const struct node *c = prog->clauses; c; c = c->next)
		for (const struct node *p = c->list; p; p = p->next) {
			int r = list_one(p->name, o, true);
			if (r != EXIT_OK)
				rc = r;
		}
	return rc;
}
