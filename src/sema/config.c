// SPDX-License-Identifier: GPL-2.0-only
/* config = { NAME = VALUE; ... }: bpftrace's config block, for the
 * settings plumb has. A setting is named as bpftrace names it (max_strlen,
 * MAX_STRLEN, BPFTRACE_MAX_STRLEN) or by plumb's environment variable;
 * the command line and the environment win over the block, as in
 * bpftrace. One table holds every setting: its names, its values and
 * what it sets. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "options.h"
#include "sema/sema.h"
#include "util/util.h"

enum config_kind { CFG_NUM, CFG_BOOL, CFG_WORD };

struct config_setting {
	const char *name;	/* bpftrace's, lower case, without BPFTRACE_ */
	const char *alias;	/* another of its names, or NULL */
	enum config_kind kind;
	unsigned long lo, hi;	/* CFG_NUM */
	const char *words;	/* CFG_WORD: the values, space-separated */
	bool pow2;		/* CFG_NUM: a power of two */
	bool env;		/* read here from PLUMB_NAME, BPFTRACE_NAME (the
				   first two are read with the command line) */
	void (*set)(struct options *o, unsigned long v);
};

static void set_strlen(struct options *o, unsigned long v)
{
	if (!o->strsize_set)
		o->strsize = (unsigned int)v;
}

static void set_map_keys(struct options *o, unsigned long v)
{
	if (!o->map_entries_set)
		o->map_entries = (uint32_t)v;
}

static void set_cat_bytes(struct options *o, unsigned long v)
{
	o->cat_bytes = (unsigned int)v;
}

static void set_rb_pages(struct options *o, unsigned long v)
{
	o->rb_pages = (unsigned int)v;
}

static void set_exit_maps(struct options *o, unsigned long v)
{
	o->no_exit_maps = !v;
}

/* missing_probes = error, and the unstable_* flags: plumb's one way */
static void set_nothing(struct options *o, unsigned long v)
{
	(void)o;
	(void)v;
}

static void set_map_decl(struct options *o, unsigned long v)
{
	o->refuse_map_decl = v == 0;	/* "error" is the first word */
}

static void set_macro(struct options *o, unsigned long v)
{
	o->refuse_macro = v == 0;
}

static const struct config_setting settings[] = {
	{ "max_strlen", "strlen", CFG_NUM, 2, 256, NULL, false, false, set_strlen },
	{ "max_map_keys", "map_keys", CFG_NUM, 1, 1UL << 24, NULL, false, false, set_map_keys },
	{ "max_cat_bytes", NULL, CFG_NUM, 1, 1UL << 20, NULL, false, true, set_cat_bytes },
	{ "perf_rb_pages", NULL, CFG_NUM, 1, 1UL << 16, NULL, true, true, set_rb_pages },
	{ "print_maps_on_exit", NULL, CFG_BOOL, 0, 1, NULL, false, true, set_exit_maps },
	{ "missing_probes", NULL, CFG_WORD, 0, 0, "error", false, true, set_nothing },
	{ "unstable_map_decl", NULL, CFG_WORD, 0, 0, "error warn enable", false, true, set_map_decl },
	{ "unstable_macro", NULL, CFG_WORD, 0, 0, "error warn enable", false, true, set_macro },
};

#define PLUMB_KEYS "max_strlen, max_map_keys, max_cat_bytes, perf_rb_pages, " \
	"print_maps_on_exit, missing_probes, unstable_map_decl, unstable_macro"

/* bpftrace's other settings, each with why plumb has none. */
static const struct {
	const char *name, *why;
} bpftrace_only[] = {
	{ "cache_user_symbols", "plumb reads each binary's symbols once, by path" },
	{ "cpp_demangle", "plumb always demangles" },
	{ "lazy_symbolication", "plumb reads each binary's symbols once, by path" },
	{ "license", "plumb's programs are GPL" },
	{ "log_size", "the verifier's log grows to fit" },
	{ "max_bpf_progs", "plumb has no such limit" },
	{ "max_probes", "plumb has no such limit" },
	{ "on_stack_limit", "plumb sizes its stack itself" },
	{ "show_debug_info", "plumb prints stacks one way" },
	{ "stack_mode", "plumb prints stacks one way" },
	{ "str_trunc_trailer", "plumb truncates strings with no trailer" },
	{ "max_type_res_iterations", "plumb has no such limit" },
	{ "max_ast_nodes", "plumb has no such limit" },
	{ "debug_output", "-d prints the program" },
	{ "unstable_tseries", "plumb has no tseries()" },
	{ "unstable_addr", "plumb has no '&' of a variable" },
	{ "unstable_import", "plumb has no import" },
};

/* The name in lower case, without a BPFTRACE_ or PLUMB_ prefix, and
 * bpftrace's MAP_KEYS_MAX as plumb's MAP_KEYS. */
static void canonical(const char *name, char *out, size_t len)
{
	size_t i = 0;

	if (!strncasecmp(name, "bpftrace_", 9))
		name += 9;
	else if (!strncasecmp(name, "plumb_", 6))
		name += 6;
	for (; name[i] && i + 1 < len; i++)
		out[i] = (char)tolower((unsigned char)name[i]);
	out[i] = '\0';
	if (!strcmp(out, "map_keys_max"))
		snprintf(out, len, "map_keys");
}

static const struct config_setting *setting_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(settings); i++)
		if (!strcmp(name, settings[i].name) ||
		    (settings[i].alias && !strcmp(name, settings[i].alias)))
			return &settings[i];
	return NULL;
}

