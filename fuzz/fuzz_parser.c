// SPDX-License-Identifier: GPL-2.0-only
/* libFuzzer target: arbitrary bytes as a program -> parse -> sema ->
 * code generation (no kernel), through the compile driver plumb uses.
 * Must never crash, leak, hang or read out of bounds; diagnostics are
 * thrown away. Built and run by fuzz/run. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile/compile.h"
#include "options.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	diag_set_output(fopen("/dev/null", "w"));
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *params[] = { "7", "SELECT" };
	struct options o = { .strsize = 64, .map_entries = 1024, .dry_run = true,
			     .nparams = 2, .params = params };
	char *text = malloc(size + 1);
	struct compile c = {0};

	memcpy(text, data, size);
	text[size] = '\0';
	compile_text(&c, "<fuzz>", text, size, &o);
	compile_free(&c);
	free(text);
	return 0;
}
