// SPDX-License-Identifier: GPL-2.0-only
/* config = { NAME = VALUE; ... }: bpftrace's config block, for the
 * settings plumb has. A setting is named as bpftrace names it (max_strlen,
 * MAX_STRLEN, BPFTRACE_MAX_STRLEN) or by plumb's environment variable;
 * the command line and the environment win over the block, as in
 * bpftrace. */
#include <ctype.h>
#include <string.h>

#include "options.h"
#include "sema/sema.h"
#include "util/util.h"

struct config_setting {
	const char *name;	/* bpftrace's, lower case, without BPFTRACE_ */
	const char *alias;	/* another of its names, or NULL */
	unsigned long lo, hi;
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

static const struct config_setting settings[] = {
	{ "max_strlen", "strlen", 2, 256, set_strlen },
	{ "max_map_keys", "map_keys", 1, 1UL << 24, set_map_keys },
};

/* bpftrace's other settings: named as such when refused. */
static const char *const bpftrace_only[] = {
	"cache_user_symbols", "cpp_demangle", "lazy_symbolication", "license", "log_size",
	"max_bpf_progs", "max_cat_bytes", "max_probes", "missing_probes", "on_stack_limit",
	"perf_rb_pages", "print_maps_on_exit", "show_debug_info", "stack_mode",
	"str_trunc_trailer", "max_type_res_iterations", "max_ast_nodes", "debug_output",
	"unstable_map_decl", "unstable_tseries", "unstable_addr", "unstable_import",
	"unstable_macro",
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
		if (!strcmp(name, bpftrace_only[i])) {
			diag_error(item->loc, "bpftrace's setting '%s' has no counterpart in plumb "
				   "(plumb's: max_strlen, max_map_keys)", item->name);
			return;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(settings); i++)
		cands[i] = settings[i].name;
	const char *best = closest_name(name, cands, ARRAY_SIZE(settings));
	if (best)
		diag_error(item->loc, "unknown setting '%s'; did you mean '%s'?", item->name, best);
	else
		diag_error(item->loc, "unknown setting '%s' (plumb's: max_strlen, max_map_keys)",
			   item->name);
}

static void one(struct options *o, struct node *item)
{
	char name[64];
	const struct config_setting *s;

	canonical(item->name, name, sizeof(name));
	s = setting_find(name);
	if (!s) {
		unknown(item, name);
		return;
	}
	if (item->a->kind != AST_INT || item->a->num < s->lo || item->a->num > s->hi) {
		diag_error(item->a->loc, "%s must be a number from %lu to %lu", item->name, s->lo,
			   s->hi);
		return;
	}
	s->set(o, (unsigned long)item->a->num);
}

bool sema_config(struct options *o, struct node *config)
{
	int errors = diag_errors();

	for (struct node *item = config ? config->list : NULL; item; item = item->next)
		one(o, item);
	return diag_errors() == errors;
}
