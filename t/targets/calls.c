// SPDX-License-Identifier: GPL-2.0-only
/*
 * calls: uprobe and uretprobe target.  Worker threads call a few traced
 * functions with arguments computed from (thread, iteration); after joining
 * them, the program prints what a perfect tracer would have seen, one
 * "key value" fact per line.  README.md documents every key and formula.
 *
 * The same file builds three ways:
 *   (default)           the calls program, all traced functions inside;
 *   -DCALLS_LIB_ONLY    only work() and compute(), for libcalls.so;
 *   -DCALLS_USE_LIB     calls-lib: everything except work() and compute(),
 *                       which come from libcalls.so.
 */
#ifndef _GNU_SOURCE	/* config.h, forced in by the build, has it */
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "target.h"

/*
 * A traced function must remain a real call to a separate symbol at -O2.
 * noinline alone is not enough: IPA may clone it (work.constprop.0),
 * drop unused arguments, or fold tick() and the identical wild_*() bodies
 * into one address (ICF), and then a uprobe on one name fires for another.
 * noipa rules all of that out; the empty asm keeps each body from being
 * treated as pure.
 */
#define TRACED __attribute__((noinline, noipa, used))
#define KEEP() asm volatile("" ::: "memory")

long work(long x);
long compute(long x);

#ifndef CALLS_USE_LIB
TRACED long work(long x)
{
	KEEP();
	return x * 2 + 1;
}

TRACED long compute(long x)
{
	KEEP();
	return x * 3 - 7;	/* line probe: compute's return (t/1176; line 51 in man/plumb.1) */
}
#endif /* !CALLS_USE_LIB */

#ifndef CALLS_LIB_ONLY
void thread_start(long t);
int add6(int a, long b, short c, long d, unsigned char e, long f);
void tick(void);
void wild_alpha(void);
void wild_beta(void);
void wild_gamma(void);
void hook(void);
void run_hook(void (*fn)(void));

TRACED void thread_start(long t)
{
	KEEP();
	(void)t;
}

TRACED int add6(int a, long b, short c, long d, unsigned char e, long f)
{
	KEEP();
	(void)b;
	(void)d;
	(void)f;
	return a + c + e;
}

TRACED void tick(void)
{
	KEEP();
}

TRACED void wild_alpha(void)
{
	KEEP();
}

TRACED void wild_beta(void)
{
	KEEP();
}

TRACED void wild_gamma(void)
{
	KEEP();
}

TRACED void hook(void)
{
	KEEP();
}

/* Takes a function pointer, for usym(arg0): it names the function. */
TRACED void run_hook(void (*fn)(void))
{
	KEEP();
	fn();
}

/*
 * With at most MAX_THREADS x MAX_ITERS, no argument formula overflows;
 * only the printed sums may wrap (modulo 2^64, as a tracer's would).
 */
#define MAX_THREADS 256
#define MAX_ITERS 1000000

#define WORK_LHIST_MIN 0
#define WORK_LHIST_MAX 1000
#define WORK_LHIST_STEP 100

struct calls_opts {
	long threads;
	long iters;
	bool wait;
	bool quiet;
	bool sleep;
};

/* Written only by its own thread; merged by main after the join. */
struct calls_acc {
	pthread_t thread;
	long index;
	const struct calls_opts *opts;
	pid_t tid;
	uint64_t thread_start_calls, thread_start_sum;
	uint64_t work_calls, work_sum, work_retsum;
	int64_t work_min, work_max;
	struct tgt_hist work_hist;
	struct tgt_lhist work_lhist;
	uint64_t compute_calls, compute_sum, compute_retsum;
	uint64_t add6_calls, add6_sum[6], add6_retsum;
	uint64_t tick_calls;
	uint64_t run_hook_calls;
	uint64_t wild_calls[3];
};

static void init_acc(struct calls_acc *acc, long index,
		     const struct calls_opts *opts)
{
	memset(acc, 0, sizeof(*acc));
	acc->index = index;
	acc->opts = opts;
	acc->work_lhist.min = WORK_LHIST_MIN;
	acc->work_lhist.max = WORK_LHIST_MAX;
	acc->work_lhist.step = WORK_LHIST_STEP;
}

