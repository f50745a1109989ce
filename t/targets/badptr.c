// SPDX-License-Identifier: GPL-2.0-only
/*
 * badptr: hands take() pointers that a tracer cannot always read.
 *
 *   good     a string in the program's data
 *   null     NULL
 *   wild     an address nothing is mapped at
 *   unpaged  anonymous memory mapped but never touched: no page behind it
 *            yet, and a BPF program may not fault one in
 *
 * take() is called -n times with each, in that order per round; the
 * ground truth is one "KIND COUNT" line per kind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "target.h"

__attribute__((noinline, used)) int take(const char *p)
{
	/* the pointer is only looked at, never followed */
	__asm__ volatile("" : : "r"(p) : "memory");
	return p != NULL;
}

int main(int argc, char **argv)
{
	static const char good[] = "hello";
	long n = 10;
	int c;
	char *unpaged;

	while ((c = getopt(argc, argv, "n:")) != -1) {
		if (c != 'n') {
			fprintf(stderr, "usage: %s [-n ROUNDS]\n", argv[0]);
			return 2;
		}
		n = tgt_parse_long(argv[0], c, optarg, 1, 1000000);
	}
	unpaged = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (unpaged == MAP_FAILED)
		return 1;
	/* the program reads its own string: its page is mapped */
	if (!*(volatile const char *)good)
		return 1;
	for (long i = 0; i < n; i++) {
		take(good);
		take(NULL);
		take((const char *)8);
		take(unpaged + 4096 * (i % 256));
	}
	printf("good %ld\nnull %ld\nwild %ld\nunpaged %ld\n", n, n, n, n);
	return 0;
}
