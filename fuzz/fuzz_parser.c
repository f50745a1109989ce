// SPDX-License-Identifier: GPL-2.0-only
/* libFuzzer target: arbitrary bytes as a program -> parse -> sema ->
 * code generation (no kernel). Must never crash, leak, hang or read out
 * of bounds; diagnostics are thrown away. Built and run by fuzz/run. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/cg.h"
#include "options.h"
#include "parser/parse.h"
#include "sema/sema.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	diag_set_output(fopen("/dev/null", "w"));
	return 0;
}

static void compile(struct sema *s, struct program *prog)
{
	for (struct node *c = prog->clauses; c; c = c->next)
		for (struct node *pn = c->list; pn; pn = pn->next)
			for (int v = 0; v < pn->probe->nvariants; v++)
				cg_prog_free(cg_program(s, c, pn->probe, v));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *params[] = { "7", "SELECT" };
	struct options o = { .strsize = 64, .map_entries = 1024, .dry_run = true,
			     .nparams = 2, .params = params };
	char *text = malloc(size + 1);
	struct program *prog;
	struct sema s = {0};

	memcpy(text, data, size);
	text[size] = '\0';
	prog = parse_program("<fuzz>", text, size);
	if (prog && sema_program(&s, prog, &o))
		compile(&s, prog);
	sema_free(&s);
	program_free(prog);
	free(text);
	return 0;
}
