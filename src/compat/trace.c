// SPDX-License-Identifier: GPL-2.0-only
/* plumb trace: BCC trace's command line. Each probe
 *   [{p,r}]:[library]:function[(signature)] [(predicate)] ["format", args...]
 *   t:category:event ...   u:library:probe ...
 * becomes a clause whose printf writes trace's PID TID COMM FUNC columns;
 * -T/-t put the time in front, -M stops after that many lines. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compat/compat-int.h"

static const char usage_text[] =
	"usage: plumb [PLUMB OPTIONS] trace [-h] [-p PID] [-v] [-Z STRING_SIZE] [-M MAX_EVENTS]\n"
	"                   [-T] [-t] [-U] [-K] [-j] probe [probe ...]\n"
	"\n"
	"BCC trace's command line, run by plumb: print a line for each call of the\n"
	"probed functions, with values of their arguments. No compiler, no headers.\n"
	"\n"
	"options:\n"
	"  -h, --help              this help\n"
	"  -p, --pid PID           trace only this process\n"
	"  -v, --verbose           print the plumb program each probe becomes\n"
	"  -Z, --string-size N     bytes read for %s, the NUL included (80; up to 256)\n"
	"  -M, --max-events N      stop after N lines\n"
	"  -T, --time              a TIME column (HH:MM:SS)\n"
	"  -t, --timestamp         a TIME column (seconds since the start)\n"
	"  -U, --user-stack        the user stack of each event\n"
	"  -K, --kernel-stack      the kernel stack of each event\n"
	"  -S, -I HEADER           accepted and ignored\n"
	"  -j                      plumb's JSON lines\n"
	"\n"
	"Probe:\n"
	"  [{p,r}]:[library]:function[(signature)] [(predicate)] [\"format\"[, arguments]]\n"
	"  t:category:event [(predicate)] [\"format\"[, arguments]]\n"
	"  u:library:probe [(predicate)] [\"format\"[, arguments]]\n"
	"  arg1, arg2, ... are the arguments counted from 1; retval in r: probes;\n"
	"  $pid (thread), $tgid (process), $uid, $gid, $cpu\n"
	"\n"
	"Examples:\n"
	"  plumb trace 'u:memsqld:querystart \"%s\", arg1'\n"
	"  plumb trace 'p:c:open (arg2 == 42) \"%s %d\", arg1, arg2'\n"
	"  plumb trace 'r:c:malloc (retval) \"allocated = %x\", retval'\n"
	"  plumb trace -M 10 -T 'u:memsqld:queryend \"latency %d\", arg1'\n";

struct tprobe {
	struct src src;
	char ptype;
	struct span lib, func, sig, pred, fmt;	/* fmt: inside the quotes */
	bool has_sig, has_pred, has_fmt;
	struct span vals[32];
	int nvals;
	struct csig params;
};

struct tracer {
	struct tprobe *v;
	size_t n;
	long max_events;	/* -M */
	long printed;
	bool time, timestamp, ustack, kstack;
	uint64_t t0;		/* CLOCK_MONOTONIC at the start, for -t */
};

static struct loc L(struct span s)
{
	return (struct loc){ s.start, s.end > s.start ? s.end : s.start + 1 };
}

/* p::func, lib:func, func, r:lib:func, t:cat:event, u:lib:probe */
static bool parse_where(struct tprobe *p, struct span spec)
{
	const char *t = p->src.text;
	struct span parts[8];
	size_t n = sp_split(t, spec, ':', parts, 8);

	if (n > 8) {
		diag_error(L(spec), "too many ':'-separated parts");
		return false;
	}
	p->ptype = 'p';
	if (n >= 3 && parts[0].end > parts[0].start) {
		p->ptype = t[parts[0].start];
		if (parts[0].end - parts[0].start != 1 || !strchr("prtu", p->ptype)) {
			diag_error(L(parts[0]), "probe type must be '', 'p', 't', 'r', or 'u', "
				   "but got '%.*s'", parts[0].end - parts[0].start, t + parts[0].start);
			return false;
		}
	}
	p->func = parts[n - 1];
	p->lib = n == 1 ? (struct span){ spec.start, spec.start }
			: n == 2 ? parts[0] : (struct span){ parts[1].start, parts[n - 2].end };
	if (p->func.start == p->func.end) {
		diag_error(L(p->func), "no function name");
		return false;
	}
	if (p->ptype == 'u' && p->lib.start == p->lib.end) {
		diag_error(L(p->lib), "a USDT probe needs its library or binary: u:BINARY:%.*s",
			   p->func.end - p->func.start, t + p->func.start);
		return false;
	}
	return true;
}

