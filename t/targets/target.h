/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers shared by the test targets: ground-truth histograms in the bucket
 * notation of README.md, option parsing, sleeping and the "ready" handshake
 * that lets a test attach a tracer to an already running target.
 *
 * Everything is static inline so that each target stays a single compile
 * command and unused helpers cost nothing.
 */
#ifndef PLUMB_TARGET_H
#define PLUMB_TARGET_H

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/*
 * Power-of-two histogram with the buckets of bpftrace's hist(): slot 0 holds
 * the negative values, slot 1 the zeros and slot 2 + k the range
 * [2^k, 2^(k+1)).  An int64_t is at most 2^63 - 1, so k <= 62.
 */
#define TGT_HIST_SLOTS 65

struct tgt_hist {
	uint64_t slot[TGT_HIST_SLOTS];
};

static inline void tgt_hist_add(struct tgt_hist *h, int64_t v)
{
	if (v < 0)
		h->slot[0]++;
	else if (v == 0)
		h->slot[1]++;
	else
		h->slot[2 + 63 - __builtin_clzll((uint64_t)v)]++;
}

static inline void tgt_hist_merge(struct tgt_hist *dst,
				  const struct tgt_hist *src)
{
	for (int i = 0; i < TGT_HIST_SLOTS; i++)
		dst->slot[i] += src->slot[i];
}

/* One "KEY LO HI COUNT" line per non-empty bucket [LO, HI), ascending. */
static inline void tgt_hist_print(const char *key, const struct tgt_hist *h)
{
	if (h->slot[0])
		printf("%s -inf 0 %" PRIu64 "\n", key, h->slot[0]);
	if (h->slot[1])
		printf("%s 0 1 %" PRIu64 "\n", key, h->slot[1]);
	for (int k = 0; k < TGT_HIST_SLOTS - 2; k++) {
		if (h->slot[2 + k])
			printf("%s %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", key,
			       (uint64_t)1 << k, (uint64_t)1 << (k + 1),
			       h->slot[2 + k]);
	}
}

/*
 * Linear histogram with the buckets of bpftrace's lhist(v, min, max, step):
 * below min, [min + j*step, min + (j+1)*step) for each step, and max or
 * above.  The targets only need a handful of steps.
 */
#define TGT_LHIST_MAX_STEPS 64

struct tgt_lhist {
	int64_t min, max, step;
	uint64_t under, over;
	uint64_t bucket[TGT_LHIST_MAX_STEPS];
};

static inline void tgt_lhist_add(struct tgt_lhist *h, int64_t v)
{
	if (v < h->min)
		h->under++;
	else if (v >= h->max)
		h->over++;
	else
		h->bucket[(v - h->min) / h->step]++;
}

static inline void tgt_lhist_merge(struct tgt_lhist *dst,
				   const struct tgt_lhist *src)
{
	dst->under += src->under;
	dst->over += src->over;
	for (int i = 0; i < TGT_LHIST_MAX_STEPS; i++)
		dst->bucket[i] += src->bucket[i];
}

/* Same line format as tgt_hist_print(); "-inf" and "inf" for the tails. */
static inline void tgt_lhist_print(const char *key, const struct tgt_lhist *h)
{
	int64_t steps = (h->max - h->min) / h->step;

	if (h->under)
		printf("%s -inf %" PRId64 " %" PRIu64 "\n", key, h->min,
		       h->under);
	for (int64_t j = 0; j < steps; j++) {
		int64_t lo = h->min + j * h->step;

		if (h->bucket[j])
			printf("%s %" PRId64 " %" PRId64 " %" PRIu64 "\n", key,
			       lo, lo + h->step, h->bucket[j]);
	}
	if (h->over)
		printf("%s %" PRId64 " inf %" PRIu64 "\n", key, h->max,
		       h->over);
}

/* Sums wrap like a tracer's 64-bit counters; print them as signed. */
static inline void tgt_print_sum(const char *key, uint64_t sum)
{
	printf("%s %" PRId64 "\n", key, (int64_t)sum);
}

static inline long tgt_parse_long(const char *prog, int opt, const char *arg,
				  long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < min || v > max) {
		fprintf(stderr, "%s: -%c wants an integer in [%ld, %ld], not '%s'\n",
			prog, opt, min, max, arg);
		exit(2);
	}
	return v;
}

static inline void tgt_sleep_us(long us)
{
	struct timespec ts = {
		.tv_sec = us / 1000000,
		.tv_nsec = (us % 1000000) * 1000,
	};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/*
 * Announce the pid and block until the test writes one line (or closes
 * stdin): this is the window in which it attaches a tracer with -p.
 */
static inline void tgt_wait_ready(void)
{
	int c;

	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	do
		c = getchar();
	while (c != '\n' && c != EOF);
}

#endif /* PLUMB_TARGET_H */
