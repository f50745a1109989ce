// SPDX-License-Identifier: GPL-2.0-only
/* Reports while the trace runs: -i prints every map at each interval
 * under a timestamp line, --textfile rewrites the Prometheus exposition
 * for node_exporter's textfile collector, and the report at stop.
 *
 * --interval-clear shows each interval's own counts. Clearing a map
 * between reading and printing it would lose whatever the probes added in
 * between, so the kernel's counts of additive aggregations (count, sum,
 * avg, stats, the histograms: agg_ops.additive) keep running (scrapes see
 * them whole) and the report shows the difference from the last interval,
 * exact. min, max and plain values cannot be differenced: those maps are
 * cleared. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "agg/agg.h"
#include "options.h"
#include "output/prom.h"
#include "runtime/rt.h"

#define TEXTFILE_DEFAULT_NS (15ULL * 1000000000ULL)

bool rt_exporting(const struct rt *rt)
{
	return rt->opts->listen || rt->opts->textfile;
}

/* With --listen or --textfile, -q also keeps the maps off stdout. */
static bool printing(const struct rt *rt)
{
	return !(rt->opts->quiet && rt_exporting(rt));
}

static bool additive(const struct map *m)
{
	return m->agg && m->agg->additive;
}

/* ---- --textfile ---- */

static bool read_map(void *ctx, const struct map *m, struct out_mapdata *d)
{
	return rt_map_read(ctx, m, d);
}

static uint64_t read_stat(void *ctx, int slot)
{
	return rt_stat(ctx, slot);
}

/* A temporary file beside PATH, renamed over it: node_exporter reads a
 * whole old file or a whole new one, never half. Its name does not end in
 * .prom, so the collector never reads it. */
static bool write_textfile(struct rt *rt)
{
	struct prom_source src = { rt, read_map, read_stat };
	struct strbuf sb = {0};
	char *tmp = xasprintf("%s.XXXXXX", rt->opts->textfile);
	int fd = mkostemp(tmp, O_CLOEXEC);
	bool ok = fd >= 0;

	if (ok) {
		prom_render(rt->prom, &rt->out, &src, false, &sb);
		ok = fchmod(fd, 0644) == 0 && write(fd, sb.s, sb.len) == (ssize_t)sb.len;
		ok = !close(fd) && ok && !rename(tmp, rt->opts->textfile);
		if (!ok)
			unlink(tmp);
	}
	if (!ok)
		errmsg("cannot write %s: %s", rt->opts->textfile, strerror(errno));
	sb_free(&sb);
	free(tmp);
	return ok;
}

/* ---- intervals ---- */

static uint64_t entry_count(const struct out_mapdata *d, size_t i)
{
	const uint64_t *v = d->vals + i * d->nvals;
	uint64_t n = 0;

	if (!d->m->nbuckets)
		return v[0];
	for (size_t j = 0; j < d->nvals; j++)
		n += v[j];
	return n;
}

static int by_key(const void *a, const void *b, void *arg)
{
	const struct out_mapdata *d = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return memcmp(d->keys + x * d->m->key_size, d->keys + y * d->m->key_size,
		      d->m->key_size);
}

/* A copy of d with its entries in key order, for binary search. */
static void sorted_copy(const struct out_mapdata *d, struct out_mapdata *c)
{
	size_t ks = d->m->key_size, *order = xcalloc(d->n + 1, sizeof(size_t));

	*c = *d;
	c->keys = xcalloc(d->n + 1, ks);
	c->vals = xcalloc(d->n + 1, d->nvals * 8);
	c->sums = d->sums ? xcalloc(d->n + 1, 8) : NULL;
	for (size_t i = 0; i < d->n; i++)
		order[i] = i;
	if (d->keys)
		qsort_r(order, d->n, sizeof(size_t), by_key, (void *)d);
	for (size_t i = 0; i < d->n; i++) {
		if (d->keys)
			memcpy(c->keys + i * ks, d->keys + order[i] * ks, ks);
		memcpy(c->vals + i * d->nvals, d->vals + order[i] * d->nvals, d->nvals * 8);
		if (d->sums)
			c->sums[i] = d->sums[order[i]];
	}
	free(order);
}

/* d becomes d minus prev, entry by entry; an entry whose count went
 * down was cleared by the program (clear(), delete()) and counts from
 * zero. Entries with nothing new are dropped, as a cleared map has none. */