/* The (predicate) after the probe: up to the balancing parenthesis. */
static int parse_pred(struct tprobe *p, int i, int end)
{
	const char *t = p->src.text;
	int depth = 0;

	for (int j = i; j < end; j++) {
		if (t[j] == '(')
			depth++;
		else if (t[j] == ')' && --depth == 0) {
			p->pred = (struct span){ i + 1, j };
			p->has_pred = true;
			return j + 1;
		}
	}
	diag_error((struct loc){ i, end }, "unmatched end of predicate");
	return -1;
}

/* "format", value, value */
static bool parse_action(struct tprobe *p, struct span s)
{
	const char *t = p->src.text;
	int i = s.start + 1;
	struct span rest;
	size_t n;

	if (s.start == s.end)
		return true;
	if (t[s.start] != '"') {
		diag_error(L(s), "expected format string in \"s");
		return false;
	}
	while (i < s.end && t[i] != '"')
		i += t[i] == '\\' ? 2 : 1;
	if (i >= s.end) {
		diag_error(L(s), "unterminated format string");
		return false;
	}
	p->fmt = (struct span){ s.start + 1, i };
	p->has_fmt = true;
	rest = sp_trim(t, (struct span){ i + 1, s.end });
	if (rest.start == rest.end)
		return true;
	if (t[rest.start] != ',') {
		diag_error(L(rest), "expected ',' and the values after the format string");
		return false;
	}
	rest.start++;
	n = sp_split(t, rest, ',', p->vals, 32);
	if (n > 32) {
		diag_error(L(rest), "at most 32 values");
		return false;
	}
	for (size_t k = 0; k < n; k++) {
		struct span v = sp_trim(t, p->vals[k]);
		if (v.start == v.end) {
			diag_error(L(p->vals[k]), "empty value");
			return false;
		}
		p->vals[p->nvals++] = v;
	}
	return true;
}

static bool parse_probe(struct tprobe *p)
{
	const char *t = p->src.text;
	int end = (int)p->src.len, i = 0;
	struct span spec;

	while (i < end && (t[i] == ' ' || t[i] == '\t'))
		i++;
	spec.start = i;
	while (i < end && !strchr(" \t(", t[i]))
		i++;
	spec.end = i;
	if (spec.start == spec.end) {
		diag_error((struct loc){ spec.start, spec.start + 1 }, "no probe: write "
			   "[{p,r}]:[library]:function, t:category:event or u:library:probe");
		return false;
	}
	if (!parse_where(p, spec))
		return false;
	if (i < end && t[i] == '(') {
		int close;

		for (close = i + 1; close < end && t[close] != ')' && t[close] != '('; close++)
			;
		if (close < end && t[close] == ')') {
			p->sig = (struct span){ i + 1, close };
			p->has_sig = true;
			i = close + 1;
		}
	}
	if (p->has_sig && (p->ptype == 'u' || p->ptype == 't')) {
		diag_error(L(p->sig), "USDT and tracepoint probes can't have a function signature; "
			   "use arg1, arg2, ... instead");
		return false;
	}
	if (p->has_sig && !cx_signature(&p->src, p->sig.start, p->sig.end, &p->params))
		return false;
	while (i < end && (t[i] == ' ' || t[i] == '\t'))
		i++;
	if (i < end && t[i] == '(' && (i = parse_pred(p, i, end)) < 0)
		return false;
	return parse_action(p, sp_trim(t, (struct span){ i, end }));
}

static void emit_probe(struct ctext *t, struct tprobe *p)
{
	bool kernel = p->lib.start == p->lib.end && p->ptype != 't';

	if (p->ptype == 'u' || p->ptype == 't')
		ct_printf(t, "%c:", p->ptype);
	else
		ct_lit(t, kernel ? (p->ptype == 'r' ? "kr:" : "k:") : (p->ptype == 'r' ? "r:" : "p:"));
	if (!kernel) {
		ct_copy(t, &p->src, p->lib.start, p->lib.end);
		ct_lit(t, ":");
	}
	ct_copy(t, &p->src, p->func.start, p->func.end);
	if (p->ptype == 'p')
		cx_emit_signature(t, &p->src, &p->params);
}

/* The format: %K/%U become %s of a symbol; returns the conversions, so
 * that the values can be wrapped to match (str() for %s). */
