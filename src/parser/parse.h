/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef PLUMB_PARSE_H
#define PLUMB_PARSE_H

#include "ast/ast.h"

/* The largest program plumb takes, in bytes: a bound on what it reads
 * (-f /dev/zero must not eat the machine's memory), far above any
 * one-liner or script. */
#define PARSE_MAX_BYTES (1u << 20)

/* Parse a program. Diagnostics go through diag_*(); on any error the
 * result is NULL. The program keeps a pointer to text. */
struct program *parse_program(const char *name, const char *text, size_t len);
void program_free(struct program *p);

#endif
