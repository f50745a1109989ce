// SPDX-License-Identifier: GPL-2.0-only
/* plumb: the command line, and nothing else. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "compat/compat.h"
#include "compile/compile.h"
#include "options.h"
#include "output/out.h"
#include "output/prom.h"
#include "parser/parse.h"
#include "probe/probe.h"
#include "runtime/rt.h"

#define DEFAULT_STRSIZE 64
#define DEFAULT_MAP_KEYS 16384

enum { OPT_LISTEN = 256, OPT_TEXTFILE, OPT_PREFIX, OPT_MAX_SERIES, OPT_INTERVAL_CLEAR };

static const char usage_text[] =
	"usage: plumb [OPTIONS] 'PROGRAM' [ARGS...]\n"
	"       plumb [OPTIONS] -e 'PROGRAM' [ARGS...]\n"
	"       plumb [OPTIONS] FILE [ARGS...]   (a program file; also -f FILE)\n"
	"       plumb -l [PATTERN]\n"
	"       plumb [OPTIONS] argdist ARGS...  (BCC argdist's command line: plumb argdist -h)\n"
	"       plumb [OPTIONS] trace ARGS...    (BCC trace's command line: plumb trace -h)\n"
	"\n"
	"Trace user programs (uprobes, USDT probes) and the kernel (tracepoints)\n"
	"with a one-line program, e.g.\n"
	"  plumb 'u:memsqld:querystart(char *query, u64 plan) /plan == 7/ { @[str(query)] = count(); }'\n"
	"\n"
	"options:\n"
	"  -p PID        trace only this process\n"
	"  -c CMD        run CMD (with /bin/sh -c) once the probes are attached; stop when it exits\n"
	"  -l [PATTERN]  list probes: USDT probes and functions of a binary, tracepoints\n"
	"                (with -e/-f: what the program's probes match)\n"
	"  -d            print the generated BPF beside its source, and the verifier's log\n"
	"  -n, --dry-run  check and compile the program, load nothing (with -d, print it)\n"
	"  -j            JSON lines output\n"
	"  -t DURATION   stop after DURATION (5s, 200ms, 1m, ...)\n"
	"  -s BYTES      default string size, the NUL included (64)\n"
	"  -e PROGRAM    the program (then every argument is a positional parameter)\n"
	"  -f FILE       read the program from FILE ('-' for standard input)\n"
	"  -o FILE       the program's output (maps, printf) to FILE, not stdout\n"
	"  -k            report each failed helper (a memory read of str(), ...) with\n"
	"                its source location, once per second per location\n"
	"  -q            no banner (with --listen or --textfile: and no maps on stdout)\n"
	"  -i DURATION   print the maps every DURATION under a timestamp line\n"
	"  --interval-clear  with -i: each interval's own counts, not running totals\n"
	"  --listen [HOST]:PORT  serve the maps as Prometheus metrics at /metrics\n"
	"  --textfile PATH  write the metrics to PATH every -i DURATION (15s), for\n"
	"                node_exporter's textfile collector\n"
	"  --metric-prefix P  metric names start with P (plumb_)\n"
	"  --max-series N  at most N series per map in the metrics (1000)\n"
	"  -v            say what is attached where, and which probes the kernel single-steps\n"
	"  --unsafe      allow a uprobe address outside any known function (never in data),\n"
	"                and signal(), system(), cat()\n"
	"  -h, --help    this help\n"
	"  --version     the version\n"
	"\n"
	"\n"
	"Options go before the program; '--' ends them, for arguments that start\n"
	"with '-'. Environment: PLUMB_MAX_STRLEN (BPFTRACE_MAX_STRLEN), PLUMB_MAP_KEYS\n"
	"(BPFTRACE_MAX_MAP_KEYS), and the config block's other settings as PLUMB_NAME\n"
	"or BPFTRACE_NAME (PLUMB_PRINT_MAPS_ON_EXIT=false): see the man page.\n"
	"\n"
	"exit status: 0 success, 1 runtime failure, 2 usage or program error\n";

static int usage_error(const char *fmt, const char *arg)
{
	fputs("plumb: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nTry 'plumb -h' for more information.\n", stderr);
	return EXIT_USAGE;
}

/* Output that could not be written is an error (exit 1), not silence;
 * a reader that left (EPIPE) is not. */
