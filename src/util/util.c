// SPDX-License-Identifier: GPL-2.0-only
#include "util/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(void)
{
	fputs("plumb: out of memory\n", stderr);
	exit(1);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *d = xmalloc(n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *xasprintf(const char *fmt, ...)
{
	struct strbuf sb = {0};
	va_list ap;

	va_start(ap, fmt);
	sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	return sb.s ? sb.s : xstrdup("");
}

static void sb_grow(struct strbuf *sb, size_t extra)
{
	size_t want = sb->len + extra + 1;

	if (want <= sb->cap)
		return;
	size_t cap = sb->cap ? sb->cap : 64;
	while (cap < want)
		cap *= 2;
	sb->s = xrealloc(sb->s, cap);
	sb->cap = cap;
}

void sb_putn(struct strbuf *sb, const char *s, size_t n)
{
	sb_grow(sb, n);
	memcpy(sb->s + sb->len, s, n);
	sb->len += n;
	sb->s[sb->len] = '\0';
}

void sb_putc(struct strbuf *sb, char c)
{
	sb_putn(sb, &c, 1);
}

void sb_puts(struct strbuf *sb, const char *s)
{
	sb_putn(sb, s, strlen(s));
}

void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return;
	sb_grow(sb, (size_t)n);
	vsnprintf(sb->s + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sb_vprintf(sb, fmt, ap);
	va_end(ap);
}

void sb_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->s)
		sb->s[0] = '\0';
}

void sb_free(struct strbuf *sb)
{
	free(sb->s);
	sb->s = NULL;
	sb->len = sb->cap = 0;
}

bool errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return false;
}

void errmsg(const char *fmt, ...)
{
	va_list ap;

	fputs("plumb: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void warnmsg(const char *fmt, ...)
{
	va_list ap;

	fputs("plumb: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Optimal string alignment distance: insertions, deletions,
 * substitutions and transpositions of neighbours ("hsit" -> "hist" is 1). */
int edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	int d[65][65];

	if (la > 64 || lb > 64)
		return 99;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = (int)i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			int cost = a[i - 1] != b[j - 1];
			int best = d[i - 1][j - 1] + cost;
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

const char *closest_name(const char *name, const char *const *cands, size_t n)
{
	const char *best = NULL;
	int bestd = 99;
	int limit = (int)strlen(name) / 3 + 1;

	for (size_t i = 0; i < n; i++) {
		int d = edit_distance(name, cands[i]);
		if (d < bestd) {
			bestd = d;
			best = cands[i];
		}
	}
	return bestd <= limit ? best : NULL;
}

uint64_t duration_unit(const char *unit)
{
	static const struct {
		const char *unit;
		uint64_t mult;
	} units[] = {
		{"ns", 1}, {"us", 1000}, {"ms", 1000000}, {"s", 1000000000ULL},
		{"m", 60000000000ULL}, {"h", 3600000000000ULL}, {"d", 86400000000000ULL},
	};

	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if (!strcmp(unit, units[i].unit))
			return units[i].mult;
	return 0;
}

bool parse_duration(const char *s, uint64_t *ns, bool bare_is_seconds)
{
	char *end;
	unsigned long long v;
	uint64_t mult;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || v == 0)
		return false;
	if (!*end) {
		if (!bare_is_seconds)
			return false;
		end = "s";
	}
	mult = duration_unit(end);
	if (!mult || v > UINT64_MAX / mult)
		return false;
	*ns = v * mult;
	return true;
}

/* Length of the valid UTF-8 sequence at s, or 0. */
size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;

	if (!len || len > n)
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

/* A JSON string: control characters escaped, valid UTF-8 kept, any other
 * byte (user memory is arbitrary) as the code point of the same value. */
void sb_json_string(struct strbuf *sb, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;

	sb_putc(sb, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = u[i];
		size_t n = c >= 0x80 ? utf8_len(u + i, len - i) : 0;
		if (n) {
			sb_putn(sb, s + i, n);
			i += n - 1;
			continue;
		}
		switch (c) {
		case '"': sb_puts(sb, "\\\""); break;
		case '\\': sb_puts(sb, "\\\\"); break;
		case '\n': sb_puts(sb, "\\n"); break;
		case '\t': sb_puts(sb, "\\t"); break;
		case '\r': sb_puts(sb, "\\r"); break;
		default:
			if (c < 0x20 || c >= 0x7f)
				sb_printf(sb, "\\u%04x", c);
			else
				sb_putc(sb, (char)c);
		}
	}
	sb_putc(sb, '"');
}

long hindex_find(const struct hindex *x, uint64_t h, bool (*eq)(const void *ctx, size_t id),
		 const void *ctx)
{
	for (size_t i = x->cap ? h & (x->cap - 1) : 0; x->cap && x->slots[i].id;
	     i = (i + 1) & (x->cap - 1))
		if (x->slots[i].hash == h && eq(ctx, x->slots[i].id - 1))
			return (long)(x->slots[i].id - 1);
	return -1;
}

static void hindex_put(struct hindex *x, uint64_t h, size_t id1)
{
	size_t i = h & (x->cap - 1);

	while (x->slots[i].id)
		i = (i + 1) & (x->cap - 1);
	x->slots[i].hash = h;
	x->slots[i].id = id1;
}

void hindex_add(struct hindex *x, uint64_t h, size_t id)
{
	if ((x->n + 1) * 2 > x->cap) {
		struct hindex big = { .cap = x->cap ? x->cap * 2 : 64, .n = x->n };
		big.slots = xcalloc(big.cap, sizeof(*big.slots));
		for (size_t i = 0; i < x->cap; i++)
			if (x->slots[i].id)
				hindex_put(&big, x->slots[i].hash, x->slots[i].id);
		free(x->slots);
		*x = big;
	}
	hindex_put(x, h, id + 1);
	x->n++;
}

void hindex_free(struct hindex *x)
{
	free(x->slots);
	*x = (struct hindex){0};
}

uint64_t hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return hash_u64(h);
}

/* The finaliser of splitmix64: every input bit moves the low bits too. */
uint64_t hash_u64(uint64_t v)
{
	v = (v ^ (v >> 30)) * 0xbf58476d1ce4e5b9ULL;
	v = (v ^ (v >> 27)) * 0x94d049bb133111ebULL;
	return v ^ (v >> 31);
}
