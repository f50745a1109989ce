// SPDX-License-Identifier: GPL-2.0-only
/* strftime(fmt, ns): a time to print. The value is the nanoseconds
 * given (nsecs' clock); user space turns it into wall-clock time and
 * formats it with strftime(3) when it prints it, as bpftrace does, so it
 * is a value only for printing (%s), a map key or a map value. */
#include <string.h>

#include "codegen/cg.h"
#include "func/func.h"
#include "sema/scope.h"
#include "util/util.h"

static void strftime_sema(struct scope *sc, struct node *n)
{
	struct node *fmt = func_arg(n, 0), *ns = func_arg(n, 1);
	struct sema *s = sc->s;

	sema_expr(sc, ns);
	if (fmt->kind != AST_STR || strlen(fmt->name) != fmt->len) {
		sc_error(sc, fmt->loc, "the format of strftime() must be a constant string");
		return;
	}
	if (!type_is_int(ns->type)) {
		if (!type_bad(ns->type))
			sc_error(sc, ns->loc, "strftime() takes a time in nanoseconds (nsecs)");
		return;
	}
	size_t i;
	for (i = 0; i < s->timefmts.n && strcmp(s->timefmts.v[i], fmt->name); i++)
		;
	if (i == s->timefmts.n)
		vec_push(&s->timefmts, xstrdup(fmt->name));
	n->type = type_of(T_TIMESTAMP);
	n->type.len = (unsigned int)i + 1;
}

static void strftime_emit(struct cg *cg, struct node *n, int reg)
{
	cg_expr(cg, func_arg(n, 1), reg);
}

const struct func_def func_strftime = {
	.name = "strftime", .min = 2, .max = 2, .sema = strftime_sema, .emit = strftime_emit,
};
