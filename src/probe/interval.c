// SPDX-License-Identifier: GPL-2.0-only
/* interval:N (alias i:): a program every N, on one CPU, from a software
 * cpu-clock perf event. N is 100ms, 1s, 500us ... or bpftrace's
 * interval:ms:100 form. */
#include <errno.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "options.h"
#include "probe/probe.h"

/* "ms:100" -> "100ms"; anything else as it is */
static char *unit_first(const char *a, const char *b)
{
	return b ? xasprintf("%s%s", b, a) : xstrdup(a);
}

bool probe_period_spec(struct probe *p, const char *what, bool hz)
{
	char *parts[4] = {0};
	struct loc locs[4];
	int n = probe_split(p, parts, locs, 4);
	char *text = n == 2 ? xstrdup(parts[1]) : n == 3 ? unit_first(parts[1], parts[2]) : NULL;
	bool ok = false;

	if (text && hz) {
		char *end;
		unsigned long v = strtoul(text, &end, 10);
		ok = end != text && (!*end || !strcmp(end, "hz")) && v > 0 && v <= 100000;
		p->period = v;
	} else if (text) {
		ok = parse_duration(text, &p->period, true) && p->period >= 100000;
	}
	if (!ok)
		diag_error(n >= 2 ? loc_join(locs[1], locs[n > 4 ? 3 : n - 1]) : p->node->loc,
			   "%s", what);
	for (int i = 0; i < n && i < 4; i++)
		free(parts[i]);
	free(text);
	return ok;
}

static bool interval_resolve(struct probe *p)
{
	if (!probe_period_spec(p, "interval probes are written interval:N with a unit "
			       "(100ms, 1s, ...; at least 100us)", false))
		return false;
	probe_add_site(p);
	return true;
}

int probe_perf_event_open(struct perf_event_attr *a, pid_t pid, int cpu)
{
	return (int)syscall(__NR_perf_event_open, a, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

static bool interval_attach(struct probe *p, int variant, int prog_fd, int *nattached)
{
	struct perf_event_attr a = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(a),
		.config = PERF_COUNT_SW_CPU_CLOCK,
		.sample_period = p->period,
	};
	struct probe_site *s = &p->sites.v[0];
	int fd;

	(void)variant;
	fd = probe_perf_event_open(&a, -1, 0);
	if (fd < 0) {
		errmsg("cannot start the timer of %s: %s", p->spec, strerror(errno));
		return false;
	}
	if (p->opts->verbose)
		fprintf(stderr, "plumb: attached %s on CPU 0\n", p->spec);
	if (!probe_attach_perf_fd(s, fd, prog_fd, s->cookie, p->spec))
		return false;
	(*nattached)++;
	return true;
}

const struct probe_kind probe_interval = {
	.name = "interval",
	.alias = "i",
	.prog_type = BPF_PROG_TYPE_PERF_EVENT,
	.flags = PK_KSTACK | PK_TIMER,
	.resolve = interval_resolve,
	.attach = interval_attach,
};
