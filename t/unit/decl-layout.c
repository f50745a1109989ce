// SPDX-License-Identifier: GPL-2.0-only
/* Test helper for declared types (src/sema/types.c, src/ast/layout.c), with
 * no kernel. FILE holds C declarations, which plumb parses as a program's
 * (with a BEGIN clause added). Prints, for each named record and enum:
 *
 *   struct S size 48 align 8
 *   S.id 0 64          member: bit offset from the record's start, bits
 *   S.x 131 3          (a bit-field's own width; others: the type's size)
 *   enum E size 4 sign 0
 *
 * With --c, prints instead a C program that prints the same lines as
 * GCC lays the same declarations out, so t/1160 compares the two. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser/parse.h"
#include "sema/sema.h"
#include "tracefs/tracefs.h"
#include "util/util.h"

/* The C expression of a type: "struct S", or a typedef's name for an
 * anonymous record. */
static const char *c_name(const struct ctype *t, char *buf, size_t len)
{
	if (t->kind == CT_TYPEDEF)
		snprintf(buf, len, "%s", t->name);
	else
		ctype_name(t, buf, len);
	return buf;
}

static const struct ctype *record_of(const struct ctype *t)
{
	if (t->kind == CT_TYPEDEF) {
		const struct ctype *r = ctype_strip(t);
		return r && r->kind == CT_RECORD && !r->name ? r : NULL;
	}
	return t->kind == CT_RECORD && t->name && !t->incomplete ? t : NULL;
}

static void plumb_side(const struct ctype *t)
{
	const struct ctype *r = record_of(t);
	char buf[200];

	if (t->kind == CT_ENUM && t->name && !t->incomplete) {
		printf("%s size %llu sign %d\n", c_name(t, buf, sizeof(buf)),
		       (unsigned long long)t->size, t->sign);
		return;
	}
	if (!r)
		return;
	printf("%s size %llu align %u\n", c_name(t, buf, sizeof(buf)),
	       (unsigned long long)r->size, r->align);
	for (size_t i = 0; i < r->nmembers; i++) {
		const struct cmember *m = &r->members[i];
		if (!*m->name)
			continue;
		printf("%s.%s %llu %llu\n", t->name, m->name,
		       (unsigned long long)(m->off * 8 + m->bit_off),
		       (unsigned long long)(m->bit_size ? m->bit_size : ctype_strip(m->type)->size * 8));
	}
}

static void c_side(const struct ctype *t)
{
	const struct ctype *r = record_of(t);
	char buf[200];

	if (t->kind == CT_ENUM && t->name && !t->incomplete) {
		c_name(t, buf, sizeof(buf));
		printf("\tprintf(\"%s size %%zu sign %%d\\n\", sizeof(%s), (%s)-1 < 0);\n", buf,
		       buf, buf);
		return;
	}
	if (!r)
		return;
	c_name(t, buf, sizeof(buf));
	printf("\tprintf(\"%s size %%zu align %%zu\\n\", sizeof(%s), _Alignof(%s));\n", buf, buf,
	       buf);
	for (size_t i = 0; i < r->nmembers; i++) {
		const struct cmember *m = &r->members[i];
		if (!*m->name)
			continue;
		const struct ctype *mt = ctype_strip(m->type);
		if (mt->kind == CT_ARRAY && !mt->count)
			printf("\tprintf(\"%s.%s %%zu 0\\n\", offsetof(%s, %s) * 8);\n", t->name,
			       m->name, buf, m->name);
		else if (m->bit_size)
			printf("\t{ %s v; memset(&v, 0, sizeof(v)); v.%s = -1; "
			       "bits(\"%s.%s\", &v, sizeof(v)); }\n", buf, m->name, t->name, m->name);
		else
			printf("\tprintf(\"%s.%s %%zu %%zu\\n\", offsetof(%s, %s) * 8, "
			       "sizeof(((%s *)0)->%s) * 8);\n", t->name, m->name, buf, m->name, buf,
			       m->name);
	}
}

static void c_program(const char *decls)
{
	printf("#include <stddef.h>\n#include <stdint.h>\n#include <stdio.h>\n"
	       "#include <string.h>\n%s\n"
	       "static void bits(const char *name, const void *p, size_t n)\n{\n"
	       "\tconst unsigned char *b = p;\n\tlong lo = -1, w = 0;\n"
	       "\tfor (size_t i = 0; i < n * 8; i++)\n"
	       "\t\tif (b[i / 8] >> (i %% 8) & 1) { if (lo < 0) lo = (long)i; w++; }\n"
	       "\tprintf(\"%%s %%ld %%ld\\n\", name, lo, w);\n}\n\n"
	       "int main(void)\n{\n", decls);
}

int main(int argc, char **argv)
{
	bool c = argc == 3 && !strcmp(argv[1], "--c");
	struct sema s = {0};
	char *decls, *text;

	if (argc != 2 && !c) {
		fprintf(stderr, "usage: decl-layout [--c] FILE\n");
		return 2;
	}
	decls = tracefs_slurp(argv[argc - 1], 1 << 20);
	if (!decls) {
		perror(argv[argc - 1]);
		return 1;
	}
	text = xasprintf("%s\nBEGIN { exit(); }\n", decls);
	s.prog = parse_program(argv[argc - 1], text, strlen(text));
	if (!s.prog || !sema_types(&s))
		return 2;
	if (c)
		c_program(decls);
	for (size_t i = 0; i < s.types.n; i++)
		(c ? c_side : plumb_side)(s.types.v[i]);
	if (c)
		printf("\treturn 0;\n}\n");
	type_table_free(&s.types);
	program_free(s.prog);
	free(text);
	free(decls);
	return 0;
}
