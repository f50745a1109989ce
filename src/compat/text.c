// SPDX-License-Identifier: GPL-2.0-only
/* Program text built from specifiers, remembering where each piece came
 * from; spans of specifiers. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "compat/compat-int.h"

void ct_lit(struct ctext *t, const char *s)
{
	sb_puts(&t->sb, s);
}

void ct_printf(struct ctext *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sb_vprintf(&t->sb, fmt, ap);
	va_end(ap);
}

static void add_origin(struct ctext *t, size_t from, const struct src *src, int start, int end,
		       bool linear)
{
	struct diag_origin o = {
		.start = (int)from, .end = (int)t->sb.len, .src = src,
		.src_start = start, .src_end = end > start ? end : start + 1, .linear = linear,
	};

	if (o.end > o.start)
		vec_push(&t->origins, o);
}

void ct_copy(struct ctext *t, const struct src *src, int start, int end)
{
	size_t from = t->sb.len;

	sb_putn(&t->sb, src->text + start, (size_t)(end - start));
	add_origin(t, from, src, start, end, true);
}

void ct_subst(struct ctext *t, const char *s, const struct src *src, int start, int end)
{
	size_t from = t->sb.len;

	sb_puts(&t->sb, s);
	add_origin(t, from, src, start, end, false);
}

void ct_origin_since(struct ctext *t, size_t mark, const struct src *src, int start, int end)
{
	add_origin(t, mark, src, start, end, false);
}

void ct_append(struct ctext *t, const struct ctext *u)
{
	int base = (int)t->sb.len;

	sb_putn(&t->sb, u->sb.s ? u->sb.s : "", u->sb.len);
	for (size_t i = 0; i < u->origins.n; i++) {
		struct diag_origin o = u->origins.v[i];
		o.start += base;
		o.end += base;
		vec_push(&t->origins, o);
	}
}

void ct_free(struct ctext *t)
{
	sb_free(&t->sb);
	vec_free(&t->origins);
}

struct span sp_trim(const char *text, struct span s)
{
	while (s.start < s.end && isspace((unsigned char)text[s.start]))
		s.start++;
	while (s.end > s.start && isspace((unsigned char)text[s.end - 1]))
		s.end--;
	return s;
}

/* Split at sep where no parenthesis is open and not inside "...": the
 * signature's commas and $entry(x) stay whole. Returns the number of
 * pieces (more than max means there were too many; out holds max). */
size_t sp_split(const char *text, struct span s, char sep, struct span *out, size_t max)
{
	size_t n = 0;
	int depth = 0, from = s.start;
	bool quoted = false;

	for (int i = s.start; i <= s.end; i++) {
		char c = i < s.end ? text[i] : sep;
		if (quoted) {
			if (c == '\\' && i + 1 < s.end)
				i++;
			else if (c == '"')
				quoted = false;
			if (i < s.end)
				continue;
		}
		if (c == '"')
			quoted = true;
		else if (c == '(')
			depth++;
		else if (c == ')' && depth > 0)
			depth--;
		else if (c == sep && (depth == 0 || i == s.end)) {
			if (n < max)
				out[n] = (struct span){ from, i };
			n++;
			from = i + 1;
		}
	}
	return n;
}

char *sp_dup(const char *text, struct span s)
{
	return xstrndup(text + s.start, (size_t)(s.end - s.start));
}
