/* SPDX-License-Identifier: GPL-2.0-only */
/* What tracepoint.c offers beyond its probe kind: listing (plumb -l). */
#ifndef PLUMB_PROBE_TRACEPOINT_H
#define PLUMB_PROBE_TRACEPOINT_H

#include <stdbool.h>
#include <stdio.h>

/* Print "tracepoint:CAT:NAME" for every event whose "CAT:NAME" matches
 * the fnmatch pattern (every event when NULL; a leading "tracepoint:" or
 * "t:" is ignored; a pattern without ':' also matches NAME alone),
 * sorted. Returns how many were printed, or -1 (after saying why) when
 * tracefs cannot be used. */
int tracepoint_list(const char *pattern, FILE *out);
/* The fields of one event ("CAT:NAME", prefix optional) as "    TYPE NAME;"
 * lines, the common_* fields left out (like bpftrace -lv). False, after
 * saying why, when the event or its format cannot be read. */
bool tracepoint_list_fields(const char *event, FILE *out);

#endif
