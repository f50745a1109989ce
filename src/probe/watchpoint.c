// SPDX-License-Identifier: GPL-2.0-only
/* watchpoint:ADDR:LEN:MODE (alias w:): a program on each access to LEN
 * bytes at ADDR in the memory of the -p process, through the CPU's debug
 * registers (perf's breakpoint PMU). MODE is r, w, rw or x. The program
 * runs in the thread that made the access, right after it. Machines
 * without hardware breakpoints (some virtual machines) have no such PMU:
 * a clear error at the probe, exit status 1. */
#include <dirent.h>
#include <errno.h>
#include <linux/bpf.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "probe/probe.h"

static bool wp_mode(const char *s, uint32_t *type)
{
	static const struct {
		const char *name;
		uint32_t type;
	} modes[] = {
		{ "r", HW_BREAKPOINT_R }, { "w", HW_BREAKPOINT_W }, { "rw", HW_BREAKPOINT_RW },
		{ "wr", HW_BREAKPOINT_RW }, { "x", HW_BREAKPOINT_X },
	};

	for (size_t i = 0; i < ARRAY_SIZE(modes); i++)
		if (!strcmp(modes[i].name, s)) {
			*type = modes[i].type;
			return true;
		}
	return false;
}

static bool wp_number(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return *s && *s != '-' && !*end && !errno;
}

/* Each part in turn; the first bad one is reported at its place. */
static bool wp_parts(struct probe *p, char **parts, struct loc *locs, int n)
{
	uint64_t len;
	uint32_t type;

	if (n != 4 || !*parts[1] || !*parts[2] || !*parts[3]) {
		diag_error(p->node->loc, "watchpoint probes are written watchpoint:ADDRESS:LENGTH:MODE, "
			   "e.g. watchpoint:0x601040:8:w");
		return false;
	}
	if (!wp_number(parts[1], &p->offset) || !p->offset) {
		diag_error(locs[1], "a watchpoint's address is a number (0x... or decimal), not 0");
		return false;
	}
	if (!wp_number(parts[2], &len) || (len != 1 && len != 2 && len != 4 && len != 8)) {
		diag_error(locs[2], "a watchpoint watches 1, 2, 4 or 8 bytes");
		return false;
	}
	if (!wp_mode(parts[3], &type)) {
		diag_error(locs[3], "a watchpoint's mode is r, w, rw or x");
		return false;
	}
	if (type == HW_BREAKPOINT_X && len != sizeof(long)) {
		diag_error(locs[2], "an execution watchpoint (x) has length %zu", sizeof(long));
		return false;
	}
	if (p->offset % len) {
		diag_error(locs[1], "a watchpoint of %llu bytes needs an address aligned to %llu",
			   (unsigned long long)len, (unsigned long long)len);
		return false;
	}
	p->period = len;
	p->config = type;
	return true;
}

static bool wp_resolve(struct probe *p)
{
	char *parts[5] = {0};
	struct loc locs[5];
	int n = probe_split(p, parts, locs, 5);
	bool ok = wp_parts(p, parts, locs, n);

	if (ok && !p->opts->pid) {
		diag_error(p->node->loc, "a watchpoint watches the memory of one process: "
			   "give it with -p PID");
		ok = false;
	} else if (ok && probe_pmu_type("breakpoint") < 0) {
		diag_error(p->node->loc, "this machine has no hardware breakpoints (no breakpoint "
			   "PMU in /sys/bus/event_source/devices), so memory cannot be watched");
		diag_env_failure();
		ok = false;
	}
	if (ok) {
		p->spec = xasprintf("watchpoint:%#llx:%llu:%s", (unsigned long long)p->offset,
				    (unsigned long long)p->period, parts[3]);
		probe_add_site(p);
	}
	for (int i = 0; i < n && i < 5; i++)
		free(parts[i]);
	return ok;
}

static const char *wp_why(const struct probe *p, int err)
{
	if (err == ENOSPC)	/* 4 debug registers on x86-64 */
		return "no debug register is free";
	if (err == EINVAL && p->config == HW_BREAKPOINT_R)
		return "this CPU watches reads only together with writes (mode rw)";
	return strerror(err);
}

/* One breakpoint per thread of the process (debug registers are per
 * thread); inherit carries each to the threads it starts later. */
static bool wp_attach(struct probe *p, int variant, int prog_fd, int *nattached)
{
	struct perf_event_attr a = {
		.type = PERF_TYPE_BREAKPOINT,
		.size = sizeof(a),
		.bp_type = (uint32_t)p->config,
		.bp_addr = p->offset,
		.bp_len = p->period,
		.sample_period = 1,
		.inherit = 1,
	};
	struct probe_site *s = &p->sites.v[0];
	char path[64];
	DIR *d;
	struct dirent *e;
	bool ok = true;

	(void)variant;
	snprintf(path, sizeof(path), "/proc/%d/task", (int)p->opts->pid);
	d = opendir(path);
	if (!d) {
		errmsg("cannot set %s in process %d: %s", p->spec, (int)p->opts->pid, strerror(errno));
		return false;
	}
	while (ok && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		int fd = probe_perf_event_open(&a, (pid_t)atoi(e->d_name), -1);
		if (fd < 0 && errno == ESRCH)
			continue;	/* the thread has just ended */
		if (fd < 0)
			errmsg("cannot set %s in thread %s: %s", p->spec, e->d_name, wp_why(p, errno));
		ok = fd >= 0 && probe_attach_perf_fd(s, fd, prog_fd, s->cookie, p->spec);
	}
	closedir(d);
	if (ok && p->opts->verbose)
		fprintf(stderr, "plumb: attached %s in %zu threads of process %d\n", p->spec,
			s->fds.n, (int)p->opts->pid);
	if (ok)
		(*nattached)++;
	return ok;
}

const struct probe_kind probe_watchpoint = {
	.name = "watchpoint",
	.alias = "w",
	.prog_type = BPF_PROG_TYPE_PERF_EVENT,
	.flags = PK_KSTACK | PK_USTACK,
	.resolve = wp_resolve,
	.attach = wp_attach,
};
