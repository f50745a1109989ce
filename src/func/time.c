// SPDX-License-Identifier: GPL-2.0-only
/* strftime(fmt, ns): a time to print. The value is the nanoseconds
 * given (nsecs' clock); user space turns it into wall-clock time and
 * formats it with strftime(3) when it prints it, as bpftrace does, so it
 * is a value only for printing (%s), a map key or a map value. */
#include <string.h>
#include <time.h>

#include "codegen/cg.h"
#include "func/func.h"
#include "output/out.h"
#include "sema/scope.h"
#include "util/util.h"

/* nsecs (the monotonic clock) as wall-clock time, through the distance
 * between the two clocks now, formatted with format t.len - 1. */
static void strftime_render(struct out *o, struct strbuf *sb, struct type t, const uint8_t *v,
			    char mode)
{
	struct timespec mono, real;
	struct tm tm;
	char buf[512];
	int64_t ns;
	size_t n;

	(void)mode;
	memcpy(&ns, v, 8);
	if (!t.len || t.len > o->sema->timefmts.n)
		return;
	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	int64_t wall = (int64_t)real.tv_sec * 1000000000 + real.tv_nsec -
		       ((int64_t)mono.tv_sec * 1000000000 + mono.tv_nsec - ns);
	time_t sec = (time_t)(wall / 1000000000);
	long nsec = (long)(wall % 1000000000);
	if (nsec < 0) {
		sec--;
		nsec += 1000000000;
	}
	localtime_r(&sec, &tm);
	n = out_strftime(buf, sizeof(buf), o->sema->timefmts.v[t.len - 1], &tm, nsec / 1000);
	sb_putn(sb, buf, n);
}

/* len: its format (sema->timefmts) + 1 */
static const struct text_kind timestamp_text = {
	.name = "timestamp", .word = true, .tuple = true, .conv = 's', .render = strftime_render,
};

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
	n->type = type_text(&timestamp_text, (unsigned int)i + 1);
}

static void strftime_emit(struct cg *cg, struct node *n, int reg)
{
	cg_expr(cg, func_arg(n, 1), reg);
}

const struct func_def func_strftime = {
	.name = "strftime", .min = 2, .max = 2, .sema = strftime_sema, .emit = strftime_emit,
};
