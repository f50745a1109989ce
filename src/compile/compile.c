// SPDX-License-Identifier: GPL-2.0-only
/* parse -> sema -> codegen; each stage stops the next when it reported an
 * error. */
#include <stdlib.h>

#include "compile/compile.h"

/* One BPF program per clause, probe and variant (a USDT probe has one
 * variant per argument layout of its sites). */
static bool generate(struct compile *c)
{
	for (struct node *cl = c->prog->clauses; cl; cl = cl->next) {
		for (struct node *pn = cl->list; pn; pn = pn->next) {
			for (int v = 0; v < pn->probe->nvariants; v++) {
				struct cg_prog *p = cg_program(&c->sema, cl, pn->probe, v);
				if (!p)
					return false;
				vec_push(&c->progs, p);
			}
		}
	}
	return true;
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
	if (!sema_program(&c->sema, prog, o) || !generate(c))
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
