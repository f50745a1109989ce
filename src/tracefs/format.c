// SPDX-License-Identifier: GPL-2.0-only
/* Tracepoint format files (events/CAT/NAME/format): the record layout,
 * one "field:TYPE NAME; offset:N; size:N; signed:N;" line per field. The
 * text comes from the kernel but is parsed as if it could be anything:
 * every number is bounded, every declaration checked. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracefs/tracefs.h"

static void field_free(struct tracefs_field *f)
{
	free(f->decl);
	free(f->type);
	free(f->name);
}

void tracefs_format_free(struct tracefs_format *f)
{
	for (size_t i = 0; i < f->fields.n; i++)
		field_free(&f->fields.v[i]);
	vec_free(&f->fields);
}

/* "offset:24;" inside a field line: the number after key, bounded. */
static bool keyed_int(const char *line, const char *key, int max, int *out)
{
	const char *at = strstr(line, key);
	char *end;
	long v;

	if (!at)
		return false;
	errno = 0;
	v = strtol(at + strlen(key), &end, 10);
	if (errno || end == at + strlen(key) || *end != ';' || v < 0 || v > max)
		return false;
	*out = (int)v;
	return true;
}

static char *trim(char *s)
{
	char *e = s + strlen(s);

	while (*s == ' ' || *s == '\t')
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

static bool is_ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* "__data_loc char[]" -> "char", with the kind of dynamic field. */
static enum tracefs_dyn strip_dyn(char **type)
{
	static const struct { const char *prefix; enum tracefs_dyn dyn; } dyns[] = {
		{ "__data_loc ", TRACEFS_DATA_LOC }, { "__rel_loc ", TRACEFS_REL_LOC },
	};

	for (size_t i = 0; i < ARRAY_SIZE(dyns); i++) {
		size_t n = strlen(dyns[i].prefix);
		if (strncmp(*type, dyns[i].prefix, n))
			continue;
		*type = trim(*type + n);
		size_t len = strlen(*type);
		if (len >= 2 && !strcmp(*type + len - 2, "[]"))
			(*type)[len - 2] = '\0';
		*type = trim(*type);
		return dyns[i].dyn;
	}
	return TRACEFS_FIXED;
}

/* "const char * filename", "char comm[16]", "__data_loc char[] name". */
static bool parse_decl(char *decl, struct tracefs_field *f)
{
	char *s = trim(decl), *end, *name;

	f->decl = xstrdup(s);
	end = s + strlen(s);
	if (end > s && end[-1] == ']') {
		char *open = strrchr(s, '[');
		if (!open)
			return false;
		f->array = true;
		*open = '\0';
		end = s + strlen(trim(s));
	}
	name = end;
	while (name > s && is_ident_char(name[-1]))
		name--;
	if (name == end || name == s)
		return false;
	f->name = xstrdup(name);
	*name = '\0';
	char *type = trim(s);
	f->dyn = strip_dyn(&type);
	f->type = xstrdup(type);
	/* "__data_loc char[]" with no name: its "[]" is not an array, nor
	 * "char" a name */
	if (f->dyn == TRACEFS_FIXED && (!strncmp(type, "__data_loc", 10) ||
					!strncmp(type, "__rel_loc", 9)))
		return false;
	return *type != '\0';
}

static bool parse_field(char *line, struct tracefs_field *f)
{
	char *semi = strchr(line, ';');
	int sign = 0;

	memset(f, 0, sizeof(*f));
	if (!semi)
		return false;
	*semi = '\0';
	if (!keyed_int(semi + 1, "offset:", TRACEFS_RECORD_MAX, &f->offset) ||
	    !keyed_int(semi + 1, "size:", TRACEFS_RECORD_MAX, &f->size) ||
	    f->offset + f->size > TRACEFS_RECORD_MAX)
		return false;
	if (keyed_int(semi + 1, "signed:", 1, &sign))
		f->sign = sign;
	if (!parse_decl(line, f)) {
		field_free(f);
		return false;
	}
	return true;
}

/* A field plumb cannot parse is one it does not offer. */
void tracefs_format_parse(char *text, struct tracefs_format *fmt)
{
	char *save = NULL;

	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct tracefs_field f;
		line = trim(line);
		if (strncmp(line, "field:", 6) || !parse_field(line + 6, &f))
			continue;
		vec_push(&fmt->fields, f);
	}
}

void tracefs_format_read(const char *root, const char *event, struct tracefs_format *fmt)
{
	const char *colon = strchr(event, ':');
	char path[PATH_MAX], *text;

	fmt->read = true;
	snprintf(path, sizeof(path), "%s/events/%.*s/%s/format", root, (int)(colon - event), event,
		 colon + 1);
	text = tracefs_slurp(path, TRACEFS_FORMAT_MAX);
	if (!text) {
		fmt->err = errno;
		return;
	}
	tracefs_format_parse(text, fmt);
	free(text);
}

const struct tracefs_field *tracefs_field_find(const struct tracefs_format *fmt,
					       const char *name)
{
	for (size_t i = 0; i < fmt->fields.n; i++)
		if (!strcmp(fmt->fields.v[i].name, name))
			return &fmt->fields.v[i];
	return NULL;
}
