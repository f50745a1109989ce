// SPDX-License-Identifier: GPL-2.0-only
/* Clause order, USDT constants and exit() (t/1041-order-and-values.t).
 *
 *   order consts       fires order:consts and order:extremes once, with
 *                      constant arguments of every size and sign, and
 *                      prints what it passed: "cN VALUE" per argument
 *   order hits N       calls hit(i) and fires order:hit(i), and calls
 *                      getppid(), for i in 0..N-1; prints "hits N"
 *   order flood N      calls flood(i) for i in 0..N-1, then stop_here()
 *                      once, then sleeps a second; prints "flood N"
 *
 * A first argument -w waits for a line on stdin before the workload (a
 * tracer attaches meanwhile).
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sdt.h>
#include <unistd.h>

#define TRACED __attribute__((noinline, noipa, used))

static volatile long sink;

TRACED long hit(long i)
{
	sink += i;
	return i * 2;
}

TRACED long flood(long i)
{
	sink += i;
	return i;
}

TRACED void stop_here(void)
{
	sink++;
}

/* Each constant once in the notes (its operand is $imm whatever the
 * optimiser does) and once in the ground truth, from the same macro. */
#define C0 ((int8_t)-7)
#define C1 ((uint8_t)240)
#define C2 ((int16_t)-3600)
#define C3 ((uint16_t)61936)
#define C4 ((int32_t)-100000)
#define C5 ((uint32_t)4294867296u)
#define C6 ((int64_t)-1)
#define C7 ((uint64_t)18446744073709551615u)
#define E0 ((int8_t)-128)
#define E1 ((uint8_t)255)
#define E2 ((int16_t)-32768)
#define E3 ((uint16_t)65535)
#define E4 ((int32_t)INT32_MIN)
#define E5 ((uint32_t)UINT32_MAX)
#define E6 ((int64_t)INT64_MIN)
#define E7 ((uint64_t)1 << 63)

static void consts(void)
{
	STAP_PROBE8(order, consts, C0, C1, C2, C3, C4, C5, C6, C7);
	STAP_PROBE8(order, extremes, E0, E1, E2, E3, E4, E5, E6, E7);
	printf("c0 %d\nc1 %u\nc2 %d\nc3 %u\n", C0, C1, C2, C3);
	printf("c4 %" PRId32 "\nc5 %" PRIu32 "\nc6 %" PRId64 "\nc7 %" PRIu64 "\n", C4, C5, C6,
	       C7);
	printf("e0 %d\ne1 %u\ne2 %d\ne3 %u\n", E0, E1, E2, E3);
	printf("e4 %" PRId32 "\ne5 %" PRIu32 "\ne6 %" PRId64 "\ne7 %" PRIu64 "\n", E4, E5, E6,
	       E7);
}

static void hits(long n)
{
	for (long i = 0; i < n; i++) {
		hit(i);
		STAP_PROBE1(order, hit, i);
		sink += getppid();
	}
	printf("hits %ld\n", n);
}

static void floods(long n)
{
	for (long i = 0; i < n; i++)
		flood(i);
	stop_here();
	printf("flood %ld\n", n);
	fflush(stdout);
	sleep(1);
}

int main(int argc, char **argv)
{
	char line[16];

	if (argc > 1 && !strcmp(argv[1], "-w")) {
		if (!fgets(line, sizeof(line), stdin))
			return 1;
		argc--;
		argv++;
	}
	if (argc >= 2 && !strcmp(argv[1], "consts"))
		consts();
	else if (argc >= 3 && !strcmp(argv[1], "hits"))
		hits(atol(argv[2]));
	else if (argc >= 3 && !strcmp(argv[1], "flood"))
		floods(atol(argv[2]));
	else {
		fprintf(stderr, "usage: order [-w] consts | hits N | flood N\n");
		return 2;
	}
	return 0;
}
