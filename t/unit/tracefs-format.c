// SPDX-License-Identifier: GPL-2.0-only
/* Test helper for the tracepoint format parser (src/tracefs/format.c),
 * with no kernel: each FILE is a saved events/CAT/NAME/format, and every
 * field the parser keeps is printed as
 *
 *   NAME|TYPE|offset|size|signed|array|dyn|DECL
 *
 * (dyn: fixed, data_loc or rel_loc), so a test compares it with what the
 * file says. Usage: tracefs-format FILE... */
#include <stdio.h>
#include <stdlib.h>

#include "tracefs/tracefs.h"

static const char *const dyns[] = { "fixed", "data_loc", "rel_loc" };

static int dump(const char *path)
{
	struct tracefs_format fmt = {0};
	char *text = tracefs_slurp(path, TRACEFS_FORMAT_MAX);

	if (!text) {
		perror(path);
		return 1;
	}
	tracefs_format_parse(text, &fmt);
	for (size_t i = 0; i < fmt.fields.n; i++) {
		const struct tracefs_field *f = &fmt.fields.v[i];
		printf("%s|%s|%d|%d|%d|%d|%s|%s\n", f->name, f->type, f->offset, f->size, f->sign,
		       f->array, dyns[f->dyn], f->decl);
	}
	tracefs_format_free(&fmt);
	free(text);
	return 0;
}

int main(int argc, char **argv)
{
	int rc = 0;

	for (int i = 1; i < argc; i++)
		rc |= dump(argv[i]);
	return rc;
}
