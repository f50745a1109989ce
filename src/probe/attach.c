// SPDX-License-Identifier: GPL-2.0-only
/* Attaching programs: perf events (uprobe PMU, tracepoints, software
 * clocks) with bpf links, and uprobe_multi links, which attach one
 * program at many user sites with one syscall and detach them with one
 * grace period instead of one per site. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "options.h"
#include "probe/probe.h"
#include "runtime/rt.h"

/* The -p process ended while its probes were attached: the failure is
 * that end, which stops the trace; no error to report. */
static bool target_gone(const struct probe *p)
{
	return p->opts->pid && rt_pid_exited();
}


/* A PMU's type and the bit a format field starts at, from sysfs. */
static int sysfs_int(const char *path, int def)
{
	char buf[64];
	int fd = open(path, O_RDONLY | O_CLOEXEC), v = def;
	ssize_t n;

	if (fd < 0)
		return def;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return def;
	buf[n] = '\0';
	/* "8\n" or "config:32-63\n" */
	const char *p = strchr(buf, ':');
	v = atoi(p ? p + 1 : buf);
	return v;
}

int probe_pmu_type(const char *pmu)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/bus/event_source/devices/%s/type", pmu);
	return sysfs_int(path, -1);
}

static int pmu_bit(const char *pmu, const char *field, int def)
{
	char path[160];

	snprintf(path, sizeof(path), "/sys/bus/event_source/devices/%s/format/%s", pmu, field);
	return sysfs_int(path, def);
}

bool probe_attach_perf_fd(struct probe_site *s, int pfd, int prog_fd, uint64_t cookie,
			  const char *what)
{
	LIBBPF_OPTS(bpf_link_create_opts, lo, .perf_event.bpf_cookie = cookie);
	int link = bpf_link_create(prog_fd, pfd, BPF_PERF_EVENT, &lo);

	vec_push(&s->fds, pfd);
	if (link < 0 && (errno == EMFILE || errno == ENFILE)) {
		/* the old way would attach without the cookie */
		rt_fds_report(what);
		return false;
	}
	if (link < 0) {
		/* kernels without perf links: attach the old way, no cookie */
		if (ioctl(pfd, PERF_EVENT_IOC_SET_BPF, prog_fd) < 0) {
			errmsg("cannot attach to %s: %s", what, strerror(errno));
			return false;
		}
	} else {
		vec_push(&s->links, link);
	}
	if (ioctl(pfd, PERF_EVENT_IOC_ENABLE, 0) < 0) {
		errmsg("cannot enable %s: %s", what, strerror(errno));
		return false;
	}
	return true;
}

static const char *uprobe_errhint(int err)
{
	switch (err) {
	case EINVAL: return " (another tracer may hold this site with a different semaphore)";
	case ENOENT: return " (the binary is gone)";
	case EACCES:
	case EPERM: return " (plumb needs root, or CAP_BPF and CAP_PERFMON)";
	}
	return "";
}

bool probe_attach_uprobe(struct probe *p, struct probe_site *s, bool ret, int prog_fd,
			 uint64_t cookie)
{
	static int type = -2, retbit, refbit;
	struct perf_event_attr a;
	pid_t pid = p->opts->pid;
	char what[PATH_MAX + 64];
	int fd;

	if (type == -2) {
		type = probe_pmu_type("uprobe");
		retbit = pmu_bit("uprobe", "retprobe", 0);
		refbit = pmu_bit("uprobe", "ref_ctr_offset", 32);
	}
	snprintf(what, sizeof(what), "%s:%#llx", s->path, (unsigned long long)s->off);
	if (type < 0) {
		errmsg("this kernel has no uprobe PMU (CONFIG_UPROBE_EVENTS)");
		return false;
	}
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = (uint32_t)type;
	a.config = (ret ? 1ULL << retbit : 0) | (s->ref_ctr_off << refbit);
	a.config1 = (uint64_t)(uintptr_t)s->path;
	a.config2 = s->off;
	fd = probe_perf_event_open(&a, pid ? pid : -1, pid ? -1 : 0);
	if (fd < 0) {
		int err = errno;
		if (err == EMFILE || err == ENFILE)
			rt_fds_report(what);
		else if (!target_gone(p))
			errmsg("cannot attach to %s: %s%s", what, strerror(err), uprobe_errhint(err));
		return false;
	}
	if (p->opts->verbose)
		fprintf(stderr, "plumb: attached %s at %s%s\n", p->spec, what,
			s->ref_ctr_off ? " (with semaphore)" : "");
	return probe_attach_perf_fd(s, (int)fd, prog_fd, cookie, what);
}

