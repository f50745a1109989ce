// SPDX-License-Identifier: GPL-2.0-only
/* The usym() cache stays within its bound in bytes: symbolise an address
 * in each of many live processes (children of this one, all with the
 * same maps) through a cache bounded at 256 KiB, and check after each
 * lookup that the cache holds no more than that and that the answer is
 * still right, also for the first processes again once evicted. The same
 * walk through the default cache shows the bound is what kept it small.
 * TAP on stdout. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "binary/binary.h"

#define NCHILD 200
#define BOUND (256u << 10)

static int ntest, nfail;

static void ok(int cond, const char *what)
{
	printf("%sok %d - %s\n", cond ? "" : "not ", ++ntest, what);
	nfail += !cond;
}

static __attribute__((noinline, used)) void symcache_marker(void)
{
	__asm__ volatile("");
}

/* A child that lives until this process exits (or kills it). */
static pid_t spawn(int *hold)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe(p))
		exit(99);
	pid = fork();
	if (pid == 0) {
		close(p[1]);
		/* until the parent is gone (its end closes) */
		while (read(p[0], &c, 1) < 0)
			;
		_exit(0);
	}
	close(p[0]);
	*hold = p[1];
	return pid;
}

/* Symbolise the marker in every child; true when every answer was right
 * and the cache never held more than max bytes. *peak: the most it held. */
static bool walk(struct bin_symcache *c, const pid_t *pids, int n, size_t max, size_t *peak)
{
	uint64_t addr = (uint64_t)(uintptr_t)&symcache_marker;
	bool right = true;
	char buf[256];

	*peak = 0;
	for (int i = 0; i < n; i++) {
		bin_symbolize(c, pids[i], addr, true, false, buf, sizeof(buf));
		right &= strcmp(buf, "symcache_marker") == 0;
		if (bin_symcache_bytes(c) > *peak)
			*peak = bin_symcache_bytes(c);
	}
	return right && *peak <= max;
}

int main(void)
{
	pid_t pids[NCHILD];
	int holds[NCHILD];
	size_t peak;
	struct bin_symcache *c;

	printf("1..5\n");
	for (int i = 0; i < NCHILD; i++)
		pids[i] = spawn(&holds[i]);

	c = bin_symcache_new_bounded(BOUND);
	ok(walk(c, pids, NCHILD, BOUND, &peak), "200 processes through a 256 KiB cache: "
	   "every address symbolised, the bound never passed");
	printf("# peak %zu bytes\n", peak);
	ok(walk(c, pids, 10, BOUND, &peak), "the first processes again, after eviction: "
	   "still right");
	ok(bin_symcache_bytes(c) > 0, "the cache still holds the recent ones");
	bin_symcache_free(c);

	c = bin_symcache_new();
	walk(c, pids, NCHILD, (size_t)-1, &peak);
	printf("# unbounded by the test: peak %zu bytes\n", peak);
	ok(peak > BOUND, "without the small bound the same walk holds more: the bound did it");
	ok(peak <= (64u << 20), "... and the default bound holds");
	bin_symcache_free(c);

	for (int i = 0; i < NCHILD; i++) {
		kill(pids[i], SIGKILL);
		waitpid(pids[i], NULL, 0);
	}
	return nfail ? 1 : 0;
}
