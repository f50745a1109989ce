// SPDX-License-Identifier: GPL-2.0-only
/*
 * safety: a target for "a probe never changes what the traced program
 * computes". It runs mix() (a checksum with multi-byte instructions to
 * probe into the middle of), swap8() (an exchange with r8, which the
 * kernel takes for a nop) and vexones() (a VEX instruction whose opcode
 * byte looks like a jcc to the kernel), then prints what it computed and
 * its read-only string back. Any byte a probe wrote into its code or data
 * shows up as a different line. README.md documents the keys.
 */
#ifndef _GNU_SOURCE	/* config.h, forced in by the build, has it */
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "target.h"

#define TRACED __attribute__((noinline, noipa, used))

/* In .rodata: a probe at its address would write an int3 into it. */
const char motto[] = "a probe never changes what the traced program computes";

static uint64_t odd_path;

/* FNV-1a step, and a counted branch for the "probe inside a function
 * counts exactly" test. */
TRACED uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v;
	h *= 0x100000001b3ULL;
	if ((v & 7) == 3) {
		odd_path++;
		h ^= h >> 29;
	}
	return h;
}

/* 49 90 is xchg %rax, %r8: the kernel emulates every 0x90 opcode as a nop,
 * REX prefix or not, so a uprobe here would skip the exchange. */
TRACED long swap8(long a)
{
	long r;

	asm volatile("mov %1, %%r8\n\t"
		     "mov $7, %%rax\n\t"
		     ".byte 0x49, 0x90\n\t"
		     "mov %%r8, %0"
		     : "=r"(r) : "r"(a) : "rax", "r8");
	return r;
}

/* A function that starts with that exchange: its entry cannot be probed
 * safely, so a wildcard that matches it sets it aside. Never called. */
asm(".text\n"
    ".globl swapfirst\n"
    ".type swapfirst, @function\n"
    "swapfirst:\n\t"
    ".byte 0x49, 0x90\n\t"
    "mov %r8, %rax\n\t"
    "ret\n"
    ".size swapfirst, .-swapfirst\n");

/* Code outside every function: a label with no type and no size, as
 * hand-written assembly has. Only --unsafe probes it. */
asm(".text\n"
    ".globl unsafe_spot\n"
    "unsafe_spot:\n\t"
    "nop\n\t"
    "ret\n");
void unsafe_spot(void);

/* vpcmpeqb (VEX 0f 74) sets every byte; the kernel reads its opcode byte
 * 0x74 as a je and, probed, would skip it. */
TRACED int vexones(void)
{
	unsigned char b[16] = {0};

	asm volatile("vpxor %%xmm1, %%xmm1, %%xmm1\n\t"
		     "vpcmpeqb %%xmm1, %%xmm1, %%xmm1\n\t"
		     "vmovdqu %%xmm1, (%0)"
		     :: "r"(b) : "xmm1", "memory");
	return b[0] == 0xff && b[15] == 0xff;
}

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s [-n ITERS] [-s]\n", prog);
	exit(2);
}

int main(int argc, char **argv)
{
	long n = 1000, ones = 0;
	uint64_t h = 0xcbf29ce484222325ULL, swaps = 0;
	int sleepy = 0, avx = __builtin_cpu_supports("avx"), c;

	while ((c = getopt(argc, argv, "n:s")) != -1) {
		if (c == 'n')
			n = tgt_parse_long(argv[0], c, optarg, 1, 100000000);
		else if (c == 's')
			sleepy = 1;
		else
			usage(argv[0]);
	}
	for (long i = 0; i < n; i++) {
		h = mix(h, (uint64_t)i);
		swaps += (uint64_t)swap8(i);
		unsafe_spot();
		if (avx)
			ones += vexones();
		if (sleepy)
			tgt_sleep_us(1000);
	}
	printf("mix.calls %ld\n", n);
	printf("mix.odd %" PRIu64 "\n", odd_path);
	printf("mix.result %" PRIu64 "\n", h);
	printf("swap8.sum %" PRIu64 "\n", swaps);
	printf("vex.ones %ld\n", avx ? ones : n);
	printf("motto %s\n", motto);
	return 0;
}