/* ---- uprobe_multi (kernel 6.6+) ----
 * Neither the 6.1 uapi header nor libbpf 1.1 know it; the layout below is
 * the kernel's union bpf_attr for BPF_LINK_CREATE with uprobe_multi. */

#define ATTACH_UPROBE_MULTI 48	/* BPF_TRACE_UPROBE_MULTI */
#define UPROBE_MULTI_RETURN 1	/* BPF_F_UPROBE_MULTI_RETURN */

struct link_create_uprobe_multi {
	uint32_t prog_fd;
	uint32_t target_fd;
	uint32_t attach_type;
	uint32_t flags;
	uint64_t path;
	uint64_t offsets;
	uint64_t ref_ctr_offsets;
	uint64_t cookies;
	uint32_t cnt;
	uint32_t multi_flags;
	uint32_t pid;
	uint32_t pad[5];
};

int probe_uprobe_multi_type(void)
{
	static int supported = -1;
	struct bpf_insn ret0[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	if (getenv("PLUMB_NO_UPROBE_MULTI"))
		return 0;
	if (supported < 0) {
		LIBBPF_OPTS(bpf_prog_load_opts, o,
			    .expected_attach_type = (enum bpf_attach_type)ATTACH_UPROBE_MULTI);
		int fd = bpf_prog_load(BPF_PROG_TYPE_KPROBE, "plumb_probe", "GPL", ret0, 2, &o);
		supported = fd >= 0;
		if (fd >= 0)
			close(fd);
	}
	return supported ? ATTACH_UPROBE_MULTI : 0;
}

/* One uprobe_multi link for the sites idx[0..n) (all in one binary);
 * the link fd, or -errno. */
static long multi_link(struct probe *p, const size_t *idx, size_t n, int prog_fd, bool ret)
{
	unsigned long *offs = xcalloc(n, sizeof(*offs)), *refs = xcalloc(n, sizeof(*refs));
	uint64_t *cookies = xcalloc(n, sizeof(*cookies));
	struct link_create_uprobe_multi a;
	bool any_ref = false;
	long fd;

	for (size_t i = 0; i < n; i++) {
		const struct probe_site *s = &p->sites.v[idx[i]];
		offs[i] = s->off;
		refs[i] = s->ref_ctr_off;
		cookies[i] = s->cookie;
		any_ref |= s->ref_ctr_off != 0;
	}
	memset(&a, 0, sizeof(a));
	a.prog_fd = (uint32_t)prog_fd;
	a.attach_type = ATTACH_UPROBE_MULTI;
	a.path = (uint64_t)(uintptr_t)p->sites.v[idx[0]].path;
	a.offsets = (uint64_t)(uintptr_t)offs;
	a.ref_ctr_offsets = any_ref ? (uint64_t)(uintptr_t)refs : 0;
	a.cookies = (uint64_t)(uintptr_t)cookies;
	a.cnt = (uint32_t)n;
	a.multi_flags = ret ? UPROBE_MULTI_RETURN : 0;
	a.pid = (uint32_t)p->opts->pid;
	fd = syscall(__NR_bpf, BPF_LINK_CREATE, &a, sizeof(a));
	if (fd < 0)
		fd = -errno;
	free(offs);
	free(refs);
	free(cookies);
	return fd;
}

#define ENOTSUPP_KERNEL 524	/* the kernel's own "not supported", unknown to libc */

static const char *multi_errstr(int err)
{
	if (err == ENOTSUPP_KERNEL)
		return "the kernel cannot place a uprobe on that instruction";
	return strerror(err);
}

struct multi_state {
	struct probe *p;
	int prog_fd;
	bool ret;
	size_t attached;
	VEC(size_t) refused;	/* sites the kernel would not probe */
	int err;		/* the first error */
};

/* Errors that no smaller group of sites would escape: splitting on them
 * would only repeat the failure (each try registers and unregisters every
 * site of the group, grace periods included), thousands of times for a
 * wildcard. */
static bool whole_attach_error(int err)
{
	switch (err) {
	case EMFILE: case ENFILE: case ENOMEM: case EPERM: case EACCES: case ESRCH:
	case ENOENT:
		return true;
	}
	return false;
}

/* Attach idx[0..n) in as few links as the kernel takes: all at once,
 * else each half, down to single sites; a single site the kernel refuses
 * is set aside (one bad instruction must not sink a wildcard). */
static void attach_group(struct multi_state *m, const size_t *idx, size_t n)
{
	long fd = m->err && whole_attach_error(m->err) ? -m->err
			: multi_link(m->p, idx, n, m->prog_fd, m->ret);

	if (fd >= 0) {
		vec_push(&m->p->sites.v[idx[0]].links, (int)fd);
		m->attached += n;
		return;
	}
	if (!m->err)
		m->err = (int)-fd;
	if (n == 1) {
		vec_push(&m->refused, idx[0]);
		return;
	}
	attach_group(m, idx, n / 2);
	attach_group(m, idx + n / 2, n - n / 2);
}

static void report_refused(struct multi_state *m, const char *path)
{
	struct probe *p = m->p;
	struct strbuf names = {0};

	if (m->err == EMFILE || m->err == ENFILE) {
		char what[PATH_MAX + 64];
		snprintf(what, sizeof(what), "cannot attach %s to %s", p->spec, path);
		rt_fds_report(what);
		return;
	}

	if (target_gone(p))
		return;
	for (size_t i = 0; i < m->refused.n && i < 5; i++)
		sb_printf(&names, "%s%s", i ? ", " : "", p->sites.v[m->refused.v[i]].func);
	if (m->refused.n > 5)
		sb_printf(&names, " and %zu more", m->refused.n - 5);
	if (m->attached)
		warnmsg("%s: %zu site%s of %s not traced (%s): %s", p->spec, m->refused.n,
			m->refused.n == 1 ? "" : "s", path, multi_errstr(m->err), names.s);
	else
		errmsg("cannot attach %s to %s: %s%s (%s)", p->spec, path, multi_errstr(m->err),
		       uprobe_errhint(m->err), names.s);
	sb_free(&names);
}

/* Every site of a variant in one binary. */
static bool multi_attach(struct probe *p, const char *path, int variant, int prog_fd, bool ret,
			 int *nattached)
{
	struct multi_state m = { .p = p, .prog_fd = prog_fd, .ret = ret };
	VEC(size_t) idx = {0};

	for (size_t i = 0; i < p->sites.n; i++)
		if (p->sites.v[i].variant == variant && !strcmp(p->sites.v[i].path, path))
			vec_push(&idx, i);
	attach_group(&m, idx.v, idx.n);
	if (m.refused.n)
		report_refused(&m, path);
	if (m.attached && p->opts->verbose)
		fprintf(stderr, "plumb: attached %s at %zu site%s of %s\n", p->spec, m.attached,
			m.attached == 1 ? "" : "s", path);
	*nattached += (int)m.attached;
	vec_free(&idx);
	vec_free(&m.refused);
	return m.attached > 0;
}

bool probe_attach_user_sites(struct probe *p, int variant, int prog_fd, bool ret, int *nattached)
{
	for (size_t i = 0; i < p->sites.n; i++) {
		struct probe_site *s = &p->sites.v[i];
		bool done = false;

		if (s->variant != variant)
			continue;
		if (!probe_uprobe_multi_type()) {
			if (rt_should_stop())
				return true;	/* thousands of sites take a while */
			if (!probe_attach_uprobe(p, s, ret, prog_fd, s->cookie))
				return false;
			(*nattached)++;
			continue;
		}
		/* already attached with an earlier site of the same binary? */
		for (size_t j = 0; j < i && !done; j++)
			done = p->sites.v[j].variant == variant && !strcmp(p->sites.v[j].path, s->path);
		if (!done && !multi_attach(p, s->path, variant, prog_fd, ret, nattached))
			return false;
	}
	return true;
}

/* Detach every site of p in the binary at path (its file was rewritten
 * under the probes); the number of its sites there. A uprobe_multi link
 * for many sites of one binary sits on the first of them. */
size_t probe_detach_file(struct probe *p, const char *path)
{
	size_t n = 0;

	for (size_t i = 0; i < p->sites.n; i++) {
		struct probe_site *s = &p->sites.v[i];
		if (!s->path || strcmp(s->path, path))
			continue;
		n++;
		for (size_t j = 0; j < s->links.n; j++)
			close(s->links.v[j]);
		for (size_t j = 0; j < s->fds.n; j++)
			close(s->fds.v[j]);
		vec_free(&s->links);
		vec_free(&s->fds);
	}
	return n;
}
