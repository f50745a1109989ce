// SPDX-License-Identifier: GPL-2.0-only
/* interval:N (alias i:): a program every N, on one CPU, from a software
 * cpu-clock perf event. N is 100ms, 1s, 500us, 5hz ... or bpftrace's
 * interval:ms:100 and interval:hz:5 forms. */
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

/* "99", "99hz": a frequency from 1 to 100000 hz */
static bool period_freq(const char *text, uint64_t *hz)
{
	char *end;
	unsigned long v = strtoul(text, &end, 10);

	*hz = v;
	return end != text && *text != '-' && (!*end || !strcmp(end, "hz")) && v > 0 && v <= 100000;
}

/* For profile a bare number is a frequency (bpftrace's profile:99); for
 * interval it is seconds, and Nhz is turned into a period. */
static bool period_parse(struct probe *p, const char *text, bool hz_ok, uint64_t min_ns)
{
	uint64_t hz;

	if (hz_ok && period_freq(text, &hz)) {
		p->period = hz;
		p->period_hz = true;
		return true;
	}
	if (!hz_ok && period_freq(text, &hz) && strstr(text, "hz")) {
		p->period = 1000000000ull / hz;
		return p->period >= min_ns;
	}
	return parse_duration(text, &p->period, true) && p->period >= min_ns;
}

bool probe_period_spec(struct probe *p, const char *what, bool hz_ok, uint64_t min_ns)
{
	char *parts[4] = {0};
	struct loc locs[4];
	int n = probe_split(p, parts, locs, 4);
	char *text = n == 2 ? xstrdup(parts[1]) : n == 3 ? unit_first(parts[1], parts[2]) : NULL;
	bool ok = text && period_parse(p, text, hz_ok, min_ns);

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
			       "(100ms, 1s, interval:ms:100, interval:hz:5, ...; at least 100us)",
			       false, 100000))
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

static bool interval_list(struct probe_lister *l, char **parts, int n)
{
	static const struct probe_form forms[] = {
		{ "interval:s:N", "s", "every N seconds, on one CPU" },
		{ "interval:ms:N", "ms", "every N milliseconds, on one CPU" },
		{ "interval:us:N", "us", "every N microseconds, on one CPU (100 or more)" },
		{ "interval:hz:N", "hz", "N times a second, on one CPU" },
	};

	return probe_list_forms(l, parts, n, forms, ARRAY_SIZE(forms));
}

const struct probe_kind probe_interval = {
	.name = "interval",
	.alias = "i",
	.prog_type = BPF_PROG_TYPE_PERF_EVENT,
	.flags = PK_KSTACK | PK_TIMER,
	.resolve = interval_resolve,
	.attach = interval_attach,
	.list = interval_list,
};
