// SPDX-License-Identifier: GPL-2.0-only
/* The life of a trace: load, attach, announce, run BEGIN, start the -c
 * command, wait for events or a reason to stop, then take everything
 * down, run END and print the results. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "binary/binary.h"
#include "options.h"
#include "runtime/rt.h"

struct idlist {
	int *v;
	size_t n, cap;
};

static void reap_child(struct rt *rt)
{
	int status;

	if (rt->child > 0 && waitpid(rt->child, &status, WNOHANG) == rt->child) {
		rt->child = 0;
		rt->stop = true;
	}
}

/* Drain pending signals; true when one of them asks to stop. */
static void handle_signals(struct rt *rt)
{
	struct signalfd_siginfo si;

	while (read(rt->sigfd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGCHLD:
			reap_child(rt);
			break;
		case SIGPIPE:
			rt->pipe_gone = true;
			rt->stop = true;
			break;
		default:
			rt->stop = true;
		}
	}
}

/* A signal through the signalfd, or the end of the -p process. */
static bool stop_requested(struct rt *rt)
{
	struct pollfd p = { .fd = rt->sigfd, .events = POLLIN };

	if (poll(&p, 1, 0) > 0)
		handle_signals(rt);
	if (rt_pid_exited())
		rt->stop = true;
	return rt->stop;
}

/* Distinct probes attached, as bpftrace counts them: a wildcard that
 * matched three functions is three probes, a probe with three sites one. */

static void count_probes(struct rt *rt, const struct cg_prog *p, struct idlist *seen)
{
	for (size_t i = 0; i < p->probe->sites.n; i++) {
		const struct probe_site *s = &p->probe->sites.v[i];
		bool dup = s->variant != p->variant;
		for (size_t j = 0; j < seen->n && !dup; j++)
			dup = seen->v[j] == s->probe_id;
		if (!dup) {
			vec_push(seen, s->probe_id);
			rt->probes++;
		}
	}
}

static bool attach_all(struct rt *rt)
{
	struct idlist seen = {0};
	bool ok = true;

	for (size_t i = 0; i < rt->nprogs && ok; i++) {
		struct cg_prog *p = rt->progs[i];
		int n = 0;

		if (stop_requested(rt))
			break;
		if (!p->head)
			continue;	/* reached by a tail call */
		if (!(p->probe->kind->flags & PK_ONCE) &&
		    !p->probe->kind->attach(p->probe, p->variant, p->fd, &n))
			ok = rt_pid_exited();	/* then the failure is the -p end */
		if (p->probe->kind->flags & PK_ONCE)
			n = 1;
		rt->sites += n;
		count_probes(rt, p, &seen);
	}
	vec_free(&seen);
	return ok;
}

static void detach_all(struct rt *rt)
{
	for (size_t i = 0; i < rt->sema->probes.n; i++)
		probe_detach(rt->sema->probes.v[i]);
}

/* The -c command's processes exist before the probes are attached, so
 * that cpid has its value in every program (set before any runs); the
 * command runs once BEGIN is done. */
static int start_child(struct rt *rt, const sigset_t *oldmask)
{
	pid_t cmd_pid;
	int release;
	pid_t pid = rt_command_start(rt->opts->cmd, oldmask, &cmd_pid, &release);

	if (pid < 0) {
		errmsg("cannot start the command: %s", strerror(errno));
		rt->stop = true;
		rt->exit_code = EXIT_RUNTIME;
		return -1;
	}
	rt->child = pid;
	bin_symcache_watch(rt->out.syms, pid, true);
	rt_set_cpid(rt, cmd_pid);
	return release;
}

static void stop_child(struct rt *rt)
{
	if (rt->child <= 0)
		return;
	rt_kill_tree(rt->child, SIGTERM);
	for (int i = 0; i < 100; i++) {
		if (waitpid(rt->child, NULL, WNOHANG) == rt->child) {
			rt->child = 0;
			return;
		}
		usleep(10000);
	}
	rt_kill_tree(rt->child, SIGKILL);
	waitpid(rt->child, NULL, 0);
	rt->child = 0;
}

static void add_fd(int ep, int fd, uint32_t events)
{
	struct epoll_event e = { .events = events, .data.fd = fd };

	if (fd >= 0)
		epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
}

static int start_timer(const struct options *o)
{
	struct itimerspec its = {0};
	int fd;

	if (!o->duration_ns)
		return -1;
	fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	its.it_value.tv_sec = (time_t)(o->duration_ns / 1000000000ULL);
	its.it_value.tv_nsec = (long)(o->duration_ns % 1000000000ULL);
	if (fd >= 0)
		timerfd_settime(fd, 0, &its, NULL);
	return fd;
}

