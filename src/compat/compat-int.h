/* SPDX-License-Identifier: GPL-2.0-only */
/* Inside src/compat: the program text being built, with where each piece
 * of it came from, and the rewriting of argdist's and trace's C-like
 * expressions into plumb's. */
#ifndef PLUMB_COMPAT_INT_H
#define PLUMB_COMPAT_INT_H

#include <stdbool.h>

#include "ast/diag.h"
#include "compat/compat.h"
#include "runtime/rt.h"
#include "util/util.h"

/* Program text under construction. Pieces copied from a specifier keep
 * their origin, so that plumb's own diagnostics about them point into
 * the specifier. */
struct ctext {
	struct strbuf sb;
	VEC(struct diag_origin) origins;
};

void ct_lit(struct ctext *t, const char *s);
void ct_printf(struct ctext *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Copy src->text[start, end): an error there is shown there. */
void ct_copy(struct ctext *t, const struct src *src, int start, int end);
/* Write s for src->text[start, end) (a name rewritten). */
void ct_subst(struct ctext *t, const char *s, const struct src *src, int start, int end);
/* Everything written since mark came from src[start, end). */
void ct_origin_since(struct ctext *t, size_t mark, const struct src *src, int start, int end);
/* Append u to t, origins and all. */
void ct_append(struct ctext *t, const struct ctext *u);
void ct_free(struct ctext *t);

/* A span of a specifier. */
struct span {
	int start, end;
};

/* One parameter of a signature "(char *query, u64 plan)". */
struct cparam {
	struct span type;	/* "char *" */
	char *name;		/* NULL when unnamed */
	bool emit_name;		/* plumb knows it by name; else as argN */
};

#define COMPAT_MAX_PARAMS 12

struct csig {
	int n;
	struct cparam p[COMPAT_MAX_PARAMS];
	struct span all;	/* inside the parentheses */
};

/* How names in an expression are to be rewritten. */
struct cx {
	const struct src *src;
	const struct csig *sig;
	bool ret;		/* a return probe: $retval, $latency, $entry() */
	const char *self;	/* prefix of the self-> variables */
	const char *tool;	/* "argdist" or "trace", for messages */
	/* filled in */
	bool latency;
	VEC(const char *) entries;	/* $entry(NAME) parameters, in sig */
};

/* Rewrite src->text[start, end) into t; false after a diagnostic. */
bool cx_rewrite(struct ctext *t, struct cx *c, int start, int end);
void cx_free(struct cx *c);

/* Parse the signature at src->text[start, end) (without parentheses). */
bool cx_signature(const struct src *src, int start, int end, struct csig *sig);
void cx_sig_free(struct csig *sig);
/* Write "(type name, ...)" for plumb; nothing for an empty signature. */
void cx_emit_signature(struct ctext *t, const struct src *src, const struct csig *sig);
/* The index of a parameter named name, or -1. */
int cx_param(const struct csig *sig, const char *name);
/* Whether name is argN; *n is then N. */
bool cx_is_argn(const char *name, size_t len, long *n);
/* Spans: trimmed of white space; split at sep outside parentheses and
 * string literals. */
struct span sp_trim(const char *text, struct span s);
size_t sp_split(const char *text, struct span s, char sep, struct span *out, size_t max);
char *sp_dup(const char *text, struct span s);

/* The tools. */
int argdist_main(int argc, char **argv, struct options *o, compat_run_fn run);
int trace_main(int argc, char **argv, struct options *o, compat_run_fn run);

/* Run the program text built: parse it with the origins in force, say
 * what it is under -v, run it. */
int compat_run(struct ctext *t, const char *tool, struct options *o, compat_run_fn run);
/* "plumb TOOL: " the message (fmt with arg), the -h hint; EXIT_USAGE. */
int compat_bad_option(const char *tool, const char *fmt, const char *arg);
/* s is a whole number from 1 to 2^30 - 1, into *out. */
bool compat_positive(const char *s, long *out);
/* The options the tools share, after getopt returned c: -p PID, the
 * string size (strsize_opt: argdist's -z, trace's -Z), -v, -j, -I (BCC's
 * header includes: plumb needs none), -h (prints usage, exits), and
 * anything unknown. -1 when it was taken, else the exit status. */
int compat_option(const char *tool, int c, int strsize_opt, const char *usage,
		  struct options *o);
/* "plumb -s 80 'PROGRAM'" for -v and hints. */
void compat_oneliner(struct strbuf *sb, const struct options *o, const char *text, size_t len);

#endif
