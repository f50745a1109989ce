/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef PLUMB_PARSE_H
#define PLUMB_PARSE_H

#include "ast/ast.h"

/* Parse a program. Diagnostics go through diag_*(); on any error the
 * result is NULL. The program keeps a pointer to text. */
struct program *parse_program(const char *name, const char *text, size_t len);
void program_free(struct program *p);

#endif