static int flushed(int rc)
{
	int err = out_flush(stdout);

	return err && err != EPIPE && rc == EXIT_OK ? EXIT_RUNTIME : rc;
}

static int silent(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

/* At most one byte more than a program may have: enough for the parser
 * to say it is too large, and no more memory whatever the input. NULL
 * after saying why the read failed. */
static char *read_all(FILE *f, const char *file, size_t *len)
{
	struct strbuf sb = {0};
	char buf[4096];
	size_t n;

	while (sb.len <= PARSE_MAX_BYTES &&
	       (n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_putn(&sb, buf, n);
	if (ferror(f)) {
		errmsg("cannot read %s: %s", file, strerror(errno));
		sb_free(&sb);
		return NULL;
	}
	*len = sb.len;
	return sb.s ? sb.s : xstrdup("");
}

static char *read_program(const char *file, size_t *len)
{
	FILE *f = strcmp(file, "-") ? fopen(file, "r") : stdin;
	char *text;

	if (!f) {
		errmsg("cannot read %s: %s", file, strerror(errno));
		return NULL;
	}
	text = read_all(f, strcmp(file, "-") ? file : "standard input", len);
	if (f != stdin)
		fclose(f);
	return text;
}

static bool parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	return *s && !*end && !errno && *out <= max && *out > 0;
}

/* Where the program comes from, and where its output goes. */
struct source {
	const char *file;	/* -f FILE, or a program file named first */
	const char *text;	/* -e PROGRAM */
	const char *output;	/* -o FILE */
};

static int options(int argc, char **argv, struct options *o, struct source *src)
{
	static const struct option longs[] = {
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{"unsafe", no_argument, NULL, 'U'},
		{"dry-run", no_argument, NULL, 'n'},
		{"listen", required_argument, NULL, OPT_LISTEN},
		{"textfile", required_argument, NULL, OPT_TEXTFILE},
		{"metric-prefix", required_argument, NULL, OPT_PREFIX},
		{"max-series", required_argument, NULL, OPT_MAX_SERIES},
		{"interval-clear", no_argument, NULL, OPT_INTERVAL_CLEAR},
		{NULL, 0, NULL, 0},
	};
	unsigned long v;
	int c;

	while ((c = getopt_long(argc, argv, "+p:c:ldnjt:s:f:e:o:kqvhi:", longs, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (!parse_uint(optarg, 0x7fffffff, &v))
				return usage_error("-p needs a process id, not '%s'", optarg);
			o->pid = (pid_t)v;
			break;
		case 'c': o->cmd = optarg; break;
		case 'l': o->list = true; break;
		case 'd': o->dump = true; break;
		case 'n': o->dry_run = true; break;
		case 'j': o->json = true; break;
		case 't':
			if (!parse_duration(optarg, &o->duration_ns, true))
				return usage_error("-t needs a duration such as 5s or 200ms, not '%s'",
						   optarg);
			break;
		case 's':
			if (!parse_uint(optarg, 256, &v) || v < 2)
				return usage_error("-s needs a string size from 2 to 256 bytes, not '%s'",
						   optarg);
			o->strsize = (unsigned int)v;
			break;
		case 'f': src->file = optarg; break;
		case 'e': src->text = optarg; break;
		case 'o': src->output = optarg; break;
		case 'k': o->helper_errors = true; break;
		case 'q': o->quiet = true; break;
		case 'i':
			if (!parse_duration(optarg, &o->interval_ns, true) ||
			    o->interval_ns < 1000000)
				return usage_error("-i needs a duration of 1ms or more such as 1s, "
						   "not '%s'", optarg);
			break;
		case OPT_INTERVAL_CLEAR: o->interval_clear = true; break;
		case OPT_LISTEN:
			if (!rt_listen_spec_ok(optarg))
				return usage_error("--listen needs [HOST]:PORT such as :9100 or "
						   "127.0.0.1:9100, not '%s'", optarg);
			o->listen = optarg;
			break;
		case OPT_TEXTFILE: o->textfile = optarg; break;
		case OPT_PREFIX:
			if (!prom_valid_prefix(optarg))
				return usage_error("--metric-prefix needs letters, digits, '_' and "
						   "':', not starting with a digit: '%s'", optarg);
			o->metric_prefix = optarg;
			break;
		case OPT_MAX_SERIES:
			if (!parse_uint(optarg, 1000000, &v))
				return usage_error("--max-series needs a number from 1 to 1000000, "
						   "not '%s'", optarg);
			o->max_series = (unsigned int)v;
			break;
		case 'v': o->verbose = true; break;
		case 'U': o->unsafe = true; break;
		case 'h':
			fputs(usage_text, stdout);
			exit(flushed(EXIT_OK));
		case 'V':
			printf("plumb %s\n", PACKAGE_VERSION);
			exit(flushed(EXIT_OK));
		default:
			fputs("Try 'plumb -h' for more information.\n", stderr);
			return EXIT_USAGE;
		}
	}
	if (o->interval_clear && !o->interval_ns)
		return usage_error("%s", "--interval-clear needs -i DURATION");
	if (src->file && src->text)
		return usage_error("%s", "-e and -f both give the program: use one");
	return -1;
}

/* The first of NAMES set in the environment, its name in *name. */
static const char *env_first(const char *const *names, const char **name)
{
	for (; *names; names++) {
		const char *v = getenv(*names);
		if (v) {
			*name = *names;
			return v;
		}
	}
	return NULL;
}

/* A setting from plumb's variable or bpftrace's names for it, from 1 to
 * MAX; false after saying what is wrong with it. */
static bool env_setting(const char *const *names, unsigned long lo, unsigned long max,
			unsigned long *out)
{
	const char *name, *e = env_first(names, &name);

	if (!e)
		return true;
	if (parse_uint(e, max, out) && *out >= lo)
		return true;
	errmsg("%s must be a number from %lu to %lu, not '%s'", name, lo, max, e);
	return false;
}

/* The settings bpftrace takes from its environment that plumb has:
 * PLUMB_MAX_STRLEN (-s), PLUMB_MAP_KEYS; bpftrace's names accepted,
 * plumb's first. The command line's -s wins over them. */
static bool environment(struct options *o)
{
	static const char *const strlen_names[] = {
		"PLUMB_MAX_STRLEN", "BPFTRACE_MAX_STRLEN", "BPFTRACE_STRLEN", NULL };
	static const char *const keys_names[] = {
		"PLUMB_MAP_KEYS", "BPFTRACE_MAX_MAP_KEYS", "BPFTRACE_MAP_KEYS_MAX", NULL };
	unsigned long strsize = DEFAULT_STRSIZE, keys = DEFAULT_MAP_KEYS;

	if ((!o->strsize && !env_setting(strlen_names, 2, 256, &strsize)) ||
	    !env_setting(keys_names, 1, 1UL << 24, &keys))
		return false;
	const char *name;
	o->strsize_set = o->strsize || env_first(strlen_names, &name);
	o->map_entries_set = env_first(keys_names, &name);
	if (!o->strsize)
		o->strsize = (unsigned int)strsize;
	o->map_entries = (uint32_t)keys;
	return true;
}

/* What the command line asks of a compiled program: print it (-n, -d)
 * or run it. */
static int run(struct compile *c, const struct options *o)
{
	if (!o->dry_run)
		return rt_run(&c->sema, c->progs.v, c->progs.n, &c->opts);
	for (size_t i = 0; o->dump && i < c->progs.n; i++)
		cg_dump(stdout, c->progs.v[i], &c->sema, NULL);
	return EXIT_OK;
}

/* A parsed program (plumb trace, plumb argdist make theirs). */
static int trace(struct program *prog, const struct options *o)
{
	struct compile c = {0};
	int rc = compile_program(&c, prog, o) ? run(&c, o) : c.status;

	compile_free(&c);
	return rc;
}

static int trace_text(const char *name, const char *text, size_t len, const struct options *o)
{
	struct compile c = {0};
	int rc = compile_text(&c, name, text, len, o) ? run(&c, o) : c.status;

	compile_free(&c);
	return rc;
}

/* Arguments after the program are its positional parameters; one that
 * looks like an option was most likely meant as one, so it is an error
 * unless a "--" (dropped) comes before it. A negative number (-5) is no
 * option: plumb has none that starts with a digit. */
static int params(int argc, char **argv, int from, bool dashdash, struct options *o)
{
	int n = 0;

	for (int i = from; i < argc; i++) {
		char *a = argv[i];

		if (!dashdash && !strcmp(a, "--")) {
			dashdash = true;
			continue;
		}
		if (!dashdash && a[0] == '-' && a[1] && !isdigit((unsigned char)a[1])) {
			fprintf(stderr, "plumb: option %s after the program: options go before it "
				"(or use -- before the program's arguments)\n", a);
			return EXIT_USAGE;
		}
		argv[from + n++] = a;
	}
	o->params = argv + from;
	o->nparams = n;
	return -1;
}

/* bpftrace's rule for "plumb NAME": a program file when NAME names one;
 * else the program's text. */
static bool names_file(const char *arg)
{
	struct stat st;

	return !stat(arg, &st) && S_ISREG(st.st_mode);
}

/* The program's text and the name diagnostics give it; NULL after
 * saying why not. (A "#!" line is a comment to the lexer.) */
static char *program(struct source *src, int argc, char **argv, const char **name,
		     size_t *len)
{
	char *text;

	if (!src->file && !src->text && optind < argc && names_file(argv[optind]))
		src->file = argv[optind++];
	if (src->file) {
		text = read_program(src->file, len);
		*name = strcmp(src->file, "-") ? src->file : "<stdin>";
	} else {
		if (!src->text && optind < argc)
			src->text = argv[optind++];
		if (!src->text) {
			usage_error("%s", "no program given");
			return NULL;
		}
		text = xstrdup(src->text);
		*len = strlen(text);
		*name = "<cmdline>";
	}
	return text;
}

/* -l with -e PROGRAM or -f FILE: what the program's probes match, as
 * bpftrace lists them, instead of every tracepoint. */
static int list_program(struct source *src, int argc, char **argv, bool dashdash,
			struct options *o)
{
	struct program *prog;
	const char *name;
	size_t len;
	char *text = program(src, argc, argv, &name, &len);
	int rc;

	if (!text)
		return EXIT_USAGE;
	rc = params(argc, argv, optind, dashdash, o);
	if (rc < 0) {
		prog = parse_program(name, text, len);
		rc = prog ? probe_list_program(prog, o) : EXIT_USAGE;
		if (prog)
			program_free(prog);
	}
	free(text);
	return rc;
}

/* -o FILE: the program's output goes there; false after saying why not. */
static bool output_to(const char *file)
{
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);

	if (fd < 0) {
		errmsg("cannot write %s: %s", file, strerror(errno));
		return false;
	}
	out_set_output(fd, file);
	return true;
}

int main(int argc, char **argv)
{
	struct options o;
	struct source src = {0};
	const char *name;
	char *text;
	size_t len;
	bool dashdash;
	int rc;

	rt_signals_early();
	rt_fds_raise();
	o = (struct options){ .metric_prefix = PROM_DEFAULT_PREFIX,
			      .max_series = PROM_DEFAULT_MAX_SERIES };
	rc = options(argc, argv, &o, &src);
	if (rc >= 0)
		return rc;
	if (!environment(&o))
		return EXIT_USAGE;
	libbpf_set_print(silent);
	dashdash = optind > 1 && !strcmp(argv[optind - 1], "--");
	if (o.list && (src.text || src.file))
		return flushed(list_program(&src, argc, argv, dashdash, &o));
	if (o.list) {
		const char *pattern = optind < argc ? argv[optind] : NULL;
		if (optind < argc && (rc = params(argc, argv, optind + 1, dashdash, &o)) >= 0)
			return rc;
		if (o.pid && !rt_watch_pid(o.pid))
			return EXIT_RUNTIME;
		return flushed(probe_list(pattern, &o));
	}
	if (o.pid && !rt_watch_pid(o.pid))
		return EXIT_RUNTIME;
	if (!src.file && !src.text && optind < argc && compat_is_tool(argv[optind]))
		return flushed(compat_main(argc - optind, argv + optind, &o, trace));
	text = program(&src, argc, argv, &name, &len);
	if (!text)
		return EXIT_USAGE;
	rc = params(argc, argv, optind, dashdash, &o);
	if (rc < 0 && src.output && !output_to(src.output))
		rc = EXIT_USAGE;
	if (rc < 0)
		rc = flushed(trace_text(name, text, len, &o));
	free(text);
	return rc;
}
