// SPDX-License-Identifier: GPL-2.0-only
/* software:EVENT[:N] (alias s:): a program every N occurrences of a
 * kernel software event (page faults, context switches, ...) on every
 * CPU. These are perf's PERF_TYPE_SOFTWARE counters, which need no PMU,
 * so they work in virtual machines too. The program runs in the task the
 * event happened to, so pid, comm and ustack are that task's. */
#include <errno.h>
#include <fnmatch.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "options.h"
#include "probe/probe.h"

/* The events, their perf short names, and bpftrace's default count. */
static const struct sw_event {
	const char *name;
	const char *alias;
	int config;
	uint64_t period;
} sw_events[] = {
	{ "cpu-clock", "cpu", PERF_COUNT_SW_CPU_CLOCK, 1000000 },
	{ "task-clock", NULL, PERF_COUNT_SW_TASK_CLOCK, 1000000 },
	{ "page-faults", "faults", PERF_COUNT_SW_PAGE_FAULTS, 100 },
	{ "context-switches", "cs", PERF_COUNT_SW_CONTEXT_SWITCHES, 1000 },
	{ "cpu-migrations", NULL, PERF_COUNT_SW_CPU_MIGRATIONS, 1 },
	{ "minor-faults", NULL, PERF_COUNT_SW_PAGE_FAULTS_MIN, 100 },
	{ "major-faults", NULL, PERF_COUNT_SW_PAGE_FAULTS_MAJ, 1 },
	{ "alignment-faults", NULL, PERF_COUNT_SW_ALIGNMENT_FAULTS, 1 },
	{ "emulation-faults", NULL, PERF_COUNT_SW_EMULATION_FAULTS, 1 },
	{ "dummy", NULL, PERF_COUNT_SW_DUMMY, 1 },
	{ "bpf-output", NULL, PERF_COUNT_SW_BPF_OUTPUT, 1 },
};

static const struct sw_event *sw_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(sw_events); i++)
		if (!strcmp(sw_events[i].name, name) ||
		    (sw_events[i].alias && !strcmp(sw_events[i].alias, name)))
			return &sw_events[i];
	return NULL;
}

static void sw_unknown(const char *name, struct loc loc)
{
	const char *cands[2 * ARRAY_SIZE(sw_events)];
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(sw_events); i++) {
		cands[n++] = sw_events[i].name;
		if (sw_events[i].alias)
			cands[n++] = sw_events[i].alias;
	}
	const char *best = closest_name(name, cands, n);
	if (best)
		diag_error(loc, "unknown software event '%s'; did you mean '%s'?", name, best);
	else
		diag_error(loc, "unknown software event '%s' (plumb -l 'software:*' lists them)",
			   name);
}

/* N: a count from 1 up. */
static bool sw_count(const char *text, struct loc loc, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(text, &end, 10);
	if (!*text || *end || errno || v == 0 || *text == '-') {
		diag_error(loc, "the count of a software probe is a whole number from 1 up");
		return false;
	}
	*out = v;
	return true;
}

static bool software_resolve(struct probe *p)
{
	char *parts[4] = {0};
	struct loc locs[4];
	int n = probe_split(p, parts, locs, 4);
	const struct sw_event *e = NULL;
	bool ok = false;

	if (n < 2 || n > 3 || !*parts[1])
		diag_error(p->node->loc, "software probes are written software:EVENT[:COUNT]");
	else if (!(e = sw_find(parts[1])))
		sw_unknown(parts[1], locs[1]);
	else if (n == 3 ? sw_count(parts[2], locs[2], &p->period) : (p->period = e->period, true))
		ok = true;
	if (ok) {
		p->config = (uint64_t)e->config;
		p->spec = xasprintf("software:%s:%llu", e->name, (unsigned long long)p->period);
		probe_add_site(p);
	}
	for (int i = 0; i < n && i < 4; i++)
		free(parts[i]);
	return ok;
}

static bool software_attach(struct probe *p, int variant, int prog_fd, int *nattached)
{
	struct perf_event_attr a = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(a),
		.config = p->config,
		.sample_period = p->period,
	};

	(void)variant;
	return probe_attach_every_cpu(p, &a, prog_fd, nattached,
				      "cannot open %2$s on CPU %1$d: %3$s");
}

/* -l 'software:PATTERN': the events, each with its default count. */
static bool software_list(struct probe_lister *l, char **parts, int n)
{
	const char *pat = n >= 1 && *parts[0] ? parts[0] : "*";

	for (size_t i = 0; i < ARRAY_SIZE(sw_events); i++) {
		const struct sw_event *e = &sw_events[i];
		if (fnmatch(pat, e->name, 0) && !(e->alias && !fnmatch(pat, e->alias, 0)))
			continue;
		char *spec = xasprintf("software:%s:", e->name);
		probe_list_spec(l, spec);
		if (l->o->verbose && !l->o->json)
			fprintf(l->out, "    default count %llu%s%s\n", (unsigned long long)e->period,
				e->alias ? ", also software:" : "", e->alias ? e->alias : "");
		free(spec);
	}
	return true;
}

const struct probe_kind probe_software = {
	.name = "software",
	.alias = "s",
	.prog_type = BPF_PROG_TYPE_PERF_EVENT,
	.flags = PK_KSTACK | PK_USTACK,
	.resolve = software_resolve,
	.attach = software_attach,
	.list = software_list,
};
