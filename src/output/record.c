// SPDX-License-Identifier: GPL-2.0-only
/* A struct value as the program's types describe it, from the bytes
 * read out of the traced process: { .id = 1, .ver = { .minor = 2 },
 * .tag = "s0", .level = 3 }, as bpftrace prints one. Pointers are hex,
 * char arrays strings, enums their enumerator's name. */
#include <stdio.h>
#include <string.h>

#include "output/out.h"

static uint64_t load(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	memcpy(&v, p, n > 8 ? 8 : n);	/* x86-64: little-endian */
	return v;
}

static void put_int(struct strbuf *sb, uint64_t v, size_t size, bool sign)
{
	if (size < 8 && sign) {
		int shift = 64 - 8 * (int)size;
		sb_printf(sb, "%lld", (long long)((int64_t)(v << shift) >> shift));
	} else {
		sb_printf(sb, "%llu", (unsigned long long)v);
	}
}

static void put_value(struct strbuf *sb, const struct ctype *t, const uint8_t *p, size_t avail,
		      int depth);

/* An enum's value by its enumerator's name; a value no enumerator has
 * (flags or'ed together, a corrupt field) as its number, as bpftrace. */
void out_enum_str(struct strbuf *sb, const struct ctype *t, uint64_t v)
{
	int64_t sv = t->sign ? (int64_t)v : (int64_t)v;

	for (size_t i = 0; i < t->nenums; i++) {
		if (t->enums[i].value == sv) {
			sb_puts(sb, t->enums[i].name);
			return;
		}
	}
	put_int(sb, v, t->size, t->sign);
}

static void put_array(struct strbuf *sb, const struct ctype *t, const uint8_t *p, size_t avail,
		      int depth)
{
	const struct ctype *e = ctype_strip(t->target);
	uint64_t n = t->count;

	if (e && e->kind == CT_INT && e->chr) {
		size_t len = n < avail ? n : avail;
		sb_putc(sb, '"');
		sb_putn(sb, (const char *)p, strnlen((const char *)p, len));
		sb_putc(sb, '"');
		return;
	}
	sb_putc(sb, '[');
	for (uint64_t i = 0; e && e->size && i < n && (i + 1) * e->size <= avail; i++) {
		if (i)
			sb_putc(sb, ',');	/* [1,2,3], as bpftrace prints one */
		put_value(sb, e, p + i * e->size, avail - i * e->size, depth + 1);
	}
	sb_putc(sb, ']');
}

static void put_member(struct strbuf *sb, const struct cmember *m, const uint8_t *p, size_t avail,
		       int depth)
{
	if (m->bit_size) {
		size_t bytes = (m->bit_off + m->bit_size + 7) / 8;
		uint64_t v = m->off + bytes <= avail ? load(p + m->off, bytes) : 0;
		const struct ctype *s = ctype_strip(m->type);
		v = (v >> m->bit_off) & (m->bit_size >= 64 ? ~0ULL : (1ULL << m->bit_size) - 1);
		if (s && s->sign && m->bit_size < 64 && (v >> (m->bit_size - 1)) & 1)
			v |= ~0ULL << m->bit_size;
		put_int(sb, v, 8, s && s->sign);
		return;
	}
	if (m->off >= avail) {
		sb_puts(sb, "?");
		return;
	}
	put_value(sb, m->type, p + m->off, avail - m->off, depth + 1);
}

static void put_record(struct strbuf *sb, const struct ctype *t, const uint8_t *p, size_t avail,
		       int depth)
{
	bool first = true;

	sb_puts(sb, "{ ");
	for (size_t i = 0; i < t->nmembers; i++) {
		const struct cmember *m = &t->members[i];
		if (!first)
			sb_puts(sb, ", ");
		first = false;
		if (*m->name)
			sb_printf(sb, ".%s = ", m->name);
		put_member(sb, m, p, avail, depth);
	}
	sb_puts(sb, first ? "}" : " }");
}

static void put_value(struct strbuf *sb, const struct ctype *t, const uint8_t *p, size_t avail,
		      int depth)
{
	t = ctype_strip(t);
	if (!t || depth > 16) {
		sb_puts(sb, "?");
		return;
	}
	switch (t->kind) {
	case CT_RECORD:
		put_record(sb, t, p, avail, depth);
		break;
	case CT_ARRAY:
		put_array(sb, t, p, avail, depth);
		break;
	case CT_PTR:
		sb_printf(sb, "0x%llx", (unsigned long long)(avail >= 8 ? load(p, 8) : 0));
		break;
	case CT_ENUM:
		out_enum_str(sb, t, load(p, t->size < avail ? t->size : avail));
		break;
	case CT_INT:
	case CT_FLOAT:
		put_int(sb, load(p, t->size < avail ? t->size : avail), t->size,
			t->kind == CT_INT && t->sign);
		break;
	default:
		sb_puts(sb, "?");
	}
}

void out_record_str(struct strbuf *sb, const struct ctype *t, const uint8_t *p, size_t len)
{
	put_value(sb, t, p, len, 0);
}
