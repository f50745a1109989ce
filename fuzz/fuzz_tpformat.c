// SPDX-License-Identifier: GPL-2.0-only
/* libFuzzer target for the tracepoint format parser (src/tracefs/format.c):
 * arbitrary bytes as an events/CAT/NAME/format file. Every field kept must
 * be whole (a name, a type, a record position inside the largest record)
 * and findable by its name. Built and run by fuzz/run. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tracefs/tracefs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct tracefs_format *fmt)
{
	for (size_t i = 0; i < fmt->fields.n; i++) {
		const struct tracefs_field *f = &fmt->fields.v[i];
		if (!*f->name || !*f->type || !f->decl || f->offset < 0 || f->size < 0 ||
		    f->offset + f->size > TRACEFS_RECORD_MAX)
			abort();
		if (!tracefs_field_find(fmt, f->name))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tracefs_format fmt = {0};
	char *text = malloc(size + 1);

	memcpy(text, data, size);
	text[size] = '\0';
	tracefs_format_parse(text, &fmt);
	check(&fmt);
	tracefs_format_free(&fmt);
	free(text);
	return 0;
}
