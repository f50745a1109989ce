// SPDX-License-Identifier: GPL-2.0-only
/* The program's types (see type.h): records, arrays, pointers, enums and
 * typedefs, shared by pointer and owned by one table per compile. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast/type.h"
#include "util/util.h"

struct ctype *ctype_new(struct type_table *tt, enum ctype_kind kind)
{
	struct ctype *t = xcalloc(1, sizeof(*t));

	t->kind = kind;
	t->align = 1;
	vec_push(tt, t);
	return t;
}

const struct ctype *ctype_ptr_of(struct type_table *tt, const struct ctype *to)
{
	struct ctype *p;

	for (size_t i = 0; i < tt->n; i++)
		if (tt->v[i]->kind == CT_PTR && tt->v[i]->target == to && !tt->v[i]->ref)
			return tt->v[i];
	p = ctype_new(tt, CT_PTR);
	p->size = p->align = 8;
	p->target = to;
	return p;
}

const struct ctype *ctype_int_of(struct type_table *tt, const char *name, int size, bool sign,
				 bool chr)
{
	struct ctype *t;

	for (size_t i = 0; i < tt->n; i++) {
		t = tt->v[i];
		if (t->kind == CT_INT && t->name && !strcmp(t->name, name) &&
		    t->size == (uint64_t)size && t->sign == sign && t->chr == chr)
			return t;
	}
	t = ctype_new(tt, CT_INT);
	t->name = xstrdup(name);
	t->size = (uint64_t)size;
	t->align = (unsigned int)size;
	t->sign = sign;
	t->chr = chr;
	return t;
}

void ctype_add_member(struct ctype *rec, const char *name, const struct ctype *type,
		      uint64_t off, unsigned int bit_off, unsigned int bit_size)
{
	struct cmember *m;

	rec->members = xrealloc(rec->members, (rec->nmembers + 1) * sizeof(*m));
	m = &rec->members[rec->nmembers++];
	memset(m, 0, sizeof(*m));
	m->name = xstrdup(name ? name : "");
	m->type = type;
	m->off = off;
	m->bit_off = bit_off;
	m->bit_size = bit_size;
}

static const char *tag_word(const struct ctype *t)
{
	if (t->kind == CT_ENUM)
		return "enum";
	if (t->kind != CT_RECORD)
		return NULL;
	switch (t->tag) {
	case TAG_UNION: return "union";
	case TAG_CLASS: return "class";
	default: return "struct";
	}
}

/* "struct X" matches a struct or class X; "union X" a union; "enum X" an
 * enum; a bare name any named type. */
static bool name_matches(const struct ctype *t, const char *name)
{
	const char *sp = strchr(name, ' ');

	if (!t->name || (t->kind != CT_RECORD && t->kind != CT_ENUM && t->kind != CT_TYPEDEF))
		return false;
	if (!sp)
		return !strcmp(t->name, name);
	if (strcmp(t->name, sp + 1))
		return false;
	size_t wl = (size_t)(sp - name);
	const char *w = tag_word(t);
	if (!w)
		return false;
	if (t->kind == CT_RECORD && t->tag != TAG_UNION)
		return (wl == 6 && !strncmp(name, "struct", 6)) ||
		       (wl == 5 && !strncmp(name, "class", 5));
	return strlen(w) == wl && !strncmp(name, w, wl);
}

const struct ctype *ctype_find(const struct type_table *tt, const char *name)
{
	const struct ctype *best = NULL;

	for (size_t i = 0; i < tt->n; i++) {
		const struct ctype *t = tt->v[i];
		if (!name_matches(t, name))
			continue;
		if (!best || (best->incomplete && !t->incomplete))
			best = t;
	}
	return best;
}

const struct ctype *ctype_strip(const struct ctype *t)
{
	for (int i = 0; t && t->kind == CT_TYPEDEF && i < 64; i++)
		t = t->target;
	return t;
}

/* The searches through anonymous members and base classes look into
 * this many records at most: a record read from damaged debug info may
 * hold itself, several times over. */
#define MEMBER_BUDGET 4096

static const struct cmember *member_in(const struct ctype *rec, const char *name, uint64_t *off,
				       int *budget)
{
	rec = ctype_strip(rec);
	if (!rec || rec->kind != CT_RECORD || --*budget < 0)
		return NULL;
	for (size_t i = 0; i < rec->nmembers; i++) {
		const struct cmember *m = &rec->members[i];
		if (*m->name && !strcmp(m->name, name)) {
			*off += m->off;
			return m;
		}
	}
	/* anonymous unions/structs and base classes, in declaration order */
	for (size_t i = 0; i < rec->nmembers; i++) {
		const struct cmember *m = &rec->members[i];
		uint64_t inner = 0;
		const struct cmember *f;
		if (*m->name || !(f = member_in(m->type, name, &inner, budget)))
			continue;
		*off += m->off + inner;
		return f;
	}
	return NULL;
}

