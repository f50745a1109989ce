// SPDX-License-Identifier: GPL-2.0-only
/* parse -> sema -> codegen; each stage stops the next when it reported an
 * error. */
#include <stdlib.h>

#include "compile/compile.h"

/* One BPF program (or a chain of them) per set of probe sites and
 * variant, holding every clause on those sites in program order (a USDT
 * probe has one variant per argument layout of its sites). */
static bool generate(struct compile *c)
{
	bool ok = cg_compile(&c->sema, c->prog->clauses, &c->progs.v, &c->progs.n);

	c->progs.cap = c->progs.n;
	return ok;
}

/* Errors of the machine's doing (no tracefs, no permission) are exit 1,
 * the program's are exit 2. */
static bool failed(struct compile *c)
{
	c->status = diag_status() == EXIT_RUNTIME ? EXIT_RUNTIME : EXIT_USAGE;
	return false;
}

bool compile_program(struct compile *c, struct program *prog, const struct options *o)
{
	c->prog = prog;
	c->opts = *o;
	if (!sema_macros(prog) || !sema_config(&c->opts, prog) || !sema_program(&c->sema, prog, &c->opts) ||
	    !generate(c))
		return failed(c);
	c->status = EXIT_OK;
	return true;
}

bool compile_text(struct compile *c, const char *name, const char *text, size_t len,
		  const struct options *o)
{
	struct program *prog = parse_program(name, text, len);

	if (!prog)
		return failed(c);
	c->own_prog = true;
	return compile_program(c, prog, o);
}

void compile_free(struct compile *c)
{
	for (size_t i = 0; i < c->progs.n; i++)
		cg_prog_free(c->progs.v[i]);
	vec_free(&c->progs);
	sema_free(&c->sema);
	if (c->own_prog)
		program_free(c->prog);
	c->prog = NULL;
	c->own_prog = false;
}
