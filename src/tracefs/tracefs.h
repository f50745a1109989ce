/* SPDX-License-Identifier: GPL-2.0-only */
/* tracefs: where it is mounted, the events it offers, and their format
 * files. Nothing here knows about probes or BPF: the tracepoint probe
 * kind and plumb -l build on it, and the format parser is pure (unit
 * tests and the fuzzer feed it saved files). */
#ifndef PLUMB_TRACEFS_H
#define PLUMB_TRACEFS_H

#include <stdbool.h>
#include <stddef.h>

#include "util/util.h"

/* PERF_MAX_TRACE_SIZE: no record is longer. */
#define TRACEFS_RECORD_MAX 8192
/* A format file is a few hundred bytes; anything beyond this is not one. */
#define TRACEFS_FORMAT_MAX (256 * 1024)

enum tracefs_dyn { TRACEFS_FIXED, TRACEFS_DATA_LOC, TRACEFS_REL_LOC };

/* One "field:TYPE NAME; offset:N; size:N; signed:N;" line. */
struct tracefs_field {
	char *decl;		/* as written, for listings */
	char *type;		/* "const char *", "char" (of char x[16]), "char" (of __data_loc char[]) */
	char *name;
	int offset, size;
	bool sign;
	bool array;		/* NAME[N] */
	enum tracefs_dyn dyn;
};

struct tracefs_format {
	bool read;
	int err;		/* errno when it could not be read */
	VEC(struct tracefs_field) fields;
};

typedef VEC(char *) tracefs_names;

/* Where tracefs is; mounted where it belongs when it is nowhere (a fresh
 * container often lacks it). NULL after writing why into why. */
const char *tracefs_root(bool verbose, char *why, size_t len);
/* A small file as a string (at most max bytes of it). NULL, errno set. */
char *tracefs_slurp(const char *path, size_t max);
/* events/CAT/NAME/id, or -1 with errno set. */
int tracefs_event_id(const char *root, const char *cat, const char *name);
/* Every event as "CAT:NAME", sorted. */
void tracefs_events(const char *root, tracefs_names *out);
void tracefs_names_free(tracefs_names *names);
/* A path component of an event name: nothing that leaves events/. */
bool tracefs_sane_part(const char *s);

/* Parse the text of a format file (modified in place) into fmt. Lines
 * that are not well-formed field lines are passed over. */
void tracefs_format_parse(char *text, struct tracefs_format *fmt);
/* Read and parse events/CAT/NAME/format for event "CAT:NAME"; on failure
 * fmt->err holds the errno. */
void tracefs_format_read(const char *root, const char *event, struct tracefs_format *fmt);
void tracefs_format_free(struct tracefs_format *fmt);
const struct tracefs_field *tracefs_field_find(const struct tracefs_format *fmt,
					       const char *name);

#endif