/* -k: failed helpers reported as they happen, once a second at most. */
static void helper_errors(struct rt *rt)
{
	struct timespec ts;
	uint64_t now;

	if (!rt->opts->helper_errors)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	if (now - rt->helpers_checked_ns < 1000000000ull)
		return;
	rt->helpers_checked_ns = now;
	rt_report_helper_errors(rt);
}

/* How often the config map is polled for exit() and requests that found
 * the ring buffer full (a record wakes plumb at once when there is room). */
#define POLL_MS 100

/* Tests only: a reader that sleeps until a file exists (at most a
 * minute) before it first reads, so that the ring buffer fills
 * (PLUMB_TEST_READER_WAIT=FILE). */
static void reader_delay(void)
{
	const char *e = getenv("PLUMB_TEST_READER_WAIT");

	for (int i = 0; e && i < 6000 && access(e, F_OK); i++)
		usleep(10000);
}

/* How long the loop reads records before it looks at signals again. */
#define CONSUME_MS 50

/* The ring buffer's records for CONSUME_MS at most: a program fed by
 * plumb's own work (it traces plumb's writes, or the commands system()
 * runs) fills the buffer as fast as it is read, and a read to the end
 * would never end, deaf to Ctrl-C. What is left is read next time. */
static void consume_some(struct rt *rt)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	rt->rb_until_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec +
			  CONSUME_MS * 1000000ull;
	ring_buffer__consume(rt->rb);
	rt->rb_until_ns = 0;
}

static void loop(struct rt *rt)
{
	int rbfd = rt->rb ? ring_buffer__epoll_fd(rt->rb) : -1;
	int pidfd = rt_pid_fd();	/* -p: its end ends the trace */
	int watchfd = rt_watch_files(rt);
	struct epoll_event evs[8];

	bin_symcache_watch(rt->out.syms, rt->opts->pid, false);

	rt->epfd = epoll_create1(EPOLL_CLOEXEC);
	add_fd(rt->epfd, rt->sigfd, EPOLLIN);
	add_fd(rt->epfd, rbfd, EPOLLIN);
	add_fd(rt->epfd, rt->timerfd, EPOLLIN);
	add_fd(rt->epfd, pidfd, EPOLLIN);
	add_fd(rt->epfd, watchfd, EPOLLIN);
	add_fd(rt->epfd, rt->ifd, EPOLLIN);
	/* a pipe whose reader left reports EPOLLERR: "| head" ends the trace */
	add_fd(rt->epfd, STDOUT_FILENO, 0);
	reader_delay();
	while (!rt->stop) {
		/* exit() and late requests: the ring buffer may have had no room */
		rt_poll_requests(rt);
		if (rt->stop)
			break;
		/* POLL_MS is also how often watched processes' maps are read */
		int n = epoll_wait(rt->epfd, evs, 8, POLL_MS);
		for (int i = 0; i < n && !rt->stop; i++) {
			int fd = evs[i].data.fd;
			if (fd == rt->sigfd)
				handle_signals(rt);
			else if (fd == rbfd)
				consume_some(rt);
			else if (fd == watchfd)
				rt_watch_event(rt);
			else if (fd == rt->timerfd || fd == pidfd)
				rt->stop = true;
			else if (fd == rt->ifd)
				rt_interval(rt);
			else if (fd == STDOUT_FILENO)
				rt->pipe_gone = rt->stop = true;
		}
		/* the maps of -p's and -c's processes while they live */
		bin_symcache_refresh(rt->out.syms);
		if (rt->child > 0)
			reap_child(rt);
		helper_errors(rt);
	}
	close(rt->epfd);
}

static void finish(struct rt *rt)
{
	uint64_t lost;

	rt_serve_stop(rt);
	rt_stop_programs(rt);
	stop_child(rt);
	if (rt->pipe_gone || rt->out_failed)
		return;
	rt_run_once(rt, PK_END);
	if (rt->rb)
		ring_buffer__consume(rt->rb);
	rt_poll_requests(rt);
	if (rt->pipe_gone || rt->out_failed)
		return;
	if (rt->opts->printer && rt->opts->printer->final) {
		rt->opts->printer->final(rt, rt->opts->printer->ctx);
		rt_warn_drops(rt);
	} else {
		rt_report_final(rt);
	}
	lost = rt_stat(rt, STAT_LOST);
	if (lost)
		out_lost(&rt->out, lost);
	rt_print_failed_reads(rt);
	rt_print_index_ranges(rt);
	rt_actions_report(rt);
	rt_print_loop_caps(rt);
	rt_print_arg_sites(rt);
	rt_check_stdout(rt);
}

