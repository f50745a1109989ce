/* SPDX-License-Identifier: GPL-2.0-only */
/* The compile driver: a program's text through the stages, parse ->
 * sema -> codegen, in one place that plumb, plumb's other command lines
 * (compat/) and the fuzzers all call. Loading and running what it made
 * is the runtime's business, not its. */
#ifndef PLUMB_COMPILE_H
#define PLUMB_COMPILE_H

#include <stdbool.h>
#include <stddef.h>

#include "codegen/cg.h"
#include "options.h"
#include "parser/parse.h"
#include "sema/sema.h"
#include "util/util.h"

struct options;

struct compile {
	struct program *prog;	/* owned when made by compile_text */
	bool own_prog;
	struct sema sema;
	VEC(struct cg_prog *) progs;	/* one per set of sites and variant, or a chain */
	int status;		/* after a failure: EXIT_USAGE or EXIT_RUNTIME */
	struct options opts;	/* the caller's, with the program's config block */
};

/* Parse text (named name in diagnostics), check it and generate code.
 * False once the errors are reported, with c->status the exit status they
 * call for. text must outlive c. */
bool compile_text(struct compile *c, const char *name, const char *text, size_t len,
		  const struct options *o);
/* The same for a program already parsed (the caller keeps it). */
bool compile_program(struct compile *c, struct program *prog, const struct options *o);
void compile_free(struct compile *c);

#endif
