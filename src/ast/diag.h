/* SPDX-License-Identifier: GPL-2.0-only */
/* Source text, locations and the one diagnostics printer every stage uses:
 *
 *   <cmdline>:1:23: error: unknown function 'hsit'; did you mean 'hist'?
 *   kprobe:x { @ = hsit(1); }
 *                  ^^^^
 */
#ifndef PLUMB_DIAG_H
#define PLUMB_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* A span of the program text, as byte offsets [start, end). */
struct loc {
	int start, end;
};

struct src {
	const char *name;	/* "<cmdline>", "<stdin>" or the -f file */
	const char *text;
	size_t len;
};

/* Exit codes (SPEC: 0 success, 1 runtime failure, 2 usage or program error). */
enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

#include <stdio.h>

void diag_init(const struct src *src);
/* Where diagnostics go (stderr unless set; NULL restores stderr). */
void diag_set_output(FILE *f);
const struct src *diag_src(void);
/* Translate a byte offset to 1-based line and column. */
void diag_linecol(int off, int *line, int *col);

void diag_error(struct loc loc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void diag_verror(struct loc loc, const char *fmt, va_list ap);
void diag_warning(struct loc loc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* An extra line after the last error: "note: ..." with its own caret. */
void diag_note(struct loc loc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int diag_errors(void);
/* The error just reported was the machine's doing (no permission, no
 * tracefs, no kprobes), not the program's: exit 1, not 2. */
void diag_env_failure(void);
/* The exit status the errors reported so far call for. */
int diag_status(void);
/* While muted, nothing is printed or counted (a trial pass). */
void diag_mute(bool on);
/* Errors stop being printed after this many; the count keeps going. */
#define DIAG_MAX_ERRORS 10

/* Text of the current source that was made from another one (plumb
 * argdist: the program made from a specifier): a diagnostic inside
 * [start, end) is shown in src instead, at src_start (+ the offset into
 * the span when linear), so the caret lands under what the user wrote. */
struct diag_origin {
	int start, end;
	const struct src *src;
	int src_start, src_end;
	bool linear;
};
/* The table is the caller's and must outlive its use; NULL, 0 ends it. */
void diag_set_origins(const struct diag_origin *v, size_t n);

static inline struct loc loc_join(struct loc a, struct loc b)
{
	struct loc l = { a.start < b.start ? a.start : b.start, a.end > b.end ? a.end : b.end };
	return l;
}

#endif
