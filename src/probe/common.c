// SPDX-License-Identifier: GPL-2.0-only
/* What probe kinds share: splitting specs, argument
 * signatures, and detaching what was attached. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probe/probe.h"

int probe_split(struct probe *p, char **parts, struct loc *locs, int max)
{
	const char *s = p->node->name;
	int n = 0, start = 0, base = p->node->loc.start;

	for (int i = 0;; i++) {
		if (s[i] != ':' && s[i])
			continue;
		if (n < max) {
			parts[n] = xstrndup(s + start, (size_t)(i - start));
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

struct probe_site *probe_add_site(struct probe *p)
{
	struct probe_site s = { .tp_id = -1 };

	vec_push(&p->sites, s);
	return &p->sites.v[p->sites.n - 1];
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
	else if (!type_parse(words, &out->type))
		diag_error(a->loc, "unknown type '%s'", words);
	else
		ok = true;
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

int probe_sig_index(const struct probe *p, const char *name)
{
	for (int i = 0; i < p->nsig; i++)
		if (p->sig[i].name && !strcmp(p->sig[i].name, name))
			return i;
	return -1;
}

struct probe *probe_new(struct node *n, const struct options *opts)
{
	struct probe *p = xcalloc(1, sizeof(*p));
	const char *colon = strchr(n->name, ':');
	char *kname = colon ? xstrndup(n->name, (size_t)(colon - n->name)) : xstrdup(n->name);
	struct loc kloc = { n->loc.start, n->loc.start + (int)strlen(kname) };

	p->node = n;
	p->opts = opts;
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
	if (!probe_signature(p) || !p->kind->resolve(p)) {
		probe_free(p);
		return NULL;
	}
	if (!p->spec)
		p->spec = xstrdup(n->name);
	return p;
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
	for (int i = 0; i < p->nsig; i++)
		free(p->sig[i].name);
	free(p->spec);
	free(p->target);
	free(p->provider);
	free(p->name);
	free(p);
}
