// SPDX-License-Identifier: GPL-2.0-only
/* Error numbers: strerror(e), the errno kept in the probe and its text
 * (the C library's strerror(3)) made in user space. */
#include <string.h>

#include "codegen/cg.h"
#include "func/func.h"
#include "sema/scope.h"

static const struct text_kind strerror_text;

extern const struct func_def func_strerror;

static void strerror_sema(struct scope *sc, struct node *n)
{
	func_int_text_sema(sc, n, &func_strerror, &strerror_text, false, "takes an error number");
}

static void strerror_render(struct out *o, struct strbuf *sb, struct type t, const uint8_t *v,
			    char mode)
{
	int64_t e;

	(void)o, (void)t, (void)mode;

	memcpy(&e, v, 8);
	sb_puts(sb, strerror((int)e));
}

static const struct text_kind strerror_text = {
	.name = "strerror", .conv = 's', .render = strerror_render,
};

const struct func_def func_strerror = {
	.name = "strerror", .min = 1, .max = 1, .sema = strerror_sema, .emit_mem = func_emit_int_arg,
};
