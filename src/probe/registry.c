// SPDX-License-Identifier: GPL-2.0-only
/* The probe registry: every kind plumb knows, in one table. A new kind is
 * one file that defines its struct probe_kind, one row here and one line
 * in Makefile.am; nothing else names it. */
#include <string.h>

#include "ast/diag.h"
#include "probe/probe.h"

extern const struct probe_kind probe_usdt, probe_uprobe, probe_uretprobe, probe_tracepoint,
	probe_kprobe, probe_kretprobe, probe_begin, probe_end, probe_interval, probe_profile,
	probe_software, probe_rawtracepoint, probe_watchpoint;

static const struct probe_kind *const kinds[] = {
	&probe_usdt, &probe_uprobe, &probe_uretprobe, &probe_tracepoint, &probe_kprobe,
	&probe_kretprobe, &probe_begin, &probe_end, &probe_interval, &probe_profile, &probe_software,
	&probe_rawtracepoint, &probe_watchpoint,
};

const struct probe_kind *probe_kind_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (!strcmp(kinds[i]->name, name) || (kinds[i]->alias && !strcmp(kinds[i]->alias, name)))
			return kinds[i];
	return NULL;
}

void probe_kind_unknown(const char *name, struct loc loc)
{
	const char *cands[2 * ARRAY_SIZE(kinds)];
	struct strbuf all = {0};
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		cands[n++] = kinds[i]->name;
		if (kinds[i]->alias)
			cands[n++] = kinds[i]->alias;
		sb_printf(&all, "%s%s", i ? ", " : "", kinds[i]->name);
	}
	const char *best = closest_name(name, cands, n);
	if (best)
		diag_error(loc, "unknown probe type '%s'; did you mean '%s'?", name, best);
	else
		diag_error(loc, "unknown probe type '%s' (%s)", name, all.s);
	sb_free(&all);
}
