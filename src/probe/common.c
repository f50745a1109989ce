// SPDX-License-Identifier: GPL-2.0-only
/* What probe kinds share: splitting specs, argument
 * signatures, perf events on every CPU, and detaching what was attached. */
#include <errno.h>
#include <limits.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "options.h"
#include "binary/binary.h"
#include "binary/btf.h"
#include "probe/probe.h"

/* Calls f for each $N in s[0..len), with its offset and length. */
static bool spec_params(const char *s, size_t len, bool (*f)(void *, size_t, size_t, unsigned long),
			void *arg)
{
	for (size_t i = 0; i < len; i++) {
		size_t j = i + 1;
		while (j < len && s[j] >= '0' && s[j] <= '9')
			j++;
		if (s[i] != '$' || j == i + 1)
			continue;
		if (!f(arg, i, j - i, strtoul(s + i + 1, NULL, 10)))
			return false;
		i = j - 1;
	}
	return true;
}

struct subst {
	const struct probe *p;
	const char *s;
	size_t done;
	struct strbuf out;
};

static bool subst_one(void *arg, size_t at, size_t len, unsigned long idx)
{
	struct subst *su = arg;

	sb_printf(&su->out, "%.*s%s", (int)(at - su->done), su->s + su->done,
		  su->p->opts->params[idx - 1]);
	su->done = at + len;
	return true;
}

/* A spec's text with $1, $2... replaced by the positional parameters
 * (checked by spec_params_given before). */
static char *spec_subst(const struct probe *p, const char *s, size_t len)
{
	struct subst su = { .p = p, .s = s };

	spec_params(s, len, subst_one, &su);
	sb_printf(&su.out, "%.*s", (int)(len - su.done), s + su.done);
	return su.out.s ? su.out.s : xstrdup("");
}

static bool param_given(void *arg, size_t at, size_t len, unsigned long idx)
{
	const struct probe *p = arg;
	struct loc loc = { p->node->loc.start + (int)at, p->node->loc.start + (int)(at + len) };

	if (idx >= 1 && idx <= (unsigned long)p->opts->nparams)
		return true;
	diag_error(loc, "positional parameter $%lu is not given (%d given)", idx, p->opts->nparams);
	return false;
}

static bool spec_params_given(const struct probe *p)
{
	return spec_params(p->node->name, strlen(p->node->name), param_given, (void *)p);
}

/* A part of a spec without its double quotes. */
static char *unquote(const char *s, size_t len)
{
	char *out = xmalloc(len + 1), *w = out;

	for (size_t i = 0; i < len; i++)
		if (s[i] != '"')
			*w++ = s[i];
	*w = '\0';
	return out;
}

/* ':' separates parts except inside double quotes, which let a part hold
 * C++ names ("ns::C::m(char const*)"); the quotes are not part of it, its
 * location still covers them. */
int probe_split(struct probe *p, char **parts, struct loc *locs, int max)
{
	const char *s = p->node->name;
	int n = 0, start = 0, base = p->node->loc.start;
	bool quoted = false;

	for (int i = 0;; i++) {
		if (s[i] == '"')
			quoted = !quoted;
		if ((s[i] != ':' || quoted) && s[i])
			continue;
		if (n < max) {
			/* $N stands for a positional parameter ("p:$1:work");
			 * locations stay those of the text as written */
			char *text = spec_subst(p, s + start, (size_t)(i - start));
			parts[n] = unquote(text, strlen(text));
			free(text);
			locs[n].start = base + start;
			locs[n].end = base + i;
		}
		n++;
		if (!s[i])
			break;
		start = i + 1;
	}
	return n;
}

bool probe_wildcard_ok(const struct options *o)
{
	return o->pid > 0 || o->cmd;
}

size_t probe_wildcard_objects(const struct options *o, struct loc loc, char ***objs,
			      char *where, size_t len)
{
	char err[PATH_MAX + 128];
	size_t n;

	if (o->pid > 0) {
		snprintf(where, len, "any object mapped by process %d", (int)o->pid);
		return bin_mapped_objects(o->pid, objs);
	}
	snprintf(where, len, "the command's program or the libraries it needs");
	n = bin_command_objects(o->cmd, objs, err, sizeof(err));
	if (!n)
		diag_error(loc, "a wildcard binary under -c searches the command's program: %s",
			   err);
	return n;
}

struct probe_site *probe_add_site(struct probe *p)
{
	struct probe_site s = { .tp_id = -1 };

	vec_push(&p->sites, s);
	return &p->sites.v[p->sites.n - 1];
}

/* A type neither declared nor read yet, from the debug info of the
 * probe's binary (NULL before its sites are found). DWARF names carry no
 * "struct". */
static const struct ctype *debug_type(struct probe *p, const char *path, const char *base)
{
	const char *bare = strchr(base, ' ');

	if (!path)
		return NULL;
	return bin_dwarf_type_path(path, bare ? bare + 1 : base, p->types);
}

