// SPDX-License-Identifier: GPL-2.0-only
/* Text output, for people at a terminal. */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agg/agg.h"
#include "binary/binary.h"
#include "output/out.h"

#define BAR_WIDTH 52

void out_text_map(struct out *o, const struct out_mapdata *d, const size_t *order);

static void hist_rows(struct out *o, const struct map *m, const uint64_t *v, int n)
{
	int first = 0, last = n - 1;
	uint64_t max = 0;
	char label[96], bar[BAR_WIDTH + 1];

	while (first < n && !v[first])
		first++;
	while (last > first && !v[last])
		last--;
	for (int i = first; i <= last; i++)
		if (v[i] > max)
			max = v[i];
	for (int i = first; i <= last && max; i++) {
		/* in float, as bpftrace computes it: the same bar to the '@' */
		int w = (int)((float)v[i] / (float)max * BAR_WIDTH);
		memset(bar, '@', (size_t)w);
		memset(bar + w, ' ', (size_t)(BAR_WIDTH - w));
		bar[BAR_WIDTH] = '\0';
		m->agg->bucket_label(m, i, label, sizeof(label));
		fprintf(o->f, "%-16s%8llu |%s|\n", label, (unsigned long long)v[i], bar);
	}
}

static void scalar(struct out *o, const struct map *m, const uint64_t *v, struct strbuf *sb)
{
	if (m->agg && m->agg->shape == AGG_STATS)
		out_stats(sb, m, v, false);
	else if (!out_number(sb, m, v, o->div))
		out_value_str(o, sb, m->val, (const uint8_t *)v);
}

void out_text_map(struct out *o, const struct out_mapdata *d, const size_t *order)
{
	const struct map *m = d->m;
	bool hist = m->agg && m->agg->shape == AGG_BUCKETS;
	struct strbuf sb = {0};

	for (size_t j = 0; j < d->n; j++) {
		size_t i = order[j];
		const uint64_t *v = d->vals + i * d->nvals;
		sb_reset(&sb);
		sb_puts(&sb, m->name);
		if (m->nkeys) {
			sb_putc(&sb, '[');
			out_key(o, &sb, m, d->keys + i * m->key_size, false);
			sb_putc(&sb, ']');
		}
		sb_puts(&sb, ":");
		if (hist) {
			/* bpftrace's header, its trailing space included */
			fprintf(o->f, "%s \n", sb.s);
			hist_rows(o, m, v, (int)d->nvals);
			fputc('\n', o->f);
			continue;
		}
		sb_putc(&sb, ' ');
		scalar(o, m, v, &sb);
		fprintf(o->f, "%s\n", sb.s);
	}
	if (m->nkeys && !hist)
		fputc('\n', o->f);
	sb_free(&sb);
}

/* The error of the last failed write to standard output. stdio keeps
 * only a flag: by the time anyone asks, errno says something else. */
static int write_err;

/* Where the program's output goes: standard output, or -o FILE. */
static int out_fd = STDOUT_FILENO;
static const char *out_name;

void out_set_output(int fd, const char *name)
{
	out_fd = fd;
	out_name = name;
}

static ssize_t write_stdout(void *cookie, const char *buf, size_t n)
{
	size_t done = 0;

	(void)cookie;
	while (done < n) {
		ssize_t w = write(out_fd, buf + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			write_err = w < 0 ? errno : EIO;
			return done ? (ssize_t)done : -1;
		}
		done += (size_t)w;
	}
	return (ssize_t)n;
}

FILE *out_stdout(void)
{
	cookie_io_functions_t io = { .write = write_stdout };
	FILE *f;

	fflush(stdout);
	f = fopencookie(NULL, "w", io);
	if (!f)
		return stdout;
	setvbuf(f, NULL, _IOLBF, 0);
	return f;
}

int out_flush(FILE *f)
{
	static bool reported;
	int err;

	errno = 0;
	if (fflush(f) == 0 && !ferror(f))
		return 0;
	err = write_err ? write_err : errno ? errno : EIO;
	if (err != EPIPE && !reported) {
		if (out_name && f != stdout)
			errmsg("cannot write output to %s: %s", out_name, strerror(err));
		else
			errmsg("cannot write output: %s", strerror(err));
		reported = true;
	}
	return err;
}

void out_attached(struct out *o, int probes, int sites, bool quiet)
{
	if (o->json) {
		fprintf(o->f, "{\"type\":\"attached_probes\",\"data\":{\"probes\":%d}}\n", probes);
		fflush(o->f);
		return;
	}
	if (quiet)
		return;
	if (sites != probes)
		fprintf(stderr, "Attached %d probe%s (%d sites)\n", probes, probes == 1 ? "" : "s",
			sites);
	else
		fprintf(stderr, "Attached %d probe%s\n", probes, probes == 1 ? "" : "s");
	fflush(stderr);
}

void out_printf_line(struct out *o, const char *text, size_t len)
{
	if (o->json) {
		struct strbuf sb = {0};
		sb_puts(&sb, "{\"type\":\"printf\",\"data\":");
		sb_json_string(&sb, text, len);
		sb_puts(&sb, "}\n");
		fputs(sb.s, o->f);
		sb_free(&sb);
		return;
	}
	fwrite(text, 1, len, o->f);
}

void out_lost(struct out *o, uint64_t lost)
{
	if (o->json)
		fprintf(o->f, "{\"type\":\"lost_events\",\"data\":{\"events\":%llu}}\n",
			(unsigned long long)lost);
	else
		fprintf(stderr, "plumb: %llu event%s lost: the ring buffer was full\n",
			(unsigned long long)lost, lost == 1 ? "" : "s");
}

