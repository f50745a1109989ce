/* SPDX-License-Identifier: GPL-2.0-only */
/* What uprobe.c shares with uretprobe.c. */
#ifndef PLUMB_PROBE_UPROBE_H
#define PLUMB_PROBE_UPROBE_H

#include "probe/probe.h"

bool uprobe_resolve_sites(struct probe *p);
bool uprobe_attach_sites(struct probe *p, int variant, int prog_fd, int *nattached, bool ret);

#endif
