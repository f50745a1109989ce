// SPDX-License-Identifier: GPL-2.0-only
/* system() and cat(), carried out by plumb as it reads their records
 * (--unsafe only): the command runs under /bin/sh -c with plumb's
 * output as its standard output, and plumb waits for it, as bpftrace
 * does (the events behind it wait too). The command runs in a process
 * group of its own, killed whole once the shell exits (and the shell
 * when plumb dies), plumb reaping all of it, so that nothing it started
 * outlives it. Failures are counted
 * and reported at the end. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "options.h"
#include "runtime/rt.h"
#include "util/util.h"

/* bpftrace's max_cat_bytes, by default. */
#define CAT_MAX_BYTES 10240

static void run_child(struct rt *rt, const char *cmd, pid_t plumb)
{
	sigset_t none;

	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != plumb)
		_exit(127);
	if (fileno(rt->out.f) != STDOUT_FILENO)
		dup2(fileno(rt->out.f), STDOUT_FILENO);
	close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
	rt_signals_for_child();
	rt_fds_for_child();
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(127);
}

void rt_system(struct rt *rt, const char *cmd)
{
	pid_t plumb = getpid(), pid;
	int status = 0;

	/* what the command leaves behind is plumb's to reap, not init's
	 * (which, in a container, may never reap it) */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	fflush(rt->out.f);
	pid = fork();
	if (pid == 0)
		run_child(rt, cmd, plumb);
	if (pid < 0) {
		errmsg("system(\"%s\"): cannot start it: %s", cmd, strerror(errno));
		rt->system_failed++;
		return;
	}
	setpgid(pid, pid);	/* as the child does: whichever runs first */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	kill(-pid, SIGKILL);	/* what it left running in its group */
	while (waitpid(-pid, NULL, 0) > 0 || errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		rt->system_failed++;
}

void rt_cat(struct rt *rt, const char *path)
{
	char buf[4096];
	size_t total = 0, max = rt->opts->cat_bytes ? rt->opts->cat_bytes : CAT_MAX_BYTES;
	ssize_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0) {
		errmsg("cat(\"%s\"): %s", path, strerror(errno));
		rt->cat_failed++;
		return;
	}
	while (total < max &&
	       (n = read(fd, buf, max - total < sizeof(buf) ? max - total : sizeof(buf))) > 0) {
		fwrite(buf, 1, (size_t)n, rt->out.f);
		total += (size_t)n;
	}
	if (n < 0) {
		errmsg("cat(\"%s\"): %s", path, strerror(errno));
		rt->cat_failed++;
	}
	close(fd);
	fflush(rt->out.f);
	rt_check_stdout(rt);
}

void rt_actions_report(const struct rt *rt)
{
	if (rt->system_failed)
		warnmsg("%llu system() command%s failed (could not start, or did not exit 0)",
			(unsigned long long)rt->system_failed, rt->system_failed == 1 ? "" : "s");
	if (rt->cat_failed)
		warnmsg("%llu cat() read%s failed", (unsigned long long)rt->cat_failed,
			rt->cat_failed == 1 ? "" : "s");
}
