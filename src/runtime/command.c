// SPDX-License-Identifier: GPL-2.0-only
/* The -c command, and the guard between it and plumb: the command must
 * not outlive plumb, even a kill -9 of plumb. PR_SET_PDEATHSIG reaches
 * only the process that set it, and "sh -c 'a; b'" forks a and b, so a
 * small forked guard ("plumb-cmd") sets it for itself, becomes the
 * subreaper of the command's processes, runs the shell, and kills the
 * whole tree when plumb dies. It exits as soon as the shell does. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/rt.h"

#define PLUMB_GONE SIGUSR1	/* the guard's parent-death signal */

struct idlist {
	int *v;
	size_t n, cap;
};

/* A process and all its descendants, parents first. Children come from
 * procfs. */
static void collect_tree(pid_t pid, struct idlist *out, int depth)
{
	char path[64], buf[4096];
	DIR *tasks;
	struct dirent *t;

	vec_push(out, pid);
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	tasks = opendir(path);
	while (tasks && depth < 32 && (t = readdir(tasks))) {
		char file[sizeof(path) + 300];
		FILE *f;
		if (t->d_name[0] == '.')
			continue;
		snprintf(file, sizeof(file), "%s/%s/children", path, t->d_name);
		f = fopen(file, "r");
		if (!f)
			continue;
		size_t n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		for (char *save = NULL, *c = strtok_r(buf, " \n", &save); c;
		     c = strtok_r(NULL, " \n", &save))
			collect_tree((pid_t)atoi(c), out, depth + 1);
	}
	if (tasks)
		closedir(tasks);
}

/* Parents first, so that a shell cannot report "Terminated" about the
 * command it waits for. */
void rt_kill_tree(pid_t pid, int sig)
{
	struct idlist tree = {0};

	collect_tree(pid, &tree, 0);
	for (size_t i = 0; i < tree.n; i++)
		kill(tree.v[i], sig);
	vec_free(&tree);
}

static void run_shell(const char *cmd, const sigset_t *oldmask)
{
	rt_signals_for_child();
	rt_fds_for_child();
	sigprocmask(SIG_SETMASK, oldmask, NULL);
	signal(SIGPIPE, SIG_DFL);
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(127);
}

/* Everything below the guard, then the guard: plumb is gone. */
static void kill_all_below(void)
{
	struct idlist tree = {0};

	collect_tree(getpid(), &tree, 0);
	for (size_t i = 1; i < tree.n; i++)
		kill(tree.v[i], SIGKILL);
	vec_free(&tree);
	_exit(1);
}

/* Wait for the shell (reaping orphans of the command on the way) or for
 * plumb's death, whichever comes first. */
static void guard_wait(pid_t shell, int sfd)
{
	struct signalfd_siginfo si;
	int status;
	pid_t w;

	for (;;) {
		if (read(sfd, &si, sizeof(si)) != sizeof(si)) {
			if (errno == EINTR)
				continue;
			kill_all_below();
		}
		if (si.ssi_signo == PLUMB_GONE)
			kill_all_below();
		while ((w = waitpid(-1, &status, WNOHANG)) > 0)
			if (w == shell)
				_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	}
}

static void guard(pid_t plumb, const char *cmd, const sigset_t *oldmask)
{
	sigset_t set;
	int sfd;
	pid_t shell;

	/* plumb's descriptors (BPF links, perf events, the ring buffer)
	 * are not the guard's to hold */
	close_range(3, ~0U, 0);
	prctl(PR_SET_NAME, "plumb-cmd");
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, PLUMB_GONE);
	sigprocmask(SIG_BLOCK, &set, NULL);
	prctl(PR_SET_PDEATHSIG, PLUMB_GONE);
	if (getppid() != plumb)
		_exit(1);	/* plumb died before the prctl */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	shell = fork();
	if (shell == 0)
		run_shell(cmd, oldmask);
	if (shell < 0 || sfd < 0)
		_exit(127);
	guard_wait(shell, sfd);
}

/* The guard's pid (the command's tree hangs below it), or -1. */
pid_t rt_command_start(const char *cmd, const sigset_t *oldmask)
{
	pid_t plumb = getpid(), pid;

	fflush(NULL);
	pid = fork();
	if (pid == 0)
		guard(plumb, cmd, oldmask);
	return pid;
}
