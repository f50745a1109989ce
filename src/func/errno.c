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
	sema_expr(sc, n->list);
	if (type_bad(n->list->type))
		return;
	if (n->list->type.kind != T_INT) {
		sc_error(sc, n->list->loc, "strerror() takes an error number, not a %s",
			 type_name(n->list->type, (char[32]){0}, 32));
		return;
	}
	n->type = func_text_type(&func_strerror, 8);
}

/* The number, as an int: strerror(3)'s argument. */
static void strerror_emit(struct cg *cg, struct node *n, int base, int off, int len)
{
	int r = cg_reg_alloc(cg);
	int v = r < 0 ? R0 : r;

	(void)len;
	cg_expr(cg, n->list, v);
	cg_emit(cg, STX(BPF_DW, base, v, (int16_t)off));
	cg_reg_free(cg, r);
}

static void strerror_render(struct strbuf *sb, const uint8_t *v)
{
	int64_t e;

	memcpy(&e, v, 8);
	sb_puts(sb, strerror((int)e));
}

const struct func_def func_strerror = {
	.name = "strerror", .min = 1, .max = 1, .sema = strerror_sema, .emit_mem = strerror_emit,
	.render = strerror_render,
};
