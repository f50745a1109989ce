// SPDX-License-Identifier: GPL-2.0-only
/* Tuples and records as values: a TAG_TUPLE record of the compile's type
 * table, its members language values at 8-byte aligned offsets (the
 * layout of a map's keys), one ctype per shape so that type_eq holds
 * between two tuples of the same member types. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast/type.h"
#include "util/util.h"

/* ctype_new, ctype_add_member and type_table_free: ctype.c */

static bool same_shape(const struct ctype *t, size_t n, const struct type *vts,
		       char *const *names)
{
	if (t->kind != CT_RECORD || t->tag != TAG_TUPLE || t->nmembers != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		const struct cmember *m = &t->members[i];
		char num[24];
		const char *name = names && names[i] ? names[i] : num;
		snprintf(num, sizeof(num), "%zu", i);
		/* ustack(N): N is in len, which type_eq leaves aside */
		if (strcmp(m->name, name) || !type_eq(m->vt, vts[i]) || m->vt.len != vts[i].len)
			return false;
	}
	return true;
}

const struct ctype *ctype_tuple(struct type_table *tt, size_t n, const struct type *vts,
				char *const *names)
{
	struct ctype *t;
	uint64_t off = 0;

	for (size_t i = 0; i < tt->n; i++)
		if (same_shape(tt->v[i], n, vts, names))
			return tt->v[i];
	t = ctype_new(tt, CT_RECORD);
	t->tag = TAG_TUPLE;
	t->align = 8;
	for (size_t i = 0; i < n; i++) {
		char num[24];
		snprintf(num, sizeof(num), "%zu", i);
		ctype_add_member(t, names && names[i] ? names[i] : num, NULL, off, 0, 0);
		t->members[t->nmembers - 1].vt = vts[i];
		off += ALIGN8(type_storage(vts[i]));
	}
	t->size = off;
	return t;
}

bool tuple_is_record(const struct ctype *ct)
{
	return ct->nmembers && (ct->members[0].name[0] < '0' || ct->members[0].name[0] > '9');
}

const struct cmember *tuple_member(const struct ctype *ct, const char *name)
{
	for (size_t i = 0; i < ct->nmembers; i++)
		if (!strcmp(ct->members[i].name, name))
			return &ct->members[i];
	return NULL;
}

const char *tuple_name(const struct ctype *ct, char *buf, size_t len)
{
	struct strbuf sb = {0};
	bool rec = tuple_is_record(ct);
	char one[200];

	sb_putc(&sb, '(');
	for (size_t i = 0; i < ct->nmembers; i++) {
		if (i)
			sb_puts(&sb, ", ");
		if (rec)
			sb_printf(&sb, "%s: ", ct->members[i].name);
		sb_puts(&sb, type_name(ct->members[i].vt, one, sizeof(one)));
	}
	sb_putc(&sb, ')');
	snprintf(buf, len, "%s", sb.s);
	sb_free(&sb);
	return buf;
}
