// SPDX-License-Identifier: GPL-2.0-only
/* plumb argdist: BCC argdist's command line. Each specifier
 *   [p|r|t|u]:{[library]|binary}:function(signature)[:type[,type...]:expr[,expr...][:filter]][#label]
 * becomes a clause (two, for a return probe that needs values from the
 * entry) of one plumb program; the printers in adprint.c show its maps
 * in argdist's layout every interval. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast/type.h"
#include "compat/argdist.h"

static const char usage_text[] =
	"usage: plumb [PLUMB OPTIONS] argdist [-h] [-p PID] [-z STRING_SIZE] [-i INTERVAL]\n"
	"                     [-d DURATION] [-n COUNT] [-v] [-c] [-T TOP] [-j]\n"
	"                     [-C specifier] [-H specifier] [-I header]\n"
	"\n"
	"BCC argdist's command line, run by plumb: count (-C) or histogram (-H) the\n"
	"values of function arguments and return values. No compiler, no headers.\n"
	"\n"
	"options:\n"
	"  -h, --help            this help\n"
	"  -p, --pid PID         trace only this process\n"
	"  -z, --string-size N   bytes read from char* values, the NUL included (80; up to 256)\n"
	"  -i, --interval SECS   print every SECS seconds (1; also 500ms, 2s, ...)\n"
	"  -d, --duration SECS   stop after SECS seconds\n"
	"  -n, --number COUNT    stop after COUNT intervals\n"
	"  -v, --verbose         print the plumb program each specifier becomes\n"
	"  -c, --cumulative      do not clear the counts and histograms at each interval\n"
	"  -T, --top TOP         show only the TOP largest counts (not histograms)\n"
	"  -C, --count SPEC      count the values of SPEC (repeatable)\n"
	"  -H, --histogram SPEC  a log2 histogram of the value of SPEC (repeatable)\n"
	"  -I, --include HEADER  accepted and ignored: plumb needs no headers\n"
	"  -j                    plumb's JSON lines instead of argdist's layout\n"
	"\n"
	"Specifier:\n"
	"  {p,r,t,u}:{[library],category}:function(signature)[:type[,type...]:expr[,expr...][:filter]][#label]\n"
	"  p, r, t, u  function entry, function return, kernel tracepoint, USDT probe\n"
	"              (return probes can use $retval, $entry(param), $latency)\n"
	"  library     library or program with the function or probe (a path, a name\n"
	"              on $PATH, or a library name such as c); empty for the kernel\n"
	"  signature   the parameters, as in C; arg1, arg2, ... count from 1\n"
	"  type, expr  what to collect (char* is a string); $PID is the pid-tgid word\n"
	"  filter      a C condition: only matching calls are counted\n"
	"  label       the title printed instead of the specifier\n"
	"\n"
	"Examples:\n"
	"  plumb argdist -C 'u:memsqld:querystart(char* arg1):char*:arg1'\n"
	"  plumb argdist -H 'u:memsqld:queryend(u64 arg1):u64:arg1'\n"
	"  plumb argdist -C 'u:memsqld:backgroundflusher():u32:$PID'\n"
	"  plumb argdist -c -H 'p:c:write(int fd, void *buf, size_t len):size_t:len:fd==1'\n"
	"  plumb argdist -H 'r:c:malloc(size_t size):u64:$latency/$entry(size)#ns per byte'\n"
	"\n"
	"plumb -v argdist ... (or argdist -v) shows the plumb program for each specifier.\n";

static struct loc L(struct span s)
{
	return (struct loc){ s.start, s.end > s.start ? s.end : s.start + 1 };
}

/* The probe type, library and function(signature) parts. */
static bool parse_head(struct adspec *a, const struct span *parts)
{
	const char *t = a->src.text;
	struct span f = sp_trim(t, parts[2]);
	const char *open = memchr(t + f.start, '(', (size_t)(f.end - f.start));

	if (parts[0].end - parts[0].start != 1 || !strchr("prtu", t[parts[0].start])) {
		diag_error(L(parts[0]), "probe type must be 'p', 'r', 't', or 'u' but got '%.*s'",
			   parts[0].end - parts[0].start, t + parts[0].start);
		return false;
	}
	a->ptype = t[parts[0].start];
	a->lib = sp_trim(t, parts[1]);
	if (open == t + f.start) {
		diag_error(L(f), "no function name before the signature: write function(signature)");
		return false;
	}
	if (!open || t[f.end - 1] != ')') {
		diag_error(L(f), "function signature '%.*s' has an invalid format: write "
			   "function(signature), e.g. %.*s()", f.end - f.start, t + f.start,
			   (int)(open ? open - t - f.start : f.end - f.start), t + f.start);
		return false;
	}
	a->func = sp_trim(t, (struct span){ f.start, (int)(open - t) });
	a->sig = (struct span){ (int)(open - t) + 1, f.end - 1 };
	if (memchr(t + a->func.start, ' ', (size_t)(a->func.end - a->func.start))) {
		diag_error(L(a->func), "function name '%.*s' has a space in it",
			   a->func.end - a->func.start, t + a->func.start);
		return false;
	}
	if (a->ptype == 'u' && a->lib.start == a->lib.end) {
		diag_error(L(parts[1]), "a USDT probe needs its library or binary: u:BINARY:%.*s()",
			   a->func.end - a->func.start, t + a->func.start);
		return false;
	}
	if (a->ptype == 't' && a->lib.start == a->lib.end) {
		diag_error(L(parts[1]), "a tracepoint needs its category: t:CATEGORY:%.*s()",
			   a->func.end - a->func.start, t + a->func.start);
		return false;
	}
	if (!cx_signature(&a->src, a->sig.start, a->sig.end, &a->params))
		return false;
	if (a->ptype == 't' && a->params.n) {
		diag_error(L(a->params.all), "tracepoints take no signature: their fields are "
			   "args->NAME");
		return false;
	}
	return true;
}