static void subtract(struct out_mapdata *d, const struct out_mapdata *prev)
{
	size_t ks = d->m->key_size, n = 0;

	for (size_t i = 0; i < d->n; i++) {
		long p = out_mapdata_find(prev, d->keys ? d->keys + i * ks : NULL);
		uint64_t *v = d->vals + i * d->nvals;
		if (p >= 0 && entry_count(d, i) >= entry_count(prev, (size_t)p)) {
			for (size_t j = 0; j < d->nvals; j++)
				v[j] -= prev->vals[(size_t)p * d->nvals + j];
			if (d->sums)
				d->sums[i] -= prev->sums[p];
		}
		if (!entry_count(d, i))
			continue;
		if (d->keys)
			memmove(d->keys + n * ks, d->keys + i * ks, ks);
		memmove(d->vals + n * d->nvals, v, d->nvals * 8);
		if (d->sums)
			d->sums[n] = d->sums[i];
		n++;
	}
	d->n = n;
}

/* One map's part of an interval report. */
static void interval_map(struct rt *rt, const struct map *m)
{
	struct out_mapdata d, now;
	struct out_mapdata *prev = &rt->snaps[m->id];

	if (m->kind != MAP_GLOBAL || !rt_map_read(rt, m, &d))
		return;
	if (rt->opts->interval_clear && additive(m)) {
		sorted_copy(&d, &now);
		if (prev->m)
			subtract(&d, prev);
		out_mapdata_free(prev);
		*prev = now;
	} else if (rt->opts->interval_clear) {
		rt_map_clear(rt, m);
	}
	if (printing(rt))
		out_map(&rt->out, &d);
	out_mapdata_free(&d);
}

static void print_interval(struct rt *rt)
{
	if (printing(rt))
		out_time_line(&rt->out, "%H:%M:%S\n", "%H:%M:%S\\n");
	for (size_t i = 0; i < rt->sema->maps.n; i++)
		interval_map(rt, rt->sema->maps.v[i]);
	fflush(rt->out.f);
}

/* The interval timer fired. */
void rt_interval(struct rt *rt)
{
	uint64_t ticks;

	if (read(rt->ifd, &ticks, sizeof(ticks)) != sizeof(ticks))
		return;
	if (rt->opts->textfile)
		write_textfile(rt);
	if (rt->opts->printer && rt->opts->printer->tick)
		rt->opts->printer->tick(rt, rt->opts->printer->ctx);
	else if (rt->opts->interval_ns)
		print_interval(rt);
}

/* The timer for -i and --textfile, and the first textfile: a path that
 * cannot be written is an error now, not in an interval's time. */
bool rt_report_start(struct rt *rt)
{
	const struct options *o = rt->opts;
	uint64_t ns = o->interval_ns ? o->interval_ns : TEXTFILE_DEFAULT_NS;
	struct itimerspec its = {0};

	rt->ifd = -1;
	if (rt_exporting(rt))
		rt->prom = prom_new(rt->sema, o->metric_prefix, o->max_series);
	if (o->textfile && !write_textfile(rt))
		return false;
	if (!o->interval_ns && !o->textfile)
		return true;
	rt->snaps = xcalloc(rt->sema->maps.n + 1, sizeof(*rt->snaps));
	rt->ifd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	its.it_value.tv_sec = its.it_interval.tv_sec = (time_t)(ns / 1000000000ULL);
	its.it_value.tv_nsec = its.it_interval.tv_nsec = (long)(ns % 1000000000ULL);
	if (rt->ifd < 0 || timerfd_settime(rt->ifd, 0, &its, NULL)) {
		errmsg("cannot start the interval timer: %s", strerror(errno));
		return false;
	}
	return true;
}

/* At stop: the last (partial) interval, or the whole trace, unless -q
 * keeps an exporter's maps off stdout; and the final textfile. */
void rt_report_final(struct rt *rt)
{
	if (rt->opts->textfile)
		write_textfile(rt);
	if (printing(rt) && rt->opts->interval_ns)
		print_interval(rt);
	else if (printing(rt) && !rt->opts->no_exit_maps)
		rt_print_maps(rt);
	if (!printing(rt) || rt->opts->interval_ns)
		rt_warn_drops(rt);
}

void rt_report_free(struct rt *rt)
{
	for (size_t i = 0; rt->snaps && i < rt->sema->maps.n; i++)
		out_mapdata_free(&rt->snaps[i]);
	free(rt->snaps);
	rt->snaps = NULL;
	if (rt->ifd >= 0)
		close(rt->ifd);
	rt->ifd = -1;
	prom_free(rt->prom);
	rt->prom = NULL;
}
