// SPDX-License-Identifier: GPL-2.0-only
#include "ast/diag.h"

#include <stdio.h>
#include <string.h>

static const struct src *cur;
static int nerrors;
static bool muted;
static bool env;
static FILE *out;
static const struct diag_origin *origins;
static size_t norigins;

void diag_set_origins(const struct diag_origin *v, size_t n)
{
	origins = v;
	norigins = n;
}

/* The narrowest origin holding off, or NULL. */
static const struct diag_origin *origin_of(int off)
{
	const struct diag_origin *best = NULL;

	for (size_t i = 0; i < norigins; i++) {
		const struct diag_origin *o = &origins[i];
		if (off >= o->start && off < o->end &&
		    (!best || o->end - o->start < best->end - best->start))
			best = o;
	}
	return best;
}

/* Move loc into the source it was made from; returns that source. */
static const struct src *remap(struct loc *loc)
{
	const struct diag_origin *o = origin_of(loc->start);
	int len = loc->end - loc->start;

	if (!o)
		return cur;
	if (!o->linear) {
		loc->start = o->src_start;
		loc->end = o->src_end;
		return o->src;
	}
	loc->start = o->src_start + (loc->start - o->start);
	loc->end = loc->start + (len > 0 ? len : 1);
	if (loc->end > o->src_end)
		loc->end = o->src_end;
	return o->src;
}

void diag_set_output(FILE *f)
{
	out = f;
}

void diag_mute(bool on)
{
	muted = on;
}

void diag_init(const struct src *src)
{
	cur = src;
	nerrors = 0;
	env = false;
}

void diag_env_failure(void)
{
	env = true;
}

int diag_status(void)
{
	return env ? EXIT_RUNTIME : nerrors ? EXIT_USAGE : EXIT_OK;
}

const struct src *diag_src(void)
{
	return cur;
}

int diag_errors(void)
{
	return nerrors;
}

static int clamp_off(int off)
{
	if (off < 0)
		return 0;
	if ((size_t)off > cur->len)
		return (int)cur->len;
	return off;
}

void diag_linecol(int off, int *line, int *col)
{
	int l = 1, c = 1;

	off = clamp_off(off);
	for (int i = 0; i < off; i++) {
		if (cur->text[i] == '\n') {
			l++;
			c = 1;
		} else {
			c++;
		}
	}
	*line = l;
	*col = c;
}

/* Print the line holding loc.start, then carets under the span (cut at the
 * end of that line). Tabs are copied so the carets line up. A line longer
 * than DIAG_WIDTH bytes is shown as a window of that many around the
 * caret, "..." marking what is left out: a megabyte on one line must not
 * become a megabyte of error message. */
#define OUT (out ? out : stderr)
#define DIAG_WIDTH 160

static bool continuation(int i)
{
	return ((unsigned char)cur->text[i] & 0xc0) == 0x80;
}

/* The window [*from, *to) of the line [bol, eol) that shows offset s. */
static void window(int bol, int eol, int s, int *from, int *to)
{
	*from = bol;
	*to = eol;
	if (eol - bol <= DIAG_WIDTH)
		return;
	*from = s - DIAG_WIDTH / 2 > bol ? s - DIAG_WIDTH / 2 : bol;
	*to = *from + DIAG_WIDTH < eol ? *from + DIAG_WIDTH : eol;
	if (*to - *from < DIAG_WIDTH)
		*from = *to - DIAG_WIDTH;
	/* whole UTF-8 characters only */
	while (*from > bol && continuation(*from))
		(*from)--;
	while (*to < eol && continuation(*to))
		(*to)++;
}

static void show_source(struct loc loc)
{
	int s = clamp_off(loc.start), e = clamp_off(loc.end);
	int bol = s, eol = s, from, to;

	while (bol > 0 && cur->text[bol - 1] != '\n')
		bol--;
	while ((size_t)eol < cur->len && cur->text[eol] != '\n')
		eol++;
	window(bol, eol, s, &from, &to);
	if (e > to)
		e = to;
	if (e <= s)
		e = s + 1;
	if (from > bol)
		fputs("...", OUT);
	for (int i = from; i < to; i++) {
		unsigned char ch = (unsigned char)cur->text[i];
		fputc(ch < 0x20 && ch != '\t' ? ' ' : ch, OUT);
	}
	if (to < eol)
		fputs("...", OUT);
	fputc('\n', OUT);
	if (from > bol)
		fputs("   ", OUT);
	for (int i = from; i < s; i++)
		fputc(cur->text[i] == '\t' ? '\t' : ' ', OUT);
	for (int i = s; i < e; i++)
		fputc('^', OUT);
	fputc('\n', OUT);
}

static void report(const char *kind, struct loc loc, const char *fmt, va_list ap)
{
	const struct src *saved = cur;
	int line, col;

	if (cur)
		cur = remap(&loc);
	if (!cur) {
		fprintf(OUT, "plumb: %s: ", kind);
		vfprintf(OUT, fmt, ap);
		fputc('\n', OUT);
		return;
	}
	diag_linecol(loc.start, &line, &col);
	fprintf(OUT, "%s:%d:%d: %s: ", cur->name, line, col, kind);
	vfprintf(OUT, fmt, ap);
	fputc('\n', OUT);
	show_source(loc);
	cur = saved;
}

void diag_verror(struct loc loc, const char *fmt, va_list ap)
{
	if (muted)
		return;
	if (nerrors++ < DIAG_MAX_ERRORS)
		report("error", loc, fmt, ap);
}

void diag_error(struct loc loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_verror(loc, fmt, ap);
	va_end(ap);
}

void diag_warning(struct loc loc, const char *fmt, ...)
{
	va_list ap;

	if (muted)
		return;
	va_start(ap, fmt);
	report("warning", loc, fmt, ap);
	va_end(ap);
}

void diag_note(struct loc loc, const char *fmt, ...)
{
	va_list ap;

	if (muted || nerrors > DIAG_MAX_ERRORS)
		return;
	va_start(ap, fmt);
	report("note", loc, fmt, ap);
	va_end(ap);
}