/* The argument of work() in iteration i of thread t; see README.md. */
static long work_arg(long t, long i)
{
	long m = (i + 7 * t) % 64;

	if (m == 0)
		return 0;
	if (m == 1)
		return 1;
	if (m <= 5)
		return -(i * m + 1);
	if (m <= 46) {
		long k = m - 6;

		return (1L << k) + (i & ((1L << k) - 1));
	}
	return (37 * i + 101 * t) % 1000;
}

static void call_work(struct calls_acc *acc, long x)
{
	long r = work(x);

	if (!acc->work_calls || x < acc->work_min)
		acc->work_min = x;
	if (!acc->work_calls || x > acc->work_max)
		acc->work_max = x;
	acc->work_calls++;
	acc->work_sum += (uint64_t)x;
	acc->work_retsum += (uint64_t)r;
	tgt_hist_add(&acc->work_hist, x);
	tgt_lhist_add(&acc->work_lhist, x);
}

static void call_compute(struct calls_acc *acc, long x)
{
	long r = compute(x);

	acc->compute_calls++;	/* line probe: inlined into calls_thread (t/1176) */
	acc->compute_sum += (uint64_t)x;
	acc->compute_retsum += (uint64_t)r;
}

static void call_add6(struct calls_acc *acc, long t, long i)
{
	int a = (int)(i - 500 + t);
	long b = (i - 300) * 1000000007L * (t + 1);
	short c = (short)(((i + t) % 600) * 100 - 30000);
	long d = -(i * i) - t;
	unsigned char e = (unsigned char)((7 * i + t) & 0xff);
	long f = (t << 40) + i;
	int r = add6(a, b, c, d, e, f);

	/* What the callee sees, widened to 64 bits the way C converts. */
	acc->add6_calls++;
	acc->add6_sum[0] += (uint64_t)(int64_t)a;
	acc->add6_sum[1] += (uint64_t)b;
	acc->add6_sum[2] += (uint64_t)(int64_t)c;
	acc->add6_sum[3] += (uint64_t)d;
	acc->add6_sum[4] += (uint64_t)e;
	acc->add6_sum[5] += (uint64_t)f;
	acc->add6_retsum += (uint64_t)(int64_t)r;
}

static void *calls_thread(void *arg)
{
	struct calls_acc *acc = arg;
	long t = acc->index;

	acc->tid = gettid();
	thread_start(t);
	acc->thread_start_calls++;
	run_hook(hook);
	acc->run_hook_calls++;
	acc->thread_start_sum += (uint64_t)t;
	for (long i = 0; i < acc->opts->iters; i++) {
		call_work(acc, work_arg(t, i));
		call_compute(acc, i);
		call_add6(acc, t, i);
		tick();
		acc->tick_calls++;
		wild_alpha();
		acc->wild_calls[0]++;
		for (int j = 0; j < 2; j++) {
			wild_beta();
			acc->wild_calls[1]++;
		}
		for (int j = 0; j < 3; j++) {
			wild_gamma();
			acc->wild_calls[2]++;
		}
		if (acc->opts->sleep)
			tgt_sleep_us(1000);
	}
	return NULL;
}

static void merge(struct calls_acc *sum, const struct calls_acc *acc)
{
	if (acc->work_calls) {
		if (!sum->work_calls || acc->work_min < sum->work_min)
			sum->work_min = acc->work_min;
		if (!sum->work_calls || acc->work_max > sum->work_max)
			sum->work_max = acc->work_max;
	}
	sum->thread_start_calls += acc->thread_start_calls;
	sum->thread_start_sum += acc->thread_start_sum;
	sum->work_calls += acc->work_calls;
	sum->work_sum += acc->work_sum;
	sum->work_retsum += acc->work_retsum;
	tgt_hist_merge(&sum->work_hist, &acc->work_hist);
	tgt_lhist_merge(&sum->work_lhist, &acc->work_lhist);
	sum->compute_calls += acc->compute_calls;
	sum->compute_sum += acc->compute_sum;
	sum->compute_retsum += acc->compute_retsum;
	sum->add6_calls += acc->add6_calls;
	for (int j = 0; j < 6; j++)
		sum->add6_sum[j] += acc->add6_sum[j];
	sum->add6_retsum += acc->add6_retsum;
	sum->tick_calls += acc->tick_calls;
	sum->run_hook_calls += acc->run_hook_calls;
	for (int j = 0; j < 3; j++)
		sum->wild_calls[j] += acc->wild_calls[j];
}