static void unknown(struct node *item, const char *name)
{
	const char *cands[ARRAY_SIZE(settings)];

	for (size_t i = 0; i < ARRAY_SIZE(bpftrace_only); i++) {
		if (!strcmp(name, bpftrace_only[i].name)) {
			diag_error(item->loc, "bpftrace's setting '%s' has no counterpart in plumb "
				   "(%s; plumb's: " PLUMB_KEYS ")", item->name, bpftrace_only[i].why);
			return;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(settings); i++)
		cands[i] = settings[i].name;
	const char *best = closest_name(name, cands, ARRAY_SIZE(settings));
	if (best)
		diag_error(item->loc, "unknown setting '%s'; did you mean '%s'?", item->name, best);
	else
		diag_error(item->loc, "unknown setting '%s' (plumb's: " PLUMB_KEYS ")", item->name);
}

/* The index of word w among s->words, or -1. */
static int word_index(const struct config_setting *s, const char *w)
{
	const char *p = s->words;
	size_t n = strlen(w);

	for (int i = 0; *p; i++) {
		size_t len = strcspn(p, " ");
		if (len == n && !strncasecmp(p, w, n))
			return i;
		p += len + (p[len] == ' ');
	}
	return -1;
}

/* A decimal number up to max, and nothing after it. */
static bool number(const char *text, unsigned long max, unsigned long *v)
{
	char *end;

	if (!isdigit((unsigned char)*text))
		return false;
	errno = 0;
	*v = strtoul(text, &end, 10);
	return !errno && !*end && *v <= max;
}

/* Text for a value: a number, true/false (or 1/0), a word. */
static bool value_of(const struct config_setting *s, const char *text, unsigned long *v)
{
	int w;

	switch (s->kind) {
	case CFG_NUM:
		return number(text, s->hi, v) && *v >= s->lo && (!s->pow2 || !(*v & (*v - 1)));
	case CFG_BOOL:
		if (!strcasecmp(text, "true") || !strcmp(text, "1"))
			*v = 1;
		else if (!strcasecmp(text, "false") || !strcmp(text, "0"))
			*v = 0;
		else
			return false;
		return true;
	case CFG_WORD:
		w = word_index(s, text);
		*v = (unsigned long)w;
		return w >= 0;
	}
	return false;
}

static void bad_value(struct loc l, const char *name, const struct config_setting *s,
		      const char *text)
{
	char what[96];

	if (s->kind == CFG_NUM)
		snprintf(what, sizeof(what), "a %snumber from %lu to %lu", s->pow2 ? "power-of-two " : "",
			 s->lo, s->hi);
	else if (s->kind == CFG_BOOL)
		snprintf(what, sizeof(what), "true or false");
	else
		snprintf(what, sizeof(what), "one of: %s", s->words);
	if (text)
		errmsg("%s must be %s, not '%s'", name, what, text);
	else
		diag_error(l, "%s must be %s", name, what);
}

/* The item's value as text: bpftrace writes numbers, true/false, words
 * and strings. */
static const char *item_text(const struct node *v, char *buf, size_t len)
{
	if (v->kind == AST_INT)
		snprintf(buf, len, "%llu", (unsigned long long)v->num);
	else if (v->kind == AST_BOOL)
		snprintf(buf, len, "%s", v->num ? "true" : "false");
	else
		snprintf(buf, len, "%s", v->name);
	return buf;
}

static void one(struct options *o, struct node *item)
{
	char name[64], text[64];
	const struct config_setting *s;
	unsigned long v;

	canonical(item->name, name, sizeof(name));
	s = setting_find(name);
	if (!s) {
		unknown(item, name);
		return;
	}
	if ((s->kind == CFG_NUM && item->a->kind != AST_INT) ||
	    !value_of(s, item_text(item->a, text, sizeof(text)), &v)) {
		bad_value(item->a->loc, item->name, s, NULL);
		return;
	}
	s->set(o, v);
}

/* The environment, read after the block: it wins. */
static bool environment(struct options *o)
{
	for (size_t i = 0; i < ARRAY_SIZE(settings); i++) {
		const struct config_setting *s = &settings[i];
		char var[2][64];
		unsigned long v;

		if (!s->env)
			continue;
		snprintf(var[0], sizeof(var[0]), "PLUMB_%s", s->name);
		snprintf(var[1], sizeof(var[1]), "BPFTRACE_%s", s->name);
		for (int k = 0; k < 2; k++) {
			for (char *p = var[k]; *p; p++)
				*p = (char)toupper((unsigned char)*p);
			const char *e = getenv(var[k]);
			if (!e)
				continue;
			if (!value_of(s, e, &v)) {
				bad_value((struct loc){ 0, 0 }, var[k], s, e);
				return false;
			}
			s->set(o, v);
			break;
		}
	}
	return true;
}

/* unstable_map_decl = error, unstable_macro = error: bpftrace's way to
 * make sure a program does not use them. */
static void refused_features(const struct options *o, const struct program *prog)
{
	if (o->refuse_map_decl && prog->decls)
		diag_error(prog->decls->loc, "a map declaration, which the config block refuses "
			   "(unstable_map_decl = error)");
	if (o->refuse_macro && prog->macros)
		diag_error(prog->macros->loc, "a macro, which the config block refuses "
			   "(unstable_macro = error)");
}

bool sema_config(struct options *o, const struct program *prog)
{
	int errors = diag_errors();

	for (struct node *item = prog->config ? prog->config->list : NULL; item; item = item->next)
		one(o, item);
	if (diag_errors() != errors || !environment(o))
		return false;
	refused_features(o, prog);
	return diag_errors() == errors;
}