void out_map_full(struct out *o, const struct map *m, uint64_t drops)
{
	struct strbuf sb = {0};

	/* said to people on stderr with -j too: a record is easy to miss */
	if (m->decl)
		warnmsg("%s: %llu update%s dropped: the map is full (%u entries, as declared)",
			m->name, (unsigned long long)drops, drops == 1 ? "" : "s", m->max_entries);
	else
		warnmsg("%s: %llu update%s dropped: the map is full (%u entries; set "
			"PLUMB_MAP_KEYS for more)", m->name, (unsigned long long)drops,
			drops == 1 ? "" : "s", m->max_entries);
	if (!o->json)
		return;
	sb_puts(&sb, "{\"type\":\"map_full\",\"data\":{\"map\":");
	sb_json_string(&sb, m->name, strlen(m->name));
	sb_printf(&sb, ",\"dropped\":%llu,\"entries\":%u}}\n", (unsigned long long)drops,
		  m->max_entries);
	fputs(sb.s, o->f);
	sb_free(&sb);
}

/* The end of a JSON record about a place in the program (its location
 * and source text), and the record written. */
static void site_record(struct out *o, struct strbuf *sb, const char *where, const char *what)
{
	sb_puts(sb, "\"location\":");
	sb_json_string(sb, where, strlen(where));
	sb_puts(sb, ",\"source\":");
	sb_json_string(sb, what, strlen(what));
	sb_puts(sb, "}}\n");
	fputs(sb->s, o->f);
	sb_free(sb);
}

void out_loop_cap(struct out *o, uint64_t n, int max, const char *where, const char *what)
{
	struct strbuf sb = {0};

	fprintf(stderr, "plumb: the loop at %s (%s) stopped at its cap of %d trips %llu "
		"time%s, its condition still true\n", where, what, max, (unsigned long long)n,
		n == 1 ? "" : "s");
	if (!o->json)
		return;
	sb_printf(&sb, "{\"type\":\"loop_cap\",\"data\":{\"times\":%llu,\"cap\":%d,",
		  (unsigned long long)n, max);
	site_record(o, &sb, where, what);
}

void out_index_range(struct out *o, uint64_t n, uint64_t count, const char *where,
		     const char *what)
{
	struct strbuf sb = {0};

	fprintf(stderr, "plumb: %llu index%s out of range at %s (%s): the array has %llu "
		"element%s, 0 to %llu (read as 0)\n", (unsigned long long)n, n == 1 ? "" : "es",
		where, what, (unsigned long long)count, count == 1 ? "" : "s",
		(unsigned long long)count - 1);
	if (!o->json)
		return;
	sb_printf(&sb, "{\"type\":\"index_range\",\"data\":{\"times\":%llu,\"length\":%llu,",
		  (unsigned long long)n, (unsigned long long)count);
	site_record(o, &sb, where, what);
}

void out_arg_site(struct out *o, uint64_t n, const struct arg_site *a, const char *where,
		  const char *what)
{
	struct strbuf sb = {0};

	fprintf(stderr, "plumb: %s() at %s (%s) was given %s %llu time%s; %s\n", a->func, where,
		what, a->given, (unsigned long long)n, n == 1 ? "" : "s", a->done);
	if (!o->json)
		return;
	sb_puts(&sb, "{\"type\":\"argument\",\"data\":{\"function\":");
	sb_json_string(&sb, a->func, strlen(a->func));
	sb_printf(&sb, ",\"times\":%llu,\"given\":", (unsigned long long)n);
	sb_json_string(&sb, a->given, strlen(a->given));
	sb_puts(&sb, ",\"done\":");
	sb_json_string(&sb, a->done, strlen(a->done));
	sb_putc(&sb, ',');
	site_record(o, &sb, where, what);
}

void out_time_line(struct out *o, const char *text_fmt, const char *json_fmt)
{
	char buf[64];
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	if (o->json) {
		strftime(buf, sizeof(buf), json_fmt, &tm);
		fprintf(o->f, "{\"type\":\"time\",\"data\":\"%s\"}\n", buf);
	} else {
		strftime(buf, sizeof(buf), text_fmt, &tm);
		fputs(buf, o->f);
	}
}

/* "file:line:col" of a read site, and its source on one line and not
 * too long to quote. */
void out_read_site(struct loc loc, struct strbuf *where, struct strbuf *what)
{
	const struct src *src = diag_src();
	int line, col, n = 0;

	diag_linecol(loc.start, &line, &col);
	sb_printf(where, "%s:%d:%d", src ? src->name : "<program>", line, col);
	for (int i = loc.start; src && i < loc.end && (size_t)i < src->len; i++, n++) {
		if (n == 60) {
			sb_puts(what, "...");
			break;
		}
		sb_putc(what, src->text[i] == '\n' || src->text[i] == '\t' ? ' ' : src->text[i]);
	}
}

void out_failed_reads(struct out *o, uint64_t n, const char *where, const char *what)
{
	struct strbuf sb = {0};

	fprintf(stderr, "plumb: %llu failed read%s at %s (%s): a bad address or memory "
		"not paged in (read as 0 or \"\")\n", (unsigned long long)n,
		n == 1 ? "" : "s", where, what);
	if (!o->json)
		return;
	sb_printf(&sb, "{\"type\":\"failed_reads\",\"data\":{\"reads\":%llu,",
		  (unsigned long long)n);
	site_record(o, &sb, where, what);
}