static bool parse_type(struct adspec *a, int i)
{
	const char *t = a->src.text;
	char *ty = sp_dup(t, a->type[i]);
	struct type ct;
	char *nospace = xstrdup(ty);
	size_t k = 0;

	for (char *p = ty; *p; p++)
		if (*p != ' ' && *p != '\t')
			nospace[k++] = *p;
	nospace[k] = '\0';
	a->is_str[i] = !strcmp(nospace, "char*") || !strcmp(nospace, "constchar*");
	bool ok = a->is_str[i] || (type_parse(ty, &ct) && ct.kind == T_INT);
	if (!ok)
		diag_error(L(a->type[i]), "unknown type '%s': plumb knows char* and the integers "
			   "(u8..u64, s8..s64, int, long, size_t, ...)", ty);
	else if (a->is_str[i] && a->kind == 'H')
		diag_error(L(a->type[i]), "a histogram needs a number, not a string (%s)", ty);
	free(ty);
	free(nospace);
	return ok && !(a->is_str[i] && a->kind == 'H');
}

/* type[,type...]:expr[,expr...] */
static bool parse_values(struct adspec *a, struct span types, struct span exprs)
{
	const char *t = a->src.text;
	size_t nt = sp_split(t, types, ',', a->type, AD_MAX_EXPRS);
	size_t ne = sp_split(t, exprs, ',', a->expr, AD_MAX_EXPRS);

	if (sp_trim(t, types).start == sp_trim(t, types).end) {
		diag_error(L(types), "no expr types specified");
		return false;
	}
	if (sp_trim(t, exprs).start == sp_trim(t, exprs).end) {
		diag_error(L(exprs), "no exprs specified");
		return false;
	}
	if (nt > AD_MAX_EXPRS || ne > AD_MAX_EXPRS) {
		diag_error(L(nt > AD_MAX_EXPRS ? types : exprs), "at most %d values", AD_MAX_EXPRS);
		return false;
	}
	if (nt != ne) {
		diag_error(L(exprs), "mismatched # of exprs and types: %zu type%s, %zu expr%s", nt,
			   nt == 1 ? "" : "s", ne, ne == 1 ? "" : "s");
		return false;
	}
	if (a->kind == 'H' && ne > 1) {
		diag_error(L(exprs), "histograms can only have 1 expr");
		return false;
	}
	a->nexprs = (int)ne;
	for (int i = 0; i < a->nexprs; i++) {
		a->type[i] = sp_trim(t, a->type[i]);
		a->expr[i] = sp_trim(t, a->expr[i]);
		if (a->type[i].start == a->type[i].end || a->expr[i].start == a->expr[i].end) {
			diag_error(L(a->type[i].start == a->type[i].end ? a->type[i] : a->expr[i]),
				   "empty %s", a->type[i].start == a->type[i].end ? "type" : "expr");
			return false;
		}
		if (!parse_type(a, i))
			return false;
	}
	return true;
}

