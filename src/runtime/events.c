// SPDX-License-Identifier: GPL-2.0-only
/* Records from the ring buffer: printf lines formatted here, exit(),
 * print() and clear(). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "binary/binary.h"
#include "options.h"
#include "runtime/rt.h"

static uint64_t word(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static void int_arg(struct strbuf *sb, const struct fmt_arg *a, uint64_t v)
{
	if (a->conv == FC_INT) {
		long long s = (long long)v;
		if (a->trunc == 1)
			s = (signed char)s;
		else if (a->trunc == 2)
			s = (short)s;
		else if (a->trunc == 4)
			s = (int)s;
		sb_printf(sb, a->spec, s);
		return;
	}
	if (a->trunc == 1)
		v = (unsigned char)v;
	else if (a->trunc == 2)
		v = (unsigned short)v;
	else if (a->trunc == 4)
		v = (unsigned int)v;
	if (a->conv == FC_CHAR)
		sb_printf(sb, a->spec, (int)(unsigned char)v);
	else
		sb_printf(sb, a->spec, (unsigned long long)v);
}

static void one_arg(struct rt *rt, struct strbuf *sb, const struct fmt_arg *a, const uint8_t *p)
{
	struct strbuf tmp = {0};

	switch (a->conv) {
	case FC_INT:
	case FC_UINT:
	case FC_CHAR:
		int_arg(sb, a, word(p));
		return;
	case FC_PTR:
		sb_printf(&tmp, "0x%llx", (unsigned long long)word(p));
		break;
	case FC_TEXT:
		a->type.text->render(&rt->out, &tmp, a->type, p, a->mode);
		break;
	case FC_STR: {
		size_t n = strnlen((const char *)p, a->type.len);
		sb_putn(&tmp, (const char *)p, n);
		break;
	}
	default:
		out_value_str(&rt->out, &tmp, a->type, p);
	}
	sb_printf(sb, a->spec, tmp.s ? tmp.s : "");
	sb_free(&tmp);
}

/* warnf() and errorf(): "FILE:LINE:COL: error: TEXT" on stderr, one line. */
static void message(const struct event *ev, const struct strbuf *sb)
{
	const struct src *src = diag_src();
	int line = 0, col = 0;
	size_t n = sb->len;

	diag_linecol(ev->loc.start, &line, &col);
	while (n && sb->s[n - 1] == '\n')
		n--;
	fprintf(stderr, "%s:%d:%d: %s: %.*s\n", src ? src->name : "<program>", line, col,
		ev->level == MSG_ERROR ? "error" : "warning", (int)n, sb->s ? sb->s : "");
}

/* time(): now, as strftime(3) formats it, with bpftrace's %f
 * (microseconds) as well. */
static void time_event(struct rt *rt, const struct event *ev)
{
	struct timespec ts;
	struct tm tm;
	char buf[512];
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	n = out_strftime(buf, sizeof(buf), ev->timefmt, &tm, ts.tv_nsec / 1000);
	out_printf_line(&rt->out, buf, n);
	rt_check_stdout(rt);
}

/* join(): the strings the program read, up to the count in the header's
 * upper half, separated. */
static void join_event(struct rt *rt, const struct event *ev, const uint8_t *rec, size_t size)
{
	struct strbuf sb = {0};
	uint32_t n;

	if (size < 8 + (size_t)JOIN_ARGS * ev->top)
		return;
	memcpy(&n, rec + 4, 4);
	for (uint32_t i = 0; i < n && i < JOIN_ARGS; i++) {
		const char *s = (const char *)rec + 8 + (size_t)i * ev->top;
		if (i)
			sb_puts(&sb, ev->timefmt);
		sb_putn(&sb, s, strnlen(s, ev->top));
	}
	sb_putc(&sb, '\n');
	out_printf_line(&rt->out, sb.s, sb.len);
	sb_free(&sb);
	rt_check_stdout(rt);
}

static void printf_event(struct rt *rt, const struct event *ev, const uint8_t *rec, size_t size)
{
	const struct fmt *f = ev->fmt;

	struct strbuf sb = {0};

	if (size < f->size)
		return;
	for (int i = 0; i < f->nargs; i++) {
		sb_puts(&sb, f->lits[i]);
		one_arg(rt, &sb, &f->args[i], rec + f->args[i].off);
	}
	sb_puts(&sb, f->lits[f->nargs]);
	if (ev->level == MSG_SYSTEM)
		rt_system(rt, sb.s ? sb.s : "");
	else if (ev->level == MSG_CAT)
		rt_cat(rt, sb.s ? sb.s : "");
	else if (ev->level != MSG_PRINTF)
		message(ev, &sb);
	else if (rt->opts->printer && rt->opts->printer->line)
		rt->opts->printer->line(rt, rt->opts->printer->ctx, sb.s ? sb.s : "", sb.len);
	else
		out_printf_line(&rt->out, sb.s ? sb.s : "", sb.len);
	sb_free(&sb);
	rt_check_stdout(rt);
}

