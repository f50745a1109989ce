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

const struct probe_kind probe_begin = {
	.name = "BEGIN",
	.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT,
	.flags = PK_ONCE | PK_BEGIN,
	.resolve = once_resolve,
};

const struct probe_kind probe_end = {
	.name = "END",
	.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT,
	.flags = PK_ONCE | PK_END,
	.resolve = once_resolve,
};
