/* SPDX-License-Identifier: GPL-2.0-only */
/* Small helpers every stage uses: checked allocation, growable arrays,
 * string buffers. */
#ifndef PLUMB_UTIL_H
#define PLUMB_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN8(x) (((x) + 7) & ~(size_t)7)

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growable array: VEC(int) v = {0}; vec_push(&v, 3); free(v.v); */
#define VEC(T) struct { T *v; size_t n, cap; }
#define vec_reserve(vec, want)                                               \
	do {                                                                 \
		if ((want) > (vec)->cap) {                                   \
			size_t c__ = (vec)->cap ? (vec)->cap * 2 : 8;        \
			while (c__ < (want))                                 \
				c__ *= 2;                                    \
			(vec)->v = xrealloc((vec)->v, c__ * sizeof(*(vec)->v)); \
			(vec)->cap = c__;                                    \
		}                                                            \
	} while (0)
#define vec_push(vec, x)                                                     \
	do {                                                                 \
		vec_reserve(vec, (vec)->n + 1);                              \
		(vec)->v[(vec)->n++] = (x);                                  \
	} while (0)
#define vec_free(vec)                                                        \
	do {                                                                 \
		free((vec)->v);                                              \
		(vec)->v = NULL;                                             \
		(vec)->n = (vec)->cap = 0;                                   \
	} while (0)

/* A growable, always NUL-terminated string. */
struct strbuf {
	char *s;
	size_t len, cap;
};
void sb_putc(struct strbuf *sb, char c);
void sb_puts(struct strbuf *sb, const char *s);
void sb_putn(struct strbuf *sb, const char *s, size_t n);
void sb_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap);
void sb_reset(struct strbuf *sb);
void sb_free(struct strbuf *sb);
/* s (len bytes) as a quoted JSON string: control characters escaped,
 * valid UTF-8 kept, any other byte as the code point of its value. */
void sb_json_string(struct strbuf *sb, const char *s, size_t len);
/* Length of the valid UTF-8 sequence at s (n bytes available), or 0. */
size_t utf8_len(const unsigned char *s, size_t n);

/* Write a one-line reason into err (errlen bytes, may be NULL); returns
 * false, so that "return errf(err, len, ...);" reports and fails. */
bool errf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* "plumb: <message>" on stderr, for failures that have no source location. */
void errmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warnmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Levenshtein distance, capped: for "did you mean" hints. */
int edit_distance(const char *a, const char *b);
/* The candidate closest to name, or NULL when none is close enough. */
const char *closest_name(const char *name, const char *const *cands, size_t n);

/* An index of items 0..n-1 by a 64-bit hash, so that finding an item
 * among thousands (probe sites, probe names) is not a scan of them all.
 * Items with equal hashes are told apart by the caller's eq(ctx, id). */
struct hindex {
	struct hslot { uint64_t hash; size_t id; } *slots;	/* id + 1; 0 is empty */
	size_t cap, n;
};

/* The id of an item equal to the one looked for (hash h), or -1. */
long hindex_find(const struct hindex *x, uint64_t h, bool (*eq)(const void *ctx, size_t id),
		 const void *ctx);
void hindex_add(struct hindex *x, uint64_t h, size_t id);
void hindex_free(struct hindex *x);
/* FNV-1a of a string, and a mix of a 64-bit value, for hindex. */
uint64_t hash_str(const char *s);
uint64_t hash_u64(uint64_t v);

/* Parse a duration such as 5s, 200ms, 10us, 3m or a bare number of seconds
 * into nanoseconds. Returns false on a malformed or absurd value. */
bool parse_duration(const char *s, uint64_t *ns, bool bare_is_seconds);
/* Nanoseconds in one unit: ns us ms s m h d; 0 for anything else. */
uint64_t duration_unit(const char *unit);

#endif
