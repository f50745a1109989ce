// SPDX-License-Identifier: GPL-2.0-only
/* A test shim, LD_PRELOADed into plumb: PLUMB_INJECT=perf_event_open:N makes
 * the Nth perf_event_open fail with EBUSY, so tests can reach the error
 * paths of attaching (and check that they leave nothing behind). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

long syscall(long number, ...);

long syscall(long number, ...)
{
	static long (*real)(long, ...);
	static int calls;
	long a[6];
	va_list ap;

	va_start(ap, number);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (!real)
		real = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
	if (number == __NR_perf_event_open) {
		const char *spec = getenv("PLUMB_INJECT");
		const char *prefix = "perf_event_open:";
		if (spec && !strncmp(spec, prefix, strlen(prefix)) &&
		    ++calls == atoi(spec + strlen(prefix))) {
			errno = EBUSY;
			return -1;
		}
	}
	return real(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}