static int emit_format(struct ctext *t, struct tprobe *p, char *convs, int max)
{
	const char *s = p->src.text;
	int n = 0, from = p->fmt.start;

	for (int i = p->fmt.start; i < p->fmt.end; i++) {
		if (s[i] == '\\') {
			i++;
			continue;
		}
		if (s[i] != '%')
			continue;
		if (i + 1 < p->fmt.end && s[i + 1] == '%') {
			i++;
			continue;
		}
		int j = i + 1;
		while (j < p->fmt.end && strchr("-+ #0123456789.lhzjt", s[j]))
			j++;
		if (j >= p->fmt.end)
			break;
		if (n < max)
			convs[n] = s[j];
		n++;
		if (s[j] == 'K' || s[j] == 'U') {
			ct_copy(t, &p->src, from, j);
			ct_subst(t, "s", &p->src, j, j + 1);
			from = j + 1;
		}
		i = j;
	}
	ct_copy(t, &p->src, from, p->fmt.end);
	return n;
}

static bool emit_value(struct ctext *t, struct tprobe *p, struct cx *c, int k, char conv)
{
	const char *wrap = conv == 's' ? "str(" : conv == 'U' ? "usym(" : NULL;
	bool ok;

	if (conv == 'K') {
		diag_error(L(p->vals[k]), "%%K (a kernel symbol) is not supported; print it with %%llx");
		return false;
	}
	if (wrap)
		ct_lit(t, wrap);
	ok = cx_rewrite(t, c, p->vals[k].start, p->vals[k].end);
	if (wrap)
		ct_lit(t, ")");
	return ok;
}

static const char *func_name(struct tprobe *p, char *buf, size_t len)
{
	snprintf(buf, len, "%.*s", p->func.end - p->func.start, p->src.text + p->func.start);
	return buf;
}

static bool emit_clause(struct ctext *t, struct tprobe *p, const struct tracer *tr)
{
	struct cx c = { .src = &p->src, .sig = &p->params, .ret = p->ptype == 'r',
			.self = "", .tool = "trace" };
	char convs[32], fn[256];
	int nconv = 0;
	bool ok = true;
	size_t mark = t->sb.len;

	emit_probe(t, p);
	if (p->has_pred) {
		ct_lit(t, " /");
		ok = cx_rewrite(t, &c, p->pred.start, p->pred.end);
		ct_subst(t, "/", &p->src, p->pred.end, p->pred.end + 1);
	}
	ct_printf(t, " { printf(\"%s%%-7d %%-7d %%-15s %%-16s ", tr->timestamp ? "%llu " : "");
	if (p->has_fmt)
		nconv = emit_format(t, p, convs, 32);
	ct_printf(t, "%s%s\\n\", %spid, tid, comm, \"%s\"", tr->ustack ? "%s" : "",
		  tr->kstack ? "%s" : "", tr->timestamp ? "nsecs, " : "",
		  func_name(p, fn, sizeof(fn)));
	for (int k = 0; k < p->nvals && ok; k++) {
		ct_lit(t, ", ");
		ok = emit_value(t, p, &c, k, k < nconv && k < 32 ? convs[k] : 'd');
	}
	if (tr->ustack)
		ct_lit(t, ", ustack");
	if (tr->kstack)
		ct_lit(t, ", kstack");
	ct_lit(t, "); }\n");
	ct_origin_since(t, mark, &p->src, 0, (int)p->src.len);
	cx_free(&c);
	return ok;
}

static void begin(struct rt *rt, void *ctx)
{
	struct tracer *tr = ctx;
	bool any_fmt = false;
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	tr->t0 = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	if (rt->out.json)
		return;
	for (size_t i = 0; i < tr->n; i++)
		any_fmt |= tr->v[i].has_fmt;
	if (tr->time || tr->timestamp)
		fprintf(rt->out.f, "%-8s ", "TIME");
	fprintf(rt->out.f, "%-7s %-7s %-15s %-16s %s\n", "PID", "TID", "COMM", "FUNC",
		any_fmt ? "-" : "");
	rt_check_stdout(rt);
}

