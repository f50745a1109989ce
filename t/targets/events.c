// SPDX-License-Identifier: GPL-2.0-only
/*
 * events: kernel events with a known count, for software: and
 * rawtracepoint: probes. Between calls of window_open() and
 * window_close() (uprobe them to bound what is counted) it touches PAGES
 * fresh anonymous pages, then sleeps SLEEPS times, then makes SYSCALLS
 * getppid() calls. It prints what the kernel itself counted in each
 * window (getrusage), which a tracer filtering on this pid must match:
 *   faults N     page faults (minor + major) while touching pages
 *   pages N      pages touched
 *   switches N   context switches (voluntary + involuntary) while sleeping
 *   sleeps N     sleeps made
 *   getppid N    getppid() calls made (syscall number getppid_nr)
 * Options: -p PAGES -s SLEEPS -n SYSCALLS (defaults 64, 5, 1000).
 *
 * With -W N it only prints "watched ADDRESS" (a long for watchpoints)
 * and "ready PID", waits for a line on stdin, then writes that long N
 * times and reads it N times, and prints "writes N" and "reads N".
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "target.h"

#define TRACED __attribute__((noinline, noipa, used))
#define KEEP() asm volatile("" ::: "memory")

void window_open(int which);
void window_close(int which);

TRACED void window_open(int which)
{
	KEEP();
	(void)which;
}

TRACED void window_close(int which)
{
	KEEP();
	(void)which;
}

volatile long watched;

static int watch(long n)
{
	long sum = 0;

	printf("watched %p\n", (void *)&watched);
	tgt_wait_ready();
	for (long i = 0; i < n; i++)
		watched = i;
	for (long i = 0; i < n; i++)
		sum += watched;
	printf("writes %ld\nreads %ld\nsum %ld\n", n, n, sum);
	return 0;
}

static long faults(void)
{
	struct rusage r;

	getrusage(RUSAGE_SELF, &r);
	return r.ru_minflt + r.ru_majflt;
}

static long switches(void)
{
	struct rusage r;

	getrusage(RUSAGE_SELF, &r);
	return r.ru_nvcsw + r.ru_nivcsw;
}

int main(int argc, char **argv)
{
	long pages = 64, sleeps = 5, calls = 1000, psz = sysconf(_SC_PAGESIZE);
	struct timespec ts = { 0, 1000000 };
	int c;

	while ((c = getopt(argc, argv, "p:s:n:W:")) != -1) {
		long v = strtol(optarg, NULL, 10);
		if (c == 'W')
			return watch(v);
		if (c == 'p')
			pages = v;
		else if (c == 's')
			sleeps = v;
		else if (c == 'n')
			calls = v;
		else
			return 2;
	}
	volatile char *mem = mmap(NULL, (size_t)(pages * psz), PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return 1;

	/* the first calls bind getrusage() and nanosleep() in the GOT, a
	 * write fault of their own: done before the windows open */
	(void)faults();
	(void)switches();
	nanosleep(&(struct timespec){ 0, 1 }, NULL);
	/* likewise a uprobe's first hit faults in the page the kernel
	 * single-steps the probed instruction from: window 0 does that */
	window_open(0);
	window_close(0);
	window_open(1);
	long f0 = faults();
	for (long i = 0; i < pages; i++)
		mem[i * psz] = 1;
	long f1 = faults();
	window_close(1);

	window_open(2);
	long s0 = switches();
	for (long i = 0; i < sleeps; i++)
		nanosleep(&ts, NULL);
	long s1 = switches();
	window_close(2);

	for (long i = 0; i < calls; i++)
		syscall(SYS_getppid);

	printf("faults %ld\npages %ld\nswitches %ld\nsleeps %ld\ngetppid %ld\ngetppid_nr %d\n",
	       f1 - f0, pages, s1 - s0, sleeps, calls, SYS_getppid);
	return 0;
}