static void print_truth(const struct calls_opts *opts,
			const struct calls_acc *accs)
{
	static const char *const wild[] = { "alpha", "beta", "gamma" };
	struct calls_acc sum;
	char key[32];

	init_acc(&sum, -1, opts);
	for (long t = 0; t < opts->threads; t++)
		merge(&sum, &accs[t]);

	printf("threads %ld\n", opts->threads);
	printf("iters %ld\n", opts->iters);
	printf("thread_start.calls %" PRIu64 "\n", sum.thread_start_calls);
	tgt_print_sum("thread_start.arg0.sum", sum.thread_start_sum);
	printf("work.calls %" PRIu64 "\n", sum.work_calls);
	tgt_print_sum("work.sum", sum.work_sum);
	printf("work.min %" PRId64 "\n", sum.work_min);
	printf("work.max %" PRId64 "\n", sum.work_max);
	printf("work.avg %" PRId64 "\n",
	       (int64_t)sum.work_sum / (int64_t)sum.work_calls);
	tgt_hist_print("work.hist", &sum.work_hist);
	tgt_lhist_print("work.lhist", &sum.work_lhist);
	tgt_print_sum("work.retsum", sum.work_retsum);
	printf("compute.calls %" PRIu64 "\n", sum.compute_calls);
	tgt_print_sum("compute.sum", sum.compute_sum);
	tgt_print_sum("compute.retsum", sum.compute_retsum);
	printf("add6.calls %" PRIu64 "\n", sum.add6_calls);
	for (int j = 0; j < 6; j++) {
		snprintf(key, sizeof(key), "add6.arg%d.sum", j);
		tgt_print_sum(key, sum.add6_sum[j]);
	}
	tgt_print_sum("add6.retsum", sum.add6_retsum);
	printf("tick.calls %" PRIu64 "\n", sum.tick_calls);
	printf("run_hook.calls %" PRIu64 "\n", sum.run_hook_calls);
	for (int j = 0; j < 3; j++)
		printf("wild_%s.calls %" PRIu64 "\n", wild[j],
		       sum.wild_calls[j]);
	for (long t = 0; t < opts->threads; t++)
		printf("tid %d work.calls %" PRIu64 "\n", (int)accs[t].tid,
		       accs[t].work_calls);
	printf("pid %d\n", (int)getpid());
}

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-t THREADS] [-n ITERS] [-w] [-q] [-s]\n"
		"  -t THREADS  worker threads (default 4)\n"
		"  -n ITERS    iterations per thread (default 1000)\n"
		"  -w          print 'ready PID', wait for a line on stdin\n"
		"  -q          do not print the ground truth\n"
		"  -s          sleep 1 ms after each iteration\n",
		prog);
	exit(2);
}

int main(int argc, char **argv)
{
	struct calls_opts opts = { .threads = 4, .iters = 1000 };
	struct calls_acc *accs;
	int c;

	while ((c = getopt(argc, argv, "t:n:wqs")) != -1) {
		switch (c) {
		case 't':
			opts.threads = tgt_parse_long(argv[0], c, optarg, 1,
						      MAX_THREADS);
			break;
		case 'n':
			opts.iters = tgt_parse_long(argv[0], c, optarg, 1,
						    MAX_ITERS);
			break;
		case 'w':
			opts.wait = true;
			break;
		case 'q':
			opts.quiet = true;
			break;
		case 's':
			opts.sleep = true;
			break;
		default:
			usage(argv[0]);
		}
	}
	if (optind != argc)
		usage(argv[0]);

	accs = calloc(opts.threads, sizeof(*accs));
	if (!accs) {
		perror("calloc");
		return 1;
	}
	if (opts.wait)
		tgt_wait_ready();

	for (long t = 0; t < opts.threads; t++) {
		init_acc(&accs[t], t, &opts);
		c = pthread_create(&accs[t].thread, NULL, calls_thread,
				   &accs[t]);
		if (c) {
			fprintf(stderr, "pthread_create: %s\n", strerror(c));
			return 1;
		}
	}
	for (long t = 0; t < opts.threads; t++)
		pthread_join(accs[t].thread, NULL);

	if (!opts.quiet)
		print_truth(&opts, accs);
	free(accs);
	return 0;
}
#endif /* !CALLS_LIB_ONLY */
