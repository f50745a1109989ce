/* SPDX-License-Identifier: GPL-2.0-only */
/* What uprobe.c shares with uretprobe.c. */
#ifndef PLUMB_PROBE_UPROBE_H
#define PLUMB_PROBE_UPROBE_H

#include "probe/probe.h"

bool uprobe_resolve_sites(struct probe *p);

/* debugsig.c: the signature from debug info, when every site is in one
 * function; args.NAME from it. */
struct bin;
void uprobe_debug_sig(struct probe *p, const struct bin *b);
bool uprobe_field_type(struct probe *p, const char *field, struct loc loc, struct type *t);
void uprobe_emit_field(struct cg *cg, struct probe *p, const char *field, int reg);
/* uprobe.c: argument idx as the calling convention passes it, raw. */
void uprobe_load_arg(struct cg *cg, int idx, int reg);

#endif