/* A tagged name the kernel's BTF has ("struct sockaddr_in"): the
 * system call structs a library passes on are laid out as the kernel
 * lays them out. Still a pointer into the traced program's memory. */
static const struct ctype *kernel_type(struct probe *p, const char *base)
{
	const char *why;

	if (strncmp(base, "struct ", 7) && strncmp(base, "union ", 6) && strncmp(base, "enum ", 5))
		return NULL;
	return btf_kernel_type(p->types, base, &why);
}

static void unknown_type(struct probe *p, const char *path, const char *base, struct loc loc)
{
	if (path && !bin_dwarf_type_path(path, NULL, p->types))
		diag_error(loc, "unknown type '%s': %s has no debug info; declare it before the "
			   "probe (struct NAME { ... };), or install the binary's debug package", base,
			   path);
	else if (path)
		diag_error(loc, "unknown type '%s': neither declared before the probe "
			   "(struct NAME { ... };) nor in the debug info of %s",
			   base, path);
	else
		diag_error(loc, "unknown type '%s'%s", base, strchr(base, ' ') ?
			   ": declare it before the probe (struct NAME { ... };)" : "");
}

/* "struct QueryDesc *": a pointer to a type the program declared (or the
 * table already has), so args.NAME->member reads it. A uprobe looks for a
 * type not declared in its binary's debug info (path), once its sites
 * are found: until then (path NULL) the type is pending. */
static bool program_type(struct probe *p, const char *words, struct loc loc, struct type *out,
			 const char *path, bool *pending)
{
	char base[256];
	size_t n = strlen(words);
	int stars = 0;
	const struct ctype *t;

	while (n && (words[n - 1] == '*' || words[n - 1] == ' '))
		stars += words[--n] == '*';
	if (!p->types || n >= sizeof(base))
		return false;
	memcpy(base, words, n);
	base[n] = '\0';
	t = ctype_find(p->types, base);
	if ((!t || t->incomplete) && pending && (p->kind->flags & PK_USER)) {
		*pending = true;
		*out = type_int(8, false);
		return true;
	}
	if (!t || t->incomplete) {
		const struct ctype *d = debug_type(p, path, base);
		t = d ? d : t;
	}
	if (!t || t->incomplete) {
		const struct ctype *k = kernel_type(p, base);
		t = k ? k : t;
	}
	if (!t) {
		unknown_type(p, path, base, loc);
		return false;
	}
	if (!stars && (ctype_strip(t)->kind == CT_ENUM || ctype_strip(t)->kind == CT_INT)) {
		*out = type_from_ctype(t);	/* an enum or integer typedef: by value */
		return true;
	}
	if (!stars) {
		diag_error(loc, "an argument of type '%s' is passed by pointer: write '%s *'", base,
			   base);
		return false;
	}
	for (int i = 1; i < stars; i++)
		t = ctype_ptr_of(p->types, t);
	*out = type_ptr_to(t);
	return true;
}

/* "char * query" -> type "char *", name "query". */
static bool sigarg(struct probe *p, struct node *a, struct sigarg *out)
{
	char *words = xstrdup(a->name);
	char *last = strrchr(words, ' ');
	char *name = last ? last + 1 : words;

	out->loc = a->loc;
	out->name = NULL;
	if (strcmp(name, "*") && !type_is_word(name)) {
		out->name = xstrdup(name);
		if (last)
			*last = '\0';
		else
			*words = '\0';
	}
	bool ok = false;

	if (!*words)
		diag_error(a->loc, "argument '%s' needs a type, e.g. u64 %s", out->name, out->name);
	else if (type_parse(words, &out->type))
		ok = true;
	else if (strncmp(words, "struct ", 7) && strncmp(words, "union ", 6) &&
		 strncmp(words, "class ", 6) &&
		 strncmp(words, "enum ", 5) && !strstr(words, "::") && !ctype_find(p->types, words))
		diag_error(a->loc, "unknown type '%s'", words);
	else {
		bool pending = false;
		ok = program_type(p, words, a->loc, &out->type, NULL, &pending);
		out->ptype = pending ? xstrdup(words) : NULL;
	}
	free(words);
	for (int i = 0; ok && out->name && i < p->nsig; i++) {
		if (p->sig[i].name && !strcmp(p->sig[i].name, out->name)) {
			diag_error(a->loc, "argument '%s' is named twice", out->name);
			ok = false;
		}
	}
	if (!ok) {
		free(out->name);
		out->name = NULL;
		free(out->ptype);
		out->ptype = NULL;
	}
	return ok;
}

bool probe_signature(struct probe *p)
{
	struct node *a = p->node->list;

	if (a && !(p->kind->flags & PK_ARGS)) {
		diag_error(a->loc, "%s probes take no argument list", p->kind->name);
		return false;
	}
	for (; a; a = a->next) {
		if (p->nsig == PROBE_MAX_SIG) {
			diag_error(a->loc, "at most %d arguments can be named", PROBE_MAX_SIG);
			return false;
		}
		if (!sigarg(p, a, &p->sig[p->nsig]))
			return false;
		p->nsig++;
	}
	return true;
}

