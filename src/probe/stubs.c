// SPDX-License-Identifier: GPL-2.0-only
/* Temporary: kinds not implemented yet. */
#include <linux/bpf.h>

#include "probe/probe.h"

static bool later(struct probe *p)
{
	diag_error(p->node->loc, "%s probes are not supported yet", p->kind->name);
	return false;
}

const struct probe_kind probe_tracepoint = { .name = "tracepoint", .alias = "t", .resolve = later };
