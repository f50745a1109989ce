// SPDX-License-Identifier: GPL-2.0-only
/*
 * querysim: a stand-in for the memsqld database server of the USDT
 * one-liners.  Query threads run a fixed, deterministic workload and fire
 * memsqld:querystart and memsqld:queryend (guarded by semaphores); the
 * background flusher and the execution statistics in querysim-bg.c fire the
 * unguarded probes.  After the join the program prints, one "key value"
 * fact per line, what a tracer should have counted; README.md documents
 * every key and formula.
 *
 * Built as the querysim, querysim-nopie and memsqld programs, and with
 * -DQS_LIBRARY into libquerysim.so, where main() becomes querysim_main()
 * for the thin main of querysim-lib.c.
 */
#ifndef _GNU_SOURCE	/* config.h, forced in by the build, has it */
#define _GNU_SOURCE
#endif
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "querysim.h"
#include "target.h"

/*
 * The probe notes of querystart and queryend point at these counters.  A
 * tracer that supports semaphores makes them non-zero while it is attached
 * (the kernel does it for uprobes opened with a ref_ctr_offset); while they
 * are zero the probes are skipped, as with PROVIDER_NAME_ENABLED() in a
 * dtrace -h header.
 */
unsigned short memsqld_querystart_semaphore __attribute__((section(".probes")));
unsigned short memsqld_queryend_semaphore __attribute__((section(".probes")));

