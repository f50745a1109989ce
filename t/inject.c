// SPDX-License-Identifier: GPL-2.0-only
/* A test shim, LD_PRELOADed into plumb, to reach error paths for real:
 *   PLUMB_INJECT=perf_event_open:N  the Nth perf_event_open fails (EBUSY);
 *   PLUMB_INJECT=link_create:N      the Nth BPF_LINK_CREATE fails (EBUSY);
 *   PLUMB_INJECT=verifier:N         from the Nth BPF_PROG_LOAD on, the first
 *                                   helper call of the program is replaced by a
 *                                   load above the stack frame, which the kernel's
 *                                   verifier refuses;
 *   PLUMB_INJECT=slow_attach:MS     each perf_event_open and BPF_LINK_CREATE
 *                                   first sleeps MS milliseconds (an attach that
 *                                   takes long enough for something to happen
 *                                   meanwhile);
 *   PLUMB_INJECT=slow_open:MS        opening the file PLUMB_INJECT_PATH first
 *                                   sleeps MS milliseconds (symbol loading that
 *                                   takes long enough to be interrupted, however
 *                                   fast plumb reads symbols). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdbool.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include <sys/syscall.h>
#include <time.h>

long syscall(long number, ...);

static bool inject(const char *what, int *count)
{
	const char *spec = getenv("PLUMB_INJECT");
	size_t n = strlen(what);

	if (!spec || strncmp(spec, what, n) || spec[n] != ':')
		return false;
	return ++*count >= atoi(spec + n + 1);
}

static void spoil_program(union bpf_attr *attr)
{
	struct bpf_insn *insn = (struct bpf_insn *)(unsigned long)attr->insns;

	for (unsigned int i = 0; i < attr->insn_cnt; i++) {
		if (insn[i].code == (BPF_JMP | BPF_CALL)) {
			insn[i] = (struct bpf_insn){ .code = BPF_LDX | BPF_MEM | BPF_DW,
						     .dst_reg = 0, .src_reg = 10, .off = 8 };
			return;
		}
	}
}

long syscall(long number, ...)
{
	static long (*real)(long, ...);
	static int opens, loads, links;
	long a[6];
	va_list ap;

	va_start(ap, number);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (!real)
		real = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
	if ((number == __NR_perf_event_open || (number == __NR_bpf && a[0] == BPF_LINK_CREATE)) &&
	    getenv("PLUMB_INJECT") && !strncmp(getenv("PLUMB_INJECT"), "slow_attach:", 12)) {
		long ms = atol(getenv("PLUMB_INJECT") + strlen("slow_attach:"));
		struct timespec ts = { ms / 1000, ms % 1000 * 1000000 };
		nanosleep(&ts, NULL);
	}
	if (number == __NR_perf_event_open && inject("perf_event_open", &opens) &&
	    opens == atoi(getenv("PLUMB_INJECT") + strlen("perf_event_open:"))) {
		errno = EBUSY;
		return -1;
	}
	if (number == __NR_bpf && a[0] == BPF_LINK_CREATE && inject("link_create", &links) &&
	    links == atoi(getenv("PLUMB_INJECT") + strlen("link_create:"))) {
		errno = EBUSY;
		return -1;
	}
	if (number == __NR_bpf && a[0] == BPF_PROG_LOAD && inject("verifier", &loads))
		spoil_program((union bpf_attr *)a[1]);
	return real(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* plumb opens the binaries it reads with open(). */
int open(const char *path, int flags, ...)
{
	static int (*real)(const char *, int, ...);
	const char *spec = getenv("PLUMB_INJECT"), *want = getenv("PLUMB_INJECT_PATH");
	mode_t mode = 0;
	va_list ap;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	if (!real)
		real = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
	if (spec && want && !strncmp(spec, "slow_open:", 10) && !strcmp(path, want)) {
		long ms = atol(spec + 10);
		struct timespec ts = { ms / 1000, ms % 1000 * 1000000 };
		nanosleep(&ts, NULL);
	}
	return real(path, flags, mode);
}