/* Whether the loop's time for reading records is up: a negative return
 * stops libbpf's read after this record (it is consumed). The clock is
 * read once every 64 records, not on each: this runs per event. */
static bool past_deadline(struct rt *rt)
{
	struct timespec ts;

	if (!rt->rb_until_ns || (++rt->rb_records & 63))
		return false;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec >= rt->rb_until_ns;
}

int rt_event(void *ctx, void *data, size_t size)
{
	struct rt *rt = ctx;
	uint32_t id;

	if (size < 8 || rt->pipe_gone || rt->out_failed)
		return 0;
	memcpy(&id, data, 4);
	if (id < 1 || id > rt->sema->events.n)
		return 0;
	const struct event *ev = &rt->sema->events.v[id - 1];
	switch (ev->kind) {
	case EV_PRINTF:
		printf_event(rt, ev, data, size);
		break;
	case EV_TIME:
		time_event(rt, ev);
		break;
	case EV_JOIN:
		join_event(rt, ev, data, size);
		break;
	case EV_EXIT:
		/* the status is the config map's: the first exit() wins */
		rt_poll_requests(rt);
		break;
	case EV_PRINT:
		rt_print_map_top(rt, ev->map, ev->top, ev->div);
		rt_check_stdout(rt);
		break;
	case EV_CLEAR:
		rt_map_clear(rt, ev->map);
		rt_map_cleared(rt, ev->map);
		break;
	case EV_ZERO:
		rt_map_zero(rt, ev->map);
		break;
	case EV_VALUE:
		if (size >= 8 + type_storage(ev->type)) {
			out_value_line(&rt->out, ev->type, (const uint8_t *)data + 8);
			rt_check_stdout(rt);
		}
		break;
	}
	return past_deadline(rt) ? -EAGAIN : 0;
}

/* A reader that went away (| head) ends the trace quietly; any other
 * write error (a full disk) ends it with exit 1, said once: output
 * that cannot be written is never dropped silently. */
void rt_check_stdout(struct rt *rt)
{
	int err;

	if (rt->pipe_gone || rt->out_failed)
		return;
	err = out_flush(rt->out.f);
	if (!err)
		return;
	rt->stop = true;
	if (err == EPIPE)
		rt->pipe_gone = true;
	else
		rt->out_failed = true;
}

/* Requests of one print()/clear() event that the ring buffer had no
 * room for, carried out once for all of them. */
static void late_request(struct rt *rt, const struct event *ev, uint64_t n)
{
	char what[300];

	snprintf(what, sizeof(what), "%s(%s)", ev->kind == EV_PRINT ? "print" :
		 ev->kind == EV_ZERO ? "zero" : "clear", ev->map->name);
	if (ev->kind == EV_PRINT)
		rt_print_map_top(rt, ev->map, ev->top, ev->div);
	else if (ev->kind == EV_ZERO)
		rt_map_zero(rt, ev->map);
	else {
		rt_map_clear(rt, ev->map);
		rt_map_cleared(rt, ev->map);
	}
	errmsg("%llu %s request%s found the event buffer full: carried out once, out of order "
	       "with the output around it",
	       (unsigned long long)n, what, n == 1 ? "" : "s");
	rt_check_stdout(rt);
}

void rt_poll_requests(struct rt *rt)
{
	size_t nev = rt->sema->events.n;

	if (!rt->config) {
		rt->config = xcalloc(1, rt_config_size(rt));
		rt->requests = xcalloc(nev + 1, sizeof(uint64_t));
	}
	if (!rt_config_read(rt, rt->config))
		return;
	if ((rt->config[CONFIG_EXIT / 8] & CONFIG_EXITED) && !rt->exited) {
		rt->exited = rt->stop = true;
		rt->exit_code = (int)(uint32_t)rt->config[CONFIG_EXIT / 8];
	}
	for (size_t id = 1; id <= nev && !rt->pipe_gone; id++) {
		const struct event *ev = &rt->sema->events.v[id - 1];
		uint64_t asked = rt->config[CONFIG_EVENT(id) / 8];
		if ((ev->kind == EV_PRINT || ev->kind == EV_CLEAR || ev->kind == EV_ZERO) &&
		    asked > rt->requests[id]) {
			late_request(rt, ev, asked - rt->requests[id]);
			rt->requests[id] = asked;
		}
	}
}

void rt_requests_free(struct rt *rt)
{
	free(rt->config);
	free(rt->requests);
	rt->config = NULL;
	rt->requests = NULL;
}