/* volatile: the counters change behind the compiler's back */
#define QS_SEMA(probe) \
	(*(volatile unsigned short *)&memsqld_##probe##_semaphore)
#define QS_ENABLED(probe) __builtin_expect(QS_SEMA(probe) != 0, 0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Text 0 is the only one containing "users"; texts 0, 1 and 4 start with
 * "SELECT"; text 4 is longer than 100 bytes, so a 64-byte string read cuts it.
 */
static const char *const qs_texts[] = {
	"SELECT * FROM users WHERE id = ?",
	"SELECT count(*) FROM orders WHERE status = ?",
	"INSERT INTO events (ts, kind, payload) VALUES (?, ?, ?)",
	"UPDATE accounts SET balance = balance - ? WHERE id = ?",
	"SELECT o.id, o.total, c.name, c.email FROM orders o "
	"JOIN customers c ON c.id = o.customer_id "
	"WHERE o.created > ? ORDER BY o.total DESC LIMIT 100",
	"DELETE FROM sessions WHERE expires < ?",
};

#define QS_NTEXTS ARRAY_SIZE(qs_texts)
#define QS_MAX_PLAN 9
#define QS_HOT_PLAN 7

struct qs_opts {
	long threads;
	long queries;
	long flush_ms;
	long flushes;
	long sleep_us;
	bool wait;
	bool sema_mode;
	bool quiet;
};

/* Written only by its own query thread; read by main after the join. */
struct qs_thread {
	pthread_t thread;
	long index;
	const struct qs_opts *opts;
	pid_t tid;
	uint64_t queries;
	uint64_t start_fired, end_fired;
	uint64_t plan_count[QS_MAX_PLAN + 1];
	uint64_t text_count[QS_NTEXTS];
	uint64_t lat_sum, lat_min, lat_max;
	struct tgt_hist lat_hist;
	uint64_t hot_calls, hot_lat_sum;
	uint64_t amu_calls[QS_AMU_SITES], amu_sum[QS_AMU_SITES];
};

static uint64_t qs_plan(long t, long i)
{
	return 1 + (uint64_t)(i + 4 * t) % QS_MAX_PLAN;
}

/*
 * A fake latency in nanoseconds, a function of (t, i) only: mix the pair
 * (64-bit finalizer of MurmurHash3), pick a bucket k in 10..19 and a value
 * in [2^k, 2^(k+1)).
 */
static uint64_t qs_latency(long t, long i)
{
	uint64_t h = (uint64_t)t << 32 | (uint64_t)i;
	uint64_t k;

	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	k = 10 + h % 10;
	return ((uint64_t)1 << k) + ((h >> 8) & (((uint64_t)1 << k) - 1));
}

static void record_query(struct qs_thread *th, size_t q, uint64_t plan,
			 uint64_t latency)
{
	if (!th->queries || latency < th->lat_min)
		th->lat_min = latency;
	if (latency > th->lat_max)
		th->lat_max = latency;
	th->queries++;
	th->plan_count[plan]++;
	th->text_count[q]++;
	th->lat_sum += latency;
	tgt_hist_add(&th->lat_hist, (int64_t)latency);
	if (plan == QS_HOT_PLAN) {
		th->hot_calls++;
		th->hot_lat_sum += latency;
	}
}

static void count_memory_use(struct qs_thread *th, int site, uint64_t bytes)
{
	th->amu_calls[site]++;
	th->amu_sum[site] += bytes;
}

static void run_query(struct qs_thread *th, long t, long i)
{
	size_t q = (size_t)(t + i) % QS_NTEXTS;
	const char *text = qs_texts[q];
	uint64_t plan = qs_plan(t, i);
	uint64_t latency = qs_latency(t, i);

	if (QS_ENABLED(querystart)) {
		STAP_PROBE2(memsqld, querystart, text, plan);
		th->start_fired++;
	}
	execstats_begin_query();
	count_memory_use(th, 0, QS_QUERY_ARENA);
	if (i % 2 == 0) {
		uint64_t rows = 10 * plan + q;

		execstats_add_rows(rows, strlen(text));
		count_memory_use(th, 1, rows * strlen(text));
	}
	if (i % 5 == 0) {
		uint64_t bytes = 65536 + 512 * (uint64_t)i;

		execstats_add_spill(t, i, plan, q, latency, 10 * plan + q,
				    bytes);
		count_memory_use(th, 2, bytes);
	}
	if (QS_ENABLED(queryend)) {
		STAP_PROBE2(memsqld, queryend, latency, plan);
		th->end_fired++;
	}
	record_query(th, q, plan, latency);
}

static void *qs_query_main(void *arg)
{
	struct qs_thread *th = arg;

	th->tid = gettid();
	for (long i = 0; i < th->opts->queries; i++) {
		run_query(th, th->index, i);
		if (th->opts->sleep_us)
			tgt_sleep_us(th->opts->sleep_us);
	}
	return NULL;
}

static void merge(struct qs_thread *sum, const struct qs_thread *th)
{
	if (th->queries && (!sum->queries || th->lat_min < sum->lat_min))
		sum->lat_min = th->lat_min;
	if (th->lat_max > sum->lat_max)
		sum->lat_max = th->lat_max;
	sum->queries += th->queries;
	sum->start_fired += th->start_fired;
	sum->end_fired += th->end_fired;
	for (int p = 0; p <= QS_MAX_PLAN; p++)
		sum->plan_count[p] += th->plan_count[p];
	for (size_t q = 0; q < QS_NTEXTS; q++)
		sum->text_count[q] += th->text_count[q];
	sum->lat_sum += th->lat_sum;
	tgt_hist_merge(&sum->lat_hist, &th->lat_hist);
	sum->hot_calls += th->hot_calls;
	sum->hot_lat_sum += th->hot_lat_sum;
	for (int s = 0; s < QS_AMU_SITES; s++) {
		sum->amu_calls[s] += th->amu_calls[s];
		sum->amu_sum[s] += th->amu_sum[s];
	}
}

static void print_queries(const struct qs_opts *opts,
			  const struct qs_thread *sum)
{
	printf("threads %ld\n", opts->threads);
	printf("queries %ld\n", opts->queries);
	printf("querystart.calls %" PRIu64 "\n", sum->queries);
	printf("querystart.fired %" PRIu64 "\n", sum->start_fired);
	printf("queryend.calls %" PRIu64 "\n", sum->queries);
	printf("queryend.fired %" PRIu64 "\n", sum->end_fired);
	for (int p = 1; p <= QS_MAX_PLAN; p++) {
		if (sum->plan_count[p])
			printf("plan %d %" PRIu64 "\n", p, sum->plan_count[p]);
	}
	for (size_t q = 0; q < QS_NTEXTS; q++) {
		if (sum->text_count[q])
			printf("query %" PRIu64 " %s\n", sum->text_count[q],
			       qs_texts[q]);
	}
	printf("latency.sum %" PRIu64 "\n", sum->lat_sum);
	printf("latency.min %" PRIu64 "\n", sum->lat_min);
	printf("latency.max %" PRIu64 "\n", sum->lat_max);
	printf("latency.avg %" PRIu64 "\n", sum->lat_sum / sum->queries);
	tgt_hist_print("latency.hist", &sum->lat_hist);
	printf("plan7.calls %" PRIu64 "\n", sum->hot_calls);
	printf("plan7.latency.sum %" PRIu64 "\n", sum->hot_lat_sum);
}

static void print_flusher(const struct qs_flusher *fl)
{
	uint64_t snapshots = 0;

	printf("flusher.wakeups %" PRIu64 "\n", fl->woken);
	printf("flusher.tid %d\n", (int)fl->tid);
	for (int f = 0; f < QS_SNAP_FILES; f++) {
		for (int d = 0; d < QS_SNAP_DBS; d++)
			snapshots += fl->snapshots[f][d];
	}
	printf("beginsnapshot.calls %" PRIu64 "\n", snapshots);
	for (int f = 0; f < QS_SNAP_FILES; f++) {
		for (int d = 0; d < QS_SNAP_DBS; d++) {
			if (fl->snapshots[f][d])
				printf("snapshot %" PRIu64 " %s %s\n",
				       fl->snapshots[f][d], qs_snap_files[f],
				       qs_snap_dbs[d]);
		}
	}
}

static void print_memory_use(const struct qs_thread *sum)
{
	uint64_t calls = 0, bytes = 0;

	for (int s = 0; s < QS_AMU_SITES; s++) {
		calls += sum->amu_calls[s];
		bytes += sum->amu_sum[s];
	}
	printf("addmemoryuse.calls %" PRIu64 "\n", calls);
	printf("addmemoryuse.sum %" PRIu64 "\n", bytes);
	for (int s = 0; s < QS_AMU_SITES; s++) {
		printf("addmemoryuse.site%d.calls %" PRIu64 "\n", s,
		       sum->amu_calls[s]);
		printf("addmemoryuse.site%d.sum %" PRIu64 "\n", s,
		       sum->amu_sum[s]);
	}
}

static void print_truth(const struct qs_opts *opts, const struct qs_thread *ths,
			const struct qs_flusher *fl)
{
	struct qs_thread sum;

	memset(&sum, 0, sizeof(sum));
	for (long t = 0; t < opts->threads; t++)
		merge(&sum, &ths[t]);
	print_queries(opts, &sum);
	print_flusher(fl);
	print_memory_use(&sum);
	for (long t = 0; t < opts->threads; t++)
		printf("tid %d querystart.calls %" PRIu64 "\n", (int)ths[t].tid,
		       ths[t].queries);
	printf("pid %d\n", (int)getpid());
}

/* -S: report the semaphores once per input line, until EOF. */
static void sema_loop(void)
{
	int c;

	for (;;) {
		do
			c = getchar();
		while (c != '\n' && c != EOF);
		if (c == EOF)
			return;
		printf("sema querystart=%u queryend=%u\n",
		       (unsigned int)QS_SEMA(querystart),
		       (unsigned int)QS_SEMA(queryend));
		fflush(stdout);
	}
}

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-t QTHREADS] [-n QUERIES] [-f MS] [-F N] [-s USEC] [-w] [-S] [-q]\n"
		"  -t QTHREADS  query threads (default 2)\n"
		"  -n QUERIES   queries per thread (default 500)\n"
		"  -f MS        flusher period in ms (default 5)\n"
		"  -F N         flusher wakeups (default 10)\n"
		"  -s USEC      sleep after each query (default 0)\n"
		"  -w           print 'ready PID', wait for a line on stdin\n"
		"  -S           print the semaphores for each stdin line, run nothing\n"
		"  -q           do not print the ground truth\n",
		prog);
	exit(2);
}

