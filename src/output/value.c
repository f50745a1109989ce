// SPDX-License-Identifier: GPL-2.0-only
/* Values on their own, as print(value) shows them, and any value as
 * JSON: one function per form, dispatched on the type, so that a new
 * type of value (a tuple, a struct) is one more case here. */
#include <string.h>

#include "output/out.h"

static uint64_t word(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

void out_tuple_str(struct out *o, struct strbuf *sb, const struct ctype *ct, const uint8_t *p)
{
	bool rec = tuple_is_record(ct);

	sb_puts(sb, rec ? "{ " : "(");
	for (size_t i = 0; i < ct->nmembers; i++) {
		const struct cmember *m = &ct->members[i];
		if (i)
			sb_puts(sb, ", ");
		if (rec)
			sb_printf(sb, ".%s = ", m->name);
		out_value_str(o, sb, m->vt, p + m->off);
	}
	sb_puts(sb, rec ? " }" : ")");
}

/* A tuple as a JSON array, a record as an object. */
static void tuple_json(struct out *o, struct strbuf *sb, const struct ctype *ct,
		       const uint8_t *p)
{
	bool rec = tuple_is_record(ct);

	sb_putc(sb, rec ? '{' : '[');
	for (size_t i = 0; i < ct->nmembers; i++) {
		const struct cmember *m = &ct->members[i];
		if (i)
			sb_putc(sb, ',');
		if (rec) {
			sb_json_string(sb, m->name, strlen(m->name));
			sb_putc(sb, ':');
		}
		out_value_json(o, sb, m->vt, p + m->off);
	}
	sb_putc(sb, rec ? '}' : ']');
}

/* An enum: its enumerator's name as a string; a value no enumerator has
 * stays a number. */
static void enum_json(struct out *o, struct strbuf *sb, struct type t, const uint8_t *p)
{
	struct strbuf tmp = {0};

	out_value_str(o, &tmp, t, p);
	if (tmp.s && (tmp.s[0] == '-' || (tmp.s[0] >= '0' && tmp.s[0] <= '9')))
		sb_puts(sb, tmp.s);
	else
		sb_json_string(sb, tmp.s ? tmp.s : "", tmp.len);
	sb_free(&tmp);
}

/* An array as a JSON array of its elements, an enumerator by its name
 * as a string. */
static void array_json(struct strbuf *sb, const struct ctype *t, const uint8_t *p)
{
	const struct ctype *a = ctype_strip(t), *e = a ? ctype_strip(a->target) : NULL;

	sb_putc(sb, '[');
	for (uint64_t i = 0; e && e->size && i < a->count; i++) {
		struct strbuf tmp = {0};
		if (i)
			sb_putc(sb, ',');
		out_record_str(&tmp, e, p + i * e->size, e->size);
		if (e->kind == CT_ENUM && tmp.s && tmp.s[0] != '-' &&
		    !(tmp.s[0] >= '0' && tmp.s[0] <= '9'))
			sb_json_string(sb, tmp.s, tmp.len);
		else
			sb_puts(sb, tmp.s ? tmp.s : "0");
		sb_free(&tmp);
	}
	sb_putc(sb, ']');
}

void out_value_json(struct out *o, struct strbuf *sb, struct type t, const uint8_t *p)
{
	struct strbuf tmp = {0};

	switch (t.kind) {
	case T_TUPLE:
		tuple_json(o, sb, t.ct, p);
		return;
	case T_ARRAY:
		if (t.ct && ctype_strip(t.ct)->count) {
			array_json(sb, t.ct, p);
			return;
		}
		break;
	case T_BOOL:
		sb_puts(sb, word(p) ? "true" : "false");
		return;
	case T_INT:
	case T_PTR:
		if (t.kind == T_INT && t.ct) {
			enum_json(o, sb, t, p);
			return;
		}
		if (t.kind == T_INT && t.sign)
			sb_printf(sb, "%lld", (long long)word(p));
		else
			sb_printf(sb, "%llu", (unsigned long long)word(p));
		return;
	default:
		break;
	}
	out_value_str(o, &tmp, t, p);
	sb_json_string(sb, tmp.s ? tmp.s : "", tmp.len);
	sb_free(&tmp);
}

void out_value_line(struct out *o, struct type t, const uint8_t *p)
{
	struct strbuf sb = {0};

	if (o->json) {
		sb_puts(&sb, "{\"type\":\"value\",\"data\":");
		out_value_json(o, &sb, t, p);
		sb_puts(&sb, "}\n");
	} else {
		out_value_str(o, &sb, t, p);
		sb_putc(&sb, '\n');
	}
	fputs(sb.s, o->f);
	sb_free(&sb);
}