const struct cmember *ctype_member(const struct ctype *rec, const char *name, uint64_t *off)
{
	int budget = MEMBER_BUDGET;

	return member_in(rec, name, off, &budget);
}

static void member_names(const struct ctype *rec, const char **out, size_t *n, size_t max,
			 int *budget)
{
	rec = ctype_strip(rec);
	if (!rec || rec->kind != CT_RECORD || --*budget < 0)
		return;
	for (size_t i = 0; i < rec->nmembers && *n < max; i++) {
		if (*rec->members[i].name)
			out[(*n)++] = rec->members[i].name;
		else
			member_names(rec->members[i].type, out, n, max, budget);
	}
}

const char *ctype_member_closest(const struct ctype *rec, const char *name)
{
	const char *names[256];
	size_t n = 0;
	int budget = MEMBER_BUDGET;

	member_names(rec, names, &n, ARRAY_SIZE(names), &budget);
	return closest_name(name, names, n);
}

static void put_name(struct strbuf *sb, const struct ctype *t, int depth);

static void put_pointee(struct strbuf *sb, const struct ctype *t, int depth)
{
	put_name(sb, t->target, depth + 1);
	sb_puts(sb, t->ref ? " &" : " *");
}

static void put_name(struct strbuf *sb, const struct ctype *t, int depth)
{
	if (depth > 16) {
		sb_puts(sb, "...");
		return;
	}
	if (!t) {
		sb_puts(sb, "void");
		return;
	}
	switch (t->kind) {
	case CT_PTR:
		put_pointee(sb, t, depth);
		return;
	case CT_ARRAY:
		put_name(sb, t->target, depth + 1);
		sb_printf(sb, "[%llu]", (unsigned long long)t->count);
		return;
	case CT_FUNC:
		sb_puts(sb, "function");
		return;
	case CT_VOID:
		sb_puts(sb, "void");
		return;
	case CT_RECORD:
	case CT_ENUM:
		if (t->tag == TAG_TUPLE && t->kind == CT_RECORD) {
			sb_puts(sb, "tuple");
			return;
		}
		sb_printf(sb, "%s %s", tag_word(t), t->name ? t->name : "(anonymous)");
		return;
	default:
		sb_puts(sb, t->name ? t->name : "?");
	}
}

const char *ctype_name(const struct ctype *t, char *buf, size_t len)
{
	struct strbuf sb = {0};

	put_name(&sb, t, 0);
	snprintf(buf, len, "%s", sb.s ? sb.s : "");
	sb_free(&sb);
	return buf;
}

static void set_int_pointee(struct type *p, const struct ctype *to)
{
	to = ctype_strip(to);
	if (to && (to->kind == CT_INT || to->kind == CT_ENUM) && to->size <= 8 &&
	    (to->size & (to->size - 1)) == 0) {
		p->size = (unsigned char)to->size;
		p->sign = to->sign;
		p->chr = to->chr;
	} else {
		p->size = 8;
		p->sign = false;
	}
}

struct type type_ptr_to(const struct ctype *t)
{
	struct type p = { .kind = T_PTR, .ct = t };

	set_int_pointee(&p, t);
	if (!t)
		p.size = 1;	/* void *: bytes, as C's GNU extension has it */
	return p;
}

struct type type_from_ctype(const struct ctype *t)
{
	const struct ctype *s = ctype_strip(t);

	if (!s)
		return type_of(T_NONE);
	switch (s->kind) {
	case CT_INT:
	case CT_FLOAT:
		return type_int(s->size <= 8 ? (int)s->size : 8, s->kind == CT_INT && s->sign);
	case CT_ENUM: {
		struct type e = type_int(s->size ? (int)s->size : 4, s->sign);
		e.ct = s;
		return e;
	}
	case CT_PTR: {
		struct type p = type_ptr_to(s->target);
		p.ref = s->ref;
		return p;
	}
	case CT_RECORD:
		return (struct type){ .kind = T_RECORD, .ct = t };
	case CT_ARRAY:
		return (struct type){ .kind = T_ARRAY, .ct = t };
	case CT_FUNC:
		return type_int(8, false);
	default:
		return type_of(T_VOID);
	}
}

uint64_t type_pointee_size(struct type t)
{
	const struct ctype *s;

	if (t.kind != T_PTR)
		return 1;
	if (!t.ct)
		return t.size ? t.size : 1;
	s = ctype_strip(t.ct);
	if (!s || s->kind == CT_VOID || s->kind == CT_FUNC || !s->size)
		return 1;
	return s->size;
}

void type_table_free(struct type_table *tt)
{
	for (size_t i = 0; i < tt->n; i++) {
		struct ctype *t = tt->v[i];
		for (size_t j = 0; j < t->nmembers; j++)
			free(t->members[j].name);
		for (size_t j = 0; j < t->nenums; j++)
			free(t->enums[j].name);
		free(t->members);
		free(t->enums);
		free(t->name);
		free(t);
	}
	free(tt->v);
	memset(tt, 0, sizeof(*tt));
}