/* Closing probes makes the kernel wait for RCU grace periods (tens of
 * milliseconds per link). The results are out and the programs do
 * nothing any more, so a child takes over the descriptors: it holds them
 * until plumb has exited (a pipe tells it), then exits itself, and the
 * waiting is its, not the user's. Everything is gone moments later.
 * PLUMB_SYNC_DETACH=1 waits in plumb instead.
 *
 * Up to one thread per descriptor: a link's close waits for grace
 * periods, and waits that overlap end together. With 32 threads, 5000
 * links took 18 s (distinct functions) to 21 s (one function) to go;
 * with up to 1024, 1 to 2 s (256: 2.5 s). */
#define CLOSERS 1024
#define CLOSER_STACK (64u << 10)

struct closer {
	int *fds;
	size_t n;
};

static void *close_some(void *arg)
{
	struct closer *c = arg;

	for (size_t i = 0; i < c->n; i++)
		close(c->fds[i]);
	return NULL;
}

static long read_long(const char *path, long def)
{
	FILE *f = fopen(path, "re");
	long v = def;

	if (f && fscanf(f, "%ld", &v) != 1)
		v = def;	/* "max" */
	if (f)
		fclose(f);
	return v;
}

/* Threads the helper may start: CLOSERS, or half of what the pids
 * controller of its cgroup still allows, so that the traced services
 * can still fork while it works. */
static size_t thread_room(void)
{
	char line[PATH_MAX], path[PATH_MAX + 64];
	FILE *f = fopen("/proc/self/cgroup", "re");
	long room = CLOSERS;

	/* "0::/PATH" (cgroup v2) or "N:pids:/PATH" (v1) */
	while (f && fgets(line, sizeof(line), f)) {
		const char *dir = !strncmp(line, "0::", 3) ? "" : "/pids";
		char *cg = strstr(line, !*dir ? "::" : ":pids:");
		if (!cg || (*dir && strncmp(strchr(line, ':'), ":pids:", 6)))
			continue;
		cg += *dir ? 6 : 2;
		cg[strcspn(cg, "\n")] = '\0';
		snprintf(path, sizeof(path), "/sys/fs/cgroup%s%s/pids.max", dir, cg);
		long max = read_long(path, -1);
		snprintf(path, sizeof(path), "/sys/fs/cgroup%s%s/pids.current", dir, cg);
		long cur = read_long(path, 0);
		if (max >= 0 && (max - cur) / 2 < room)
			room = (max - cur) / 2;
	}
	if (f)
		fclose(f);
	return room < 1 ? 1 : room > CLOSERS ? CLOSERS : (size_t)room;
}

/* Every descriptor above stdio: what cannot start a thread is closed at
 * exit. */
static void close_all_parallel(void)
{
	struct idlist fds = {0};
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int dfd = d ? dirfd(d) : -1;
	pthread_attr_t attr;

	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.' && atoi(e->d_name) > 2 && atoi(e->d_name) != dfd)
			vec_push(&fds, atoi(e->d_name));
	if (d)
		closedir(d);
	size_t room = thread_room();
	size_t nth = fds.n < room ? fds.n : room;
	struct closer *c = xcalloc(nth ? nth : 1, sizeof(*c));
	pthread_t *th = xcalloc(nth ? nth : 1, sizeof(*th));
	bool *started = xcalloc(nth ? nth : 1, sizeof(*started));

	/* contiguous slices: thread k closes fds[at .. at + n) */
	for (size_t i = 0; i < fds.n; i++)
		c[i % nth].n++;
	for (size_t k = 0, at = 0; k < nth; at += c[k].n, k++)
		c[k].fds = fds.v + at;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, CLOSER_STACK);
	for (size_t k = 0; k < nth; k++)
		started[k] = !pthread_create(&th[k], &attr, close_some, &c[k]);
	for (size_t k = 0; k < nth; k++)
		if (started[k])
			pthread_join(th[k], NULL);
	pthread_attr_destroy(&attr);
	free(c);
	free(th);
	free(started);
	vec_free(&fds);
}

/* The helper's pipe is made before the first program is loaded: a
 * teardown after running out of descriptors (EMFILE) would find none
 * for it, and close thousands of links itself, one grace period after
 * the other (600 links: 18 s). */