/* The written types a uprobe's debug info names ("struct shop::Snapshot
 * *s"), now that its sites, and so its binary, are known. */
static bool sig_debug_types(struct probe *p)
{
	const char *path = p->sites.n ? p->sites.v[0].path : NULL;

	for (int i = 0; i < p->nsig; i++) {
		struct sigarg *a = &p->sig[i];
		if (a->ptype && !program_type(p, a->ptype, a->loc, &a->type, path, NULL))
			return false;
		free(a->ptype);
		a->ptype = NULL;
	}
	return true;
}

int probe_sig_index(const struct probe *p, const char *name)
{
	for (int i = 0; i < p->nsig; i++)
		if (p->sig[i].name && !strcmp(p->sig[i].name, name))
			return i;
	return -1;
}

struct probe *probe_new(struct node *n, const struct options *opts, struct type_table *types)
{
	struct probe *p = xcalloc(1, sizeof(*p));
	const char *colon = strchr(n->name, ':');
	char *kname = colon ? xstrndup(n->name, (size_t)(colon - n->name)) : xstrdup(n->name);
	struct loc kloc = { n->loc.start, n->loc.start + (int)strlen(kname) };

	p->node = n;
	p->opts = opts;
	p->types = types;
	p->nargs = -1;
	p->nvariants = 1;
	p->kind = probe_kind_find(kname);
	if (!p->kind) {
		probe_kind_unknown(kname, kloc);
		free(kname);
		free(p);
		return NULL;
	}
	free(kname);
	if (!spec_params_given(p) || !probe_signature(p) || !p->kind->resolve(p) ||
	    !sig_debug_types(p)) {
		probe_free(p);
		return NULL;
	}
	if (!p->spec)
		p->spec = spec_subst(p, n->name, strlen(n->name));
	return p;
}

static bool same_site(const struct probe_site *a, const struct probe_site *b)
{
	return a->off == b->off && a->ref_ctr_off == b->ref_ctr_off && a->variant == b->variant &&
	       a->cookie == b->cookie && a->tp_id == b->tp_id &&
	       !strcmp(a->path ? a->path : "", b->path ? b->path : "");
}

bool probe_same_sites(const struct probe *a, const struct probe *b)
{
	/* the spec as well: some kinds keep what they attach to there alone
	 * (a software event's name, a watchpoint's mode) */
	if (a->kind != b->kind || strcmp(a->spec, b->spec) || a->period != b->period ||
	    a->offset != b->offset || a->nvariants != b->nvariants || a->sites.n != b->sites.n)
		return false;
	for (size_t i = 0; i < a->sites.n; i++)
		if (!same_site(&a->sites.v[i], &b->sites.v[i]))
			return false;
	return true;
}

void probe_detach(struct probe *p)
{
	for (size_t i = 0; i < p->sites.n; i++) {
		struct probe_site *s = &p->sites.v[i];
		for (size_t j = 0; j < s->links.n; j++)
			close(s->links.v[j]);
		for (size_t j = 0; j < s->fds.n; j++)
			close(s->fds.v[j]);
		vec_free(&s->links);
		vec_free(&s->fds);
	}
	if (p->kind->detach)
		p->kind->detach(p);
}

void probe_free(struct probe *p)
{
	if (!p)
		return;
	probe_detach(p);
	if (p->kind->free)
		p->kind->free(p);
	for (size_t i = 0; i < p->sites.n; i++) {
		free(p->sites.v[i].path);
		free(p->sites.v[i].func);
	}
	vec_free(&p->sites);
	if (p->dsig)
		bin_sig_free(p->dsig);
	free(p->dsig);
	free(p->nodebug);
	for (int i = 0; i < p->nsig; i++) {
		free(p->sig[i].name);
		free(p->sig[i].ptype);
	}
	free(p->spec);
	free(p->target);
	free(p->provider);
	free(p->name);
	free(p);
}

bool probe_attach_every_cpu(struct probe *p, struct perf_event_attr *a, int prog_fd,
			    int *nattached, const char *fail_fmt)
{
	struct probe_site *s = &p->sites.v[0];
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);

	for (int cpu = 0; cpu < ncpu; cpu++) {
		int fd = probe_perf_event_open(a, -1, cpu);
		if (fd < 0 && errno == ENODEV)
			continue;	/* offline CPU */
		if (fd < 0) {
			errmsg(fail_fmt, cpu, p->spec, strerror(errno));
			return false;
		}
		if (!probe_attach_perf_fd(s, fd, prog_fd, s->cookie, p->spec))
			return false;
	}
	if (p->opts->verbose)
		fprintf(stderr, "plumb: attached %s on %zu CPUs\n", p->spec, s->fds.n);
	(*nattached)++;
	return true;
}
