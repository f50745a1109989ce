// SPDX-License-Identifier: GPL-2.0-only
/* The tools plumb runs under BCC's names, and what they share: the
 * program they build goes through plumb's parser, checks, code generator
 * and runtime like any one-liner, with diagnostics pointed back at the
 * specifier that produced the text. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/compat-int.h"

bool compat_is_tool(const char *name)
{
	return !strcmp(name, "argdist") || !strcmp(name, "trace");
}

int compat_main(int argc, char **argv, struct options *o, compat_run_fn run)
{
	/* getopt names the program in its messages */
	if (!strcmp(argv[0], "argdist")) {
		argv[0] = "plumb argdist";
		return argdist_main(argc, argv, o, run);
	}
	argv[0] = "plumb trace";
	return trace_main(argc, argv, o, run);
}

/* The shell quoting of a program: '...' with ' as '\''. */
static void quote(struct strbuf *sb, const char *text, size_t len)
{
	sb_putc(sb, '\'');
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\'')
			sb_puts(sb, "'\\''");
		else
			sb_putc(sb, text[i] == '\n' ? ' ' : text[i]);
	}
	sb_putc(sb, '\'');
}

void compat_oneliner(struct strbuf *sb, const struct options *o, const char *text, size_t len)
{
	sb_puts(sb, "plumb ");
	if (o->pid)
		sb_printf(sb, "-p %d ", (int)o->pid);
	if (o->strsize != 64)
		sb_printf(sb, "-s %u ", o->strsize);
	while (len && text[len - 1] == '\n')
		len--;
	quote(sb, text, len);
}

int compat_run(struct ctext *t, const char *tool, struct options *o, compat_run_fn run)
{
	struct program *prog;
	int rc;

	/* the tool's -p is watched as plumb's own: its end ends the trace */
	if (o->pid && !rt_watch_pid(o->pid))
		return EXIT_RUNTIME;
	diag_set_origins(t->origins.v, t->origins.n);
	prog = parse_program("<plumb>", t->sb.s ? t->sb.s : "", t->sb.len);
	rc = prog ? run(prog, o) : EXIT_USAGE;
	if (diag_errors()) {
		struct strbuf sb = {0};
		compat_oneliner(&sb, o, t->sb.s, t->sb.len);
		fprintf(stderr, "hint: plumb %s ran this plumb program: %s\n", tool, sb.s);
		sb_free(&sb);
	}
	diag_set_origins(NULL, 0);
	program_free(prog);
	return rc;
}

/* ---- the options argdist and trace share ---- */

int compat_bad_option(const char *tool, const char *fmt, const char *arg)
{
	fprintf(stderr, "plumb %s: ", tool);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'plumb %s -h' for more information.\n", tool);
	return EXIT_USAGE;
}

bool compat_positive(const char *s, long *out)
{
	char *end;

	*out = strtol(s, &end, 10);
	return *s && !*end && *out > 0 && *out < (1L << 30);
}

int compat_option(const char *tool, int c, int strsize_opt, const char *usage,
		  struct options *o)
{
	char msg[80];
	long v;

	if (c == strsize_opt) {
		snprintf(msg, sizeof(msg), "-%c needs a string size from 2 to 256 bytes, not '%%s'", c);
		if (!compat_positive(optarg, &v) || v < 2 || v > 256)
			return compat_bad_option(tool, msg, optarg);
		o->strsize = (unsigned int)v;
		return -1;
	}
	switch (c) {
	case 'p':
		if (!compat_positive(optarg, &v))
			return compat_bad_option(tool, "-p needs a process id, not '%s'", optarg);
		o->pid = (pid_t)v;
		return -1;
	case 'v': o->verbose = true; return -1;
	case 'j': o->json = true; return -1;
	case 'I': return -1;
	case 'h':
		fputs(usage, stdout);
		exit(EXIT_OK);
	default:
		fprintf(stderr, "Try 'plumb %s -h' for more information.\n", tool);
		return EXIT_USAGE;
	}
}
