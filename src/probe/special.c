// SPDX-License-Identifier: GPL-2.0-only
/* BEGIN and END: programs run once, by plumb itself, through
 * BPF_PROG_TEST_RUN: BEGIN once every probe is attached, END at stop. */
#include <linux/bpf.h>

#include "probe/probe.h"

static bool once_resolve(struct probe *p)
{
	struct probe_site *s = probe_add_site(p);

	s->variant = 0;
	return true;
}

static bool begin_list(struct probe_lister *l, char **parts, int n)
{
	static const struct probe_form form = {
		"BEGIN", NULL, "once, when every probe is attached, before any other fires" };

	return probe_list_forms(l, parts, n, &form, 1);
}

static bool end_list(struct probe_lister *l, char **parts, int n)
{
	static const struct probe_form form = {
		"END", NULL, "once, at stop (-t, -c's end, exit(), a signal), before the maps print" };

	return probe_list_forms(l, parts, n, &form, 1);
}

const struct probe_kind probe_begin = {
	.name = "BEGIN",
	.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT,
	.flags = PK_ONCE | PK_BEGIN,
	.resolve = once_resolve,
	.list = begin_list,
};

const struct probe_kind probe_end = {
	.name = "END",
	.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT,
	.flags = PK_ONCE | PK_END,
	.resolve = once_resolve,
	.list = end_list,
};