static bool parse_spec(struct adspec *a)
{
	const char *t = a->src.text;
	struct span whole = { 0, (int)a->src.len }, parts[7];
	const char *hash = strchr(t, '#');
	size_t n;

	if (hash) {
		a->has_label = true;
		a->label = (struct span){ (int)(hash - t) + 1, whole.end };
		whole.end = (int)(hash - t);
	}
	whole = sp_trim(t, whole);
	n = sp_split(t, whole, ':', parts, 7);
	if (n < 3) {
		diag_error((struct loc){ whole.start, whole.end > whole.start ? whole.end : 1 },
			   "at least the probe type, library, and function signature must be "
			   "specified, e.g. u:memsqld:querystart()");
		return false;
	}
	if (n > 6) {
		diag_error((struct loc){ parts[6].start - 1, whole.end },
			   "extraneous ':'-separated parts detected");
		return false;
	}
	if (!parse_head(a, parts))
		return false;
	if (n == 4) {
		diag_error((struct loc){ parts[3].end, parts[3].end + 1 },
			   "a type needs an expression after it: ...:%.*s:EXPR",
			   parts[3].end - parts[3].start, t + parts[3].start);
		return false;
	}
	a->default_expr = n < 5;
	if (!a->default_expr && !parse_values(a, parts[3], parts[4]))
		return false;
	if (a->default_expr && a->kind == 'H' && a->ptype != 'r') {
		diag_error((struct loc){ whole.end - 1, whole.end },
			   "histograms must have expr: add :TYPE:EXPR, e.g. ...:u64:arg1");
		return false;
	}
	if (n == 6) {
		a->filter = sp_trim(t, parts[5]);
		a->has_filter = a->filter.start < a->filter.end;
	}
	return true;
}

/* u:memsqld:querystart, p:c:write, k:vfs_read, t:sched:sched_switch */
static void emit_probe(struct ctext *t, struct adspec *a, bool ret)
{
	bool kernel = a->lib.start == a->lib.end && a->ptype != 't';

	if (a->ptype == 'u' || a->ptype == 't')
		ct_printf(t, "%c:", a->ptype);
	else
		ct_lit(t, kernel ? (ret ? "kr:" : "k:") : (ret ? "r:" : "p:"));
	if (!kernel) {
		ct_copy(t, &a->src, a->lib.start, a->lib.end);
		ct_lit(t, ":");
	}
	ct_copy(t, &a->src, a->func.start, a->func.end);
}

/* A name or a number (or $PID, already parenthesised) needs no parentheses. */
static bool simple_expr(const char *s, struct span e)
{
	for (int i = e.start + (s[e.start] == '$'); i < e.end; i++)
		if (!(s[i] == '_' || (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= 'A' && s[i] <= 'Z')))
			return false;
	return true;
}

/* One value: str(E) for char*, (T)E for integers narrower than 64 bits. */
static bool emit_value(struct ctext *t, struct adspec *a, struct cx *c, int i)
{
	struct type ty = {0};
	char *tn = sp_dup(a->src.text, a->type[i]);
	bool cast = !a->is_str[i] && type_parse(tn, &ty) && ty.size < 8;
	bool paren = cast && !simple_expr(a->src.text, a->expr[i]);
	bool ok;

	free(tn);
	if (a->is_str[i])
		ct_lit(t, "str(");
	if (cast) {
		ct_lit(t, "(");
		ct_copy(t, &a->src, a->type[i].start, a->type[i].end);
		ct_lit(t, paren ? ")(" : ")");
	}
	ok = cx_rewrite(t, c, a->expr[i].start, a->expr[i].end);
	if (paren)
		ct_lit(t, ")");
	if (a->is_str[i])
		ct_lit(t, ")");
	return ok;
}

static bool emit_agg(struct ctext *t, struct adspec *a, struct cx *c)
{
	bool ok = true;

	if (a->default_expr) {
		if (a->ptype != 'r')
			ct_printf(t, "%s = count();", a->map);
		else if (a->kind == 'C')
			ct_printf(t, "%s[(int)retval] = count();", a->map);
		else
			ct_printf(t, "%s = hist((int)retval);", a->map);
		return true;
	}
	ct_lit(t, a->map);
	ct_lit(t, a->kind == 'H' ? " = hist(" : "[");
	for (int i = 0; i < a->nexprs && ok; i++) {
		if (i)
			ct_lit(t, ", ");
		ok = emit_value(t, a, c, i);
	}
	ct_lit(t, a->kind == 'H' ? ");" : "] = count();");
	return ok;
}

static bool emit_filter(struct ctext *t, struct adspec *a, struct cx *c)
{
	return cx_rewrite(t, c, a->filter.start, a->filter.end);
}