static int detach_pipe[2] = { -1, -1 };

static void reserve_detach(void)
{
	if (!getenv("PLUMB_SYNC_DETACH") && pipe2(detach_pipe, O_CLOEXEC))
		detach_pipe[0] = detach_pipe[1] = -1;
}

static void detach_in_background(void)
{
	int *p = detach_pipe;
	pid_t pid;
	char c;

	if (p[0] < 0)
		return;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		p[0] = p[1] = -1;
		return;
	}
	if (pid > 0) {
		close(p[0]);	/* p[1] closes when plumb exits */
		p[0] = -1;
		return;
	}
	setsid();
	for (int fd = 0; fd < 3; fd++)
		close(fd);	/* keep no terminal and no reader's pipe */
	close(p[1]);
	prctl(PR_SET_NAME, "plumb-detach");
	while (read(p[0], &c, 1) < 0 && errno == EINTR)
		;
	close(p[0]);	/* a descriptor free for listing the others */
	close_all_parallel();
	_exit(0);
}

static void teardown(struct rt *rt)
{
	rt_serve_stop(rt);
	rt_report_free(rt);
	free(rt->reads_seen);
	free(rt->cleared);
	stop_child(rt);
	if (rt->rb)
		ring_buffer__free(rt->rb);
	rt->rb = NULL;
	detach_in_background();
	detach_all(rt);
	for (size_t i = 0; i < rt->nprogs; i++) {
		if (rt->progs[i]->fd >= 0)
			close(rt->progs[i]->fd);
		rt->progs[i]->fd = -1;
	}
	rt_maps_close(rt);
	rt_requests_free(rt);
	if (rt->timerfd >= 0)
		close(rt->timerfd);
	if (rt->sigfd >= 0)
		close(rt->sigfd);
	rt_watch_close();
	bin_symcache_free(rt->out.syms);
	bin_close(rt->out.site_bin);
	bin_ksym_free();
}

static bool setup(struct rt *rt)
{
	int n = libbpf_num_possible_cpus();

	rt->ncpus = n > 0 ? n : 1;
	if (!rt_maps_create(rt) || !rt_load(rt))
		return false;
	rt->out.stack_fd = rt->ifds[-CG_MAP_STACKS - 1];
	if (rt->sema->needs_ringbuf) {
		rt->rb = ring_buffer__new(rt->ifds[-CG_MAP_RINGBUF - 1], rt_event, rt, NULL);
		if (!rt->rb) {
			errmsg("cannot open the event ring buffer: %s", strerror(errno));
			return false;
		}
	}
	return true;
}

int rt_run(struct sema *s, struct cg_prog **progs, size_t n, const struct options *opts)
{
	struct rt rt = { .sema = s, .opts = opts, .progs = progs, .nprogs = n, .timerfd = -1,
			 .ifd = -1 };
	sigset_t oldmask;

	rt.sigfd = rt_signals_block(&oldmask);
	if (rt_pid_exited()) {
		/* -p ended during start-up: nothing is loaded, nothing to say */
		close(rt.sigfd);
		return EXIT_OK;
	}
	reserve_detach();
	rt.out = (struct out){ .json = opts->json, .f = out_stdout(), .sema = s,
			       .syms = bin_symcache_new(), .stack_fd = -1 };
	int release = -1;
	if (!setup(&rt) || !rt_report_start(&rt) || !rt_serve_start(&rt) ||
	    (opts->cmd && (release = start_child(&rt, &oldmask)) < 0) || !attach_all(&rt)) {
		if (release >= 0)
			close(release);
		teardown(&rt);
		if (rt.out.f != stdout)
			fclose(rt.out.f);
		return EXIT_RUNTIME;
	}
	if (!rt.stop) {
		out_attached(&rt.out, rt.probes, rt.sites, opts->quiet);
		rt_check_stdout(&rt);
		if (opts->printer && opts->printer->begin)
			opts->printer->begin(&rt, opts->printer->ctx);
		rt_run_once(&rt, PK_BEGIN);
		if (rt.rb)
			consume_some(&rt);
		if (!rt.stop) {
			rt_command_release(release);
			release = -1;
		}
		rt.timerfd = start_timer(opts);
		loop(&rt);
	}
	if (release >= 0)
		close(release);	/* never run: the shell exits at once */
	finish(&rt);
	teardown(&rt);
	if (rt.out.f != stdout)
		fclose(rt.out.f);
	if (rt.out_failed)
		return EXIT_RUNTIME;
	return rt.pipe_gone ? 0 : rt.exit_code;
}
