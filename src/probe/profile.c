// SPDX-License-Identifier: GPL-2.0-only
/* profile:N[hz] (or profile:hz:N): sampling on every CPU, N times a
 * second, from software cpu-clock perf events in frequency mode;
 * profile:ms:N, profile:us:N, profile:s:N (or profile:10ms): every N of
 * CPU time, from the same events with a fixed period. */
#include <errno.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "options.h"
#include "probe/probe.h"

static bool profile_resolve(struct probe *p)
{
	if (!probe_period_spec(p, "profile probes are written profile:hz:N (1 to 100000 "
			       "samples a second) or profile:s:N, profile:ms:N, profile:us:N "
			       "(at least 10us)", true, 10000))
		return false;
	probe_add_site(p);
	return true;
}

static bool profile_attach(struct probe *p, int variant, int prog_fd, int *nattached)
{
	struct perf_event_attr a = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(a),
		.config = PERF_COUNT_SW_CPU_CLOCK,
		.sample_period = p->period,
		.freq = p->period_hz,
	};

	(void)variant;
	return probe_attach_every_cpu(p, &a, prog_fd, nattached,
				      "cannot start sampling on CPU %1$d for %2$s: %3$s");
}

static bool profile_list(struct probe_lister *l, char **parts, int n)
{
	static const struct probe_form forms[] = {
		{ "profile:hz:N", "hz", "N samples a second on every CPU, of whatever runs there "
		  "(1 to 100000)" },
		{ "profile:s:N", "s", "a sample every N seconds on every CPU" },
		{ "profile:ms:N", "ms", "a sample every N milliseconds on every CPU" },
		{ "profile:us:N", "us", "a sample every N microseconds on every CPU (10 or more)" },
	};

	return probe_list_forms(l, parts, n, forms, ARRAY_SIZE(forms));
}

const struct probe_kind probe_profile = {
	.name = "profile",
	.prog_type = BPF_PROG_TYPE_PERF_EVENT,
	.flags = PK_KSTACK | PK_USTACK,
	.resolve = profile_resolve,
	.attach = profile_attach,
	.list = profile_list,
};