/* One event's line: the time in front, -M counted. */
static void line(struct rt *rt, void *ctx, const char *text, size_t len)
{
	struct tracer *tr = ctx;
	struct strbuf sb = {0};
	char stamp[32];

	if (tr->max_events && tr->printed >= tr->max_events)
		return;
	if (tr->timestamp) {
		char *end;
		unsigned long long ns = strtoull(text, &end, 10);
		double secs = ns > tr->t0 ? (double)(ns - tr->t0) / 1e9 : 0;
		snprintf(stamp, sizeof(stamp), "%.6f", secs);
		sb_printf(&sb, "%-8.8s ", stamp);
		len -= (size_t)(end + 1 - text);
		text = end + 1;
	} else if (tr->time) {
		time_t now = time(NULL);
		struct tm tm;
		strftime(stamp, sizeof(stamp), "%H:%M:%S", localtime_r(&now, &tm));
		sb_printf(&sb, "%-8s ", stamp);
	}
	sb_putn(&sb, text, len);
	out_printf_line(&rt->out, sb.s, sb.len);
	sb_free(&sb);
	rt_check_stdout(rt);
	if (tr->max_events && ++tr->printed >= tr->max_events)
		rt->stop = true;
}

static int bad_option(const char *fmt, const char *arg)
{
	return compat_bad_option("trace", fmt, arg);
}

/* This tool's own options; compat_option() has the others. */
static int one_option(int c, struct tracer *tr, struct options *o)
{
	switch (c) {
	case 'M':
		if (!compat_positive(optarg, &tr->max_events))
			return bad_option("-M needs a number of events, not '%s'", optarg);
		break;
	case 'T': tr->time = true; break;
	case 't': tr->timestamp = true; break;
	case 'U': tr->ustack = true; break;
	case 'K': tr->kstack = true; break;
	case 'S': break;
	default:
		return compat_option("trace", c, 'Z', usage_text, o);
	}
	return -1;
}

static int options(int argc, char **argv, struct tracer *tr, struct options *o)
{
	static const struct option longs[] = {
		{"help", no_argument, NULL, 'h'}, {"pid", required_argument, NULL, 'p'},
		{"verbose", no_argument, NULL, 'v'}, {"string-size", required_argument, NULL, 'Z'},
		{"max-events", required_argument, NULL, 'M'}, {"time", no_argument, NULL, 'T'},
		{"timestamp", no_argument, NULL, 't'}, {"user-stack", no_argument, NULL, 'U'},
		{"kernel-stack", no_argument, NULL, 'K'}, {"include-self", no_argument, NULL, 'S'},
		{"include", required_argument, NULL, 'I'}, {NULL, 0, NULL, 0},
	};
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "hp:vZ:M:TtUKSI:j", longs, NULL)) != -1)
		if ((rc = one_option(c, tr, o)) >= 0)
			return rc;
	if (optind >= argc)
		return bad_option("%s", "no probe given, e.g. 'u:memsqld:querystart \"%s\", arg1'");
	tr->v = xcalloc((size_t)(argc - optind), sizeof(*tr->v));
	for (int i = optind; i < argc; i++) {
		struct tprobe *p = &tr->v[tr->n++];
		p->src.name = "<trace>";
		p->src.text = argv[i];
		p->src.len = strlen(argv[i]);
	}
	return -1;
}

static void show_translation(const struct tracer *tr, const struct ctext *t,
			     const size_t *starts, const struct options *o)
{
	for (size_t i = 0; i < tr->n; i++) {
		struct strbuf sb = {0};
		compat_oneliner(&sb, o, t->sb.s + starts[i], starts[i + 1] - starts[i]);
		fprintf(stderr, "plumb: trace '%s' is: %s\n", tr->v[i].src.text, sb.s);
		sb_free(&sb);
	}
}

int trace_main(int argc, char **argv, struct options *o, compat_run_fn run)
{
	struct tracer tr = {0};
	struct ctext t = {0};
	struct rt_printer pr = { .ctx = &tr, .begin = begin, .line = line };
	size_t *starts = NULL;
	int rc;

	o->strsize = 80;
	rc = options(argc, argv, &tr, o);
	starts = xcalloc(tr.n + 1, sizeof(*starts));
	for (size_t i = 0; rc < 0 && i < tr.n; i++) {
		diag_init(&tr.v[i].src);
		starts[i] = t.sb.len;
		if (!parse_probe(&tr.v[i]) || !emit_clause(&t, &tr.v[i], &tr))
			rc = EXIT_USAGE;
	}
	starts[tr.n] = t.sb.len;
	if (rc < 0) {
		o->printer = &pr;
		if (o->verbose)
			show_translation(&tr, &t, starts, o);
		rc = compat_run(&t, "trace", o, run);
	}
	for (size_t i = 0; i < tr.n; i++)
		cx_sig_free(&tr.v[i].params);
	free(tr.v);
	free(starts);
	ct_free(&t);
	return rc;
}
