/* SPDX-License-Identifier: GPL-2.0-only */
/* What uprobe.c shares with uretprobe.c. */
#ifndef PLUMB_PROBE_UPROBE_H
#define PLUMB_PROBE_UPROBE_H

#include "probe/probe.h"

bool uprobe_resolve_sites(struct probe *p);

#endif
