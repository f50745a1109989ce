// SPDX-License-Identifier: GPL-2.0-only
/* C++ names. Symbols are demangled with binutils' libiberty, the code
 * c++filt itself runs, so plumb prints exactly what c++filt prints; it can
 * also leave the parameter list out, which gives the name that stands for
 * every overload ("ns::Class::method") and the bare template instance
 * ("ns::Accumulate<long>"). A function is then found by its symbol, by its
 * full demangled name (one overload) or by that shorter name. */
#include "binary/binary.h"

#include <fnmatch.h>
#include <libiberty/demangle.h>
#include <stdlib.h>
#include <string.h>

/* libiberty.h has its own, identical ARRAY_SIZE */
#undef ARRAY_SIZE
#include "util/util.h"

/* c++filt's options: parameters, const/volatile, and every detail */
#define DEMANGLE_OPTS (DMGL_GNU_V3 | DMGL_ANSI | DMGL_VERBOSE)

char *bin_demangle(const char *name, bool params)
{
	/* only Itanium C++ names: a C symbol that happens to decode as some
	 * other language's mangling must stay as it is */
	if (strncmp(name, "_Z", 2))
		return NULL;
	return cplus_demangle(name, DEMANGLE_OPTS | (params ? DMGL_PARAMS : 0));
}

static bool wanted(const struct bin_sym *s)
{
	return s->type == BIN_SYM_FUNC;
}

void bin_funcs_load(const struct bin *b, struct bin_funcs *f)
{
	size_t n = 0;

	for (size_t i = 0; i < b->nsyms; i++)
		n += wanted(&b->syms[i]);
	f->n = 0;
	f->v = xcalloc(n ? n : 1, sizeof(*f->v));
	for (size_t i = 0; i < b->nsyms; i++) {
		const struct bin_sym *s = &b->syms[i];
		struct bin_func *fn;

		if (!wanted(s))
			continue;
		fn = &f->v[f->n++];
		fn->sym = s;
		fn->full = bin_demangle(s->name, true);
		fn->base = fn->full ? bin_demangle(s->name, false) : NULL;
		fn->name = fn->full ? fn->full : s->name;
	}
}

void bin_funcs_free(struct bin_funcs *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].full);
		free(f->v[i].base);
	}
	free(f->v);
	f->v = NULL;
	f->n = 0;
}

static bool same_text(const char *pattern, const char *s, bool glob)
{
	if (!s)
		return false;
	return glob ? !fnmatch(pattern, s, 0) : !strcmp(pattern, s);
}

/* How a function answers to a name: 3 by its symbol, 2 by its full
 * demangled name, 1 by the name without parameters, 0 not at all. */
static int answers(const struct bin_func *fn, const char *name, bool glob)
{
	if (same_text(name, fn->sym->name, glob))
		return 3;
	if (same_text(name, fn->full, glob))
		return 2;
	if (same_text(name, fn->base, glob))
		return 1;
	return 0;
}

/* An exact name takes the most precise kind of match that any function
 * has (the symbol, then one overload, then every overload); a pattern
 * takes every function matching in any of the three ways. One function
 * per address: aliases (a constructor's C1 and C2) attach once. */
size_t bin_funcs_match(const struct bin_funcs *f, const char *name, bool glob,
		       const struct bin_func ***out)
{
	VEC(const struct bin_func *) v = {0};
	int best = 0;

	for (size_t i = 0; i < f->n && !glob; i++) {
		int a = answers(&f->v[i], name, false);
		if (a > best)
			best = a;
	}
	for (size_t i = 0; i < f->n; i++) {
		const struct bin_func *fn = &f->v[i];
		int a = answers(fn, name, glob);

		if (!a || (!glob && a != best))
			continue;
		if (v.n && v.v[v.n - 1]->sym->vaddr == fn->sym->vaddr) {
			if (fn->sym->global && !v.v[v.n - 1]->sym->global)
				v.v[v.n - 1] = fn;
			continue;
		}
		vec_push(&v, fn);
	}
	*out = v.v;
	return v.n;
}

/* Candidates farther apart in length than the limit cannot be within it;
 * skipping them keeps this cheap on large C++ symbol tables. */
static void consider(const char *name, const char *cand, int limit, const char **best,
		     int *bestd)
{
	size_t a, b;
	int d;

	if (!cand)
		return;
	a = strlen(name);
	b = strlen(cand);
	if ((a > b ? a - b : b - a) > (size_t)limit)
		return;
	d = edit_distance(name, cand);
	if (d < *bestd) {
		*bestd = d;
		*best = cand;
	}
}

const char *bin_funcs_closest(const struct bin_funcs *f, const char *name)
{
	int limit = (int)strlen(name) / 3 + 1, bestd = limit + 1;
	const char *best = NULL;
	bool with_params = strchr(name, '(') != NULL;

	for (size_t i = 0; i < f->n; i++) {
		const struct bin_func *fn = &f->v[i];

		if (fn->full && !with_params)
			consider(name, fn->base ? fn->base : fn->full, limit, &best, &bestd);
		else
			consider(name, fn->name, limit, &best, &bestd);
	}
	return best;
}