/* The parameter's plumb name in the entry probe. */
static void emit_param(struct ctext *t, const struct csig *sig, const char *name)
{
	int idx = cx_param(sig, name);

	if (sig->p[idx].emit_name)
		ct_lit(t, name);
	else
		ct_printf(t, "arg%d", idx);
}

/* p:LIB:FUNC(SIG) { self->start = nsecs; self->size = size; } */
static void emit_entry(struct ctext *t, struct adspec *a, const struct cx *c)
{
	emit_probe(t, a, false);
	cx_emit_signature(t, &a->src, &a->params);
	ct_printf(t, " { self->%sstart = nsecs;", a->self);
	for (size_t i = 0; i < c->entries.n; i++) {
		ct_printf(t, " self->%s%s = ", a->self, c->entries.v[i]);
		emit_param(t, &a->params, c->entries.v[i]);
		ct_lit(t, ";");
	}
	ct_lit(t, " }\n");
}

/* The body of a return probe that takes values from the entry. */
static void emit_ret_body(struct ctext *t, struct adspec *a, const struct cx *c,
			  const struct ctext *filter, const struct ctext *agg)
{
	ct_printf(t, " /self->%sstart/ {", a->self);
	if (c->latency)
		ct_printf(t, " $latency = nsecs - self->%sstart;", a->self);
	if (a->has_filter) {
		ct_lit(t, " if (");
		ct_append(t, filter);
		ct_subst(t, ")", &a->src, a->filter.end, a->filter.end);
		ct_lit(t, " {");
	}
	ct_lit(t, " ");
	ct_append(t, agg);
	if (a->has_filter)
		ct_lit(t, " }");
	ct_printf(t, " self->%sstart = 0;", a->self);
	for (size_t i = 0; i < c->entries.n; i++)
		ct_printf(t, " self->%s%s = 0;", a->self, c->entries.v[i]);
	ct_lit(t, " }\n");
}

static bool emit_spec(struct ctext *t, struct adspec *a)
{
	struct cx c = { .src = &a->src, .sig = &a->params, .ret = a->ptype == 'r',
			.self = a->self, .tool = "argdist" };
	struct ctext filter = {0}, agg = {0};
	bool ok = (!a->has_filter || emit_filter(&filter, a, &c)) && emit_agg(&agg, a, &c);
	size_t mark = t->sb.len;

	a->clause_start = t->sb.len;
	if (ok && (c.latency || c.entries.n)) {
		emit_entry(t, a, &c);
		emit_probe(t, a, true);
		emit_ret_body(t, a, &c, &filter, &agg);
	} else if (ok) {
		emit_probe(t, a, a->ptype == 'r');
		if (a->ptype != 'r')
			cx_emit_signature(t, &a->src, &a->params);
		if (a->has_filter) {
			ct_lit(t, " /");
			ct_append(t, &filter);
			/* "unexpected end": at the end of the filter */
			ct_subst(t, "/", &a->src, a->filter.end, a->filter.end);
		}
		ct_lit(t, " { ");
		ct_append(t, &agg);
		ct_lit(t, " }\n");
	}
	a->clause_end = t->sb.len;
	/* what the translation added is the specifier's too */
	ct_origin_since(t, mark, &a->src, 0, (int)a->src.len);
	ct_free(&filter);
	ct_free(&agg);
	cx_free(&c);
	return ok;
}

static void adspec_free(struct adspec *a)
{
	cx_sig_free(&a->params);
	free(a->map);
	free(a->self);
	out_mapdata_free(&a->prev);
}

struct adopts {
	struct argdist ad;
	uint64_t duration_ns;
	bool json;
};

static void add_spec(struct argdist *ad, char kind, const char *text)
{
	struct adspec a = { .kind = kind };

	a.src.name = kind == 'C' ? "<argdist -C>" : "<argdist -H>";
	a.src.text = text;
	a.src.len = strlen(text);
	ad->v = xrealloc(ad->v, (ad->n + 1) * sizeof(*ad->v));
	ad->v[ad->n++] = a;
}

static int bad_option(const char *fmt, const char *arg)
{
	return compat_bad_option("argdist", fmt, arg);
}

