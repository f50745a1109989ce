// SPDX-License-Identifier: GPL-2.0-only
/* Error numbers: strerror(e), the errno kept in the probe and its text
 * (the C library's strerror(3)) made in user space. */
#include <string.h>

#include "codegen/cg.h"
#include "func/func.h"
#include "sema/scope.h"

extern const struct func_def func_strerror;

static void strerror_sema(struct scope *sc, struct node *n)
{
	func_int_text_sema(sc, n, &func_strerror, false, "takes an error number");
}

static void strerror_render(struct strbuf *sb, const uint8_t *v)
{
	int64_t e;

	memcpy(&e, v, 8);
	sb_puts(sb, strerror((int)e));
}

const struct func_def func_strerror = {
	.name = "strerror", .min = 1, .max = 1, .sema = strerror_sema, .emit_mem = func_emit_int_arg,
	.render = strerror_render,
};