static void parse_opts(struct qs_opts *opts, int argc, char **argv)
{
	int c;

	while ((c = getopt(argc, argv, "t:n:f:F:s:wSq")) != -1) {
		switch (c) {
		case 't':
			opts->threads = tgt_parse_long(argv[0], c, optarg, 1,
						       256);
			break;
		case 'n':
			opts->queries = tgt_parse_long(argv[0], c, optarg, 1,
						       10000000);
			break;
		case 'f':
			opts->flush_ms = tgt_parse_long(argv[0], c, optarg, 0,
							60000);
			break;
		case 'F':
			opts->flushes = tgt_parse_long(argv[0], c, optarg, 0,
						       10000000);
			break;
		case 's':
			opts->sleep_us = tgt_parse_long(argv[0], c, optarg, 0,
							60000000);
			break;
		case 'w':
			opts->wait = true;
			break;
		case 'S':
			opts->sema_mode = true;
			break;
		case 'q':
			opts->quiet = true;
			break;
		default:
			usage(argv[0]);
		}
	}
	if (optind != argc)
		usage(argv[0]);
}

static int start(pthread_t *thread, void *(*fn)(void *), void *arg)
{
	int err = pthread_create(thread, NULL, fn, arg);

	if (err)
		fprintf(stderr, "pthread_create: %s\n", strerror(err));
	return err;
}

#ifdef QS_LIBRARY
int querysim_main(int argc, char **argv)
#else
int main(int argc, char **argv)
#endif
{
	struct qs_opts opts = {
		.threads = 2, .queries = 500, .flush_ms = 5, .flushes = 10,
	};
	struct qs_flusher fl = { 0 };
	struct qs_thread *ths;
	pthread_t flusher;

	parse_opts(&opts, argc, argv);
	if (opts.wait)
		tgt_wait_ready();
	if (opts.sema_mode) {
		sema_loop();
		return 0;
	}

	ths = calloc(opts.threads, sizeof(*ths));
	if (!ths) {
		perror("calloc");
		return 1;
	}
	fl.period_ms = opts.flush_ms;
	fl.wakeups = opts.flushes;
	if (start(&flusher, qs_flusher_main, &fl))
		return 1;
	for (long t = 0; t < opts.threads; t++) {
		ths[t].index = t;
		ths[t].opts = &opts;
		if (start(&ths[t].thread, qs_query_main, &ths[t]))
			return 1;
	}
	for (long t = 0; t < opts.threads; t++)
		pthread_join(ths[t].thread, NULL);
	pthread_join(flusher, NULL);

	if (!opts.quiet)
		print_truth(&opts, ths, &fl);
	free(ths);
	return 0;
}
