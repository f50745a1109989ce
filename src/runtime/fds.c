// SPDX-License-Identifier: GPL-2.0-only
/* File descriptors: every program, map, link and perf event is one, and
 * thousands of probes need thousands. plumb raises its soft limit to the
 * hard one at start (the -c command gets the limit plumb was given: a
 * program using select() may rely on it), and says "too many open files"
 * with the figures when they run out. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

#include "runtime/rt.h"

static struct rlimit given;
static bool raised;

void rt_fds_raise(void)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &given))
		return;
	r = given;
	r.rlim_cur = r.rlim_max;
	raised = r.rlim_cur != given.rlim_cur && !setrlimit(RLIMIT_NOFILE, &r);
}

void rt_fds_for_child(void)
{
	if (raised)
		setrlimit(RLIMIT_NOFILE, &given);
}

/* Open descriptors, counted without opening one (there is none left). */
static long count_open(rlim_t limit)
{
	long n = 0;

	for (rlim_t fd = 0; fd < limit && fd < (1u << 20); fd++)
		n += fcntl((int)fd, F_GETFD) >= 0;
	return n;
}

void rt_fds_report(const char *what)
{
	struct rlimit r = { 0, 0 };

	getrlimit(RLIMIT_NOFILE, &r);
	errmsg("%s: too many open files (%ld open, the limit is %llu; raise it with "
	       "ulimit -n, or trace fewer probes)", what, count_open(r.rlim_cur),
	       (unsigned long long)r.rlim_cur);
}
