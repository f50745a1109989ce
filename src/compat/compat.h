/* SPDX-License-Identifier: GPL-2.0-only */
/* plumb argdist and plumb trace: BCC's command lines, translated into
 * plumb programs that are then compiled and run as any other. */
#ifndef PLUMB_COMPAT_H
#define PLUMB_COMPAT_H

#include <stdbool.h>

#include "options.h"
#include "parser/parse.h"

/* What runs a parsed program (plumb.c's, so that these tools go
 * through exactly the path a one-liner takes); returns the exit status. */
typedef int (*compat_run_fn)(struct program *prog, const struct options *o);

/* Whether plumb's first operand names one of the tools. */
bool compat_is_tool(const char *name);
/* argv[0] is the tool's name; o holds plumb's own options given before
 * it. Returns the exit status. */
int compat_main(int argc, char **argv, struct options *o, compat_run_fn run);

#endif