/* This tool's own options; compat_option() has the others. */
static int one_option(int c, struct adopts *ao, struct options *o)
{
	switch (c) {
	case 'i':
		if (!parse_duration(optarg, &ao->ad.interval_ns, true) ||
		    ao->ad.interval_ns < 1000000)
			return bad_option("-i needs an interval in seconds (or 500ms, 2s, ...; at "
					  "least 1ms), not '%s'", optarg);
		break;
	case 'd':
		if (!parse_duration(optarg, &ao->duration_ns, true) || !ao->duration_ns)
			return bad_option("-d needs a duration in seconds (or 500ms, 2s, ...), not '%s'",
					  optarg);
		break;
	case 'n':
		if (!compat_positive(optarg, &ao->ad.count))
			return bad_option("-n needs a number of intervals, not '%s'", optarg);
		break;
	case 'T':
		if (!compat_positive(optarg, &ao->ad.top))
			return bad_option("-T needs a number of rows, not '%s'", optarg);
		break;
	case 'C':
	case 'H':
		add_spec(&ao->ad, (char)c, optarg);
		break;
	case 'c': ao->ad.cumulative = true; break;
	default:
		return compat_option("argdist", c, 'z', usage_text, o);
	}
	return -1;
}

static int options(int argc, char **argv, struct adopts *ao, struct options *o)
{
	static const struct option longs[] = {
		{"help", no_argument, NULL, 'h'}, {"pid", required_argument, NULL, 'p'},
		{"string-size", required_argument, NULL, 'z'},
		{"interval", required_argument, NULL, 'i'},
		{"duration", required_argument, NULL, 'd'},
		{"number", required_argument, NULL, 'n'}, {"verbose", no_argument, NULL, 'v'},
		{"cumulative", no_argument, NULL, 'c'}, {"top", required_argument, NULL, 'T'},
		{"histogram", required_argument, NULL, 'H'},
		{"count", required_argument, NULL, 'C'},
		{"include", required_argument, NULL, 'I'}, {NULL, 0, NULL, 0},
	};
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+hp:z:i:d:n:vcT:H:C:I:j", longs, NULL)) != -1)
		if ((rc = one_option(c, ao, o)) >= 0)
			return rc;
	if (optind < argc)
		return bad_option("unexpected argument '%s' (a specifier goes after -C or -H)",
				  argv[optind]);
	if (!ao->ad.n)
		return bad_option("%s", "at least one specifier is required: -C SPEC or -H SPEC");
	return -1;
}

/* -d: argdist stops at the first interval that reaches it. */
static void limit_by_duration(struct adopts *ao)
{
	uint64_t i = ao->ad.interval_ns;
	long n;

	if (!ao->duration_ns)
		return;
	n = (long)((ao->duration_ns + i - 1) / i);
	if (!ao->ad.count || n < ao->ad.count)
		ao->ad.count = n;
}

static bool translate(struct argdist *ad, struct ctext *t)
{
	for (size_t i = 0; i < ad->n; i++) {
		struct adspec *a = &ad->v[i];
		diag_init(&a->src);
		a->map = ad->n == 1 ? xstrdup("@") : xasprintf("@s%zu", i + 1);
		a->self = ad->n == 1 ? xstrdup("") : xasprintf("s%zu_", i + 1);
		if (!parse_spec(a) || !emit_spec(t, a))
			return false;
	}
	return true;
}

static void show_translation(const struct argdist *ad, const struct ctext *t,
			     const struct options *o)
{
	for (size_t i = 0; i < ad->n; i++) {
		const struct adspec *a = &ad->v[i];
		struct strbuf sb = {0};
		size_t len = a->clause_end - a->clause_start;
		if (len && t->sb.s[a->clause_start + len - 1] == '\n')
			len--;
		compat_oneliner(&sb, o, t->sb.s + a->clause_start, len);
		fprintf(stderr, "plumb: argdist -%c '%s' is: %s\n", a->kind, a->src.text, sb.s);
		sb_free(&sb);
	}
}

int argdist_main(int argc, char **argv, struct options *o, compat_run_fn run)
{
	struct adopts ao = { .ad = { .interval_ns = 1000000000ULL } };
	struct ctext t = {0};
	struct rt_printer pr = { .ctx = &ao.ad, .begin = ad_begin, .tick = ad_tick,
				 .final = ad_final };
	int rc;

	o->strsize = 80;
	rc = options(argc, argv, &ao, o);
	if (rc < 0 && !translate(&ao.ad, &t))
		rc = EXIT_USAGE;
	if (rc < 0) {
		limit_by_duration(&ao);
		o->interval_ns = ao.ad.interval_ns;
		o->printer = &pr;
		if (o->verbose)
			show_translation(&ao.ad, &t, o);
		rc = compat_run(&t, "argdist", o, run);
	}
	for (size_t i = 0; i < ao.ad.n; i++)
		adspec_free(&ao.ad.v[i]);
	free(ao.ad.v);
	ct_free(&t);
	return rc;
}
