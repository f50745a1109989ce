// SPDX-License-Identifier: GPL-2.0-only
/* The -c command, and the guard between it and plumb: the command must
 * not outlive plumb, even a kill -9 of plumb. PR_SET_PDEATHSIG reaches
 * only the process that set it, and "sh -c 'a; b'" forks a and b, so a
 * small forked guard ("plumb-cmd") sets it for itself, becomes the
 * subreaper of the command's processes, runs the shell, and kills the
 * whole tree when plumb dies. It exits as soon as the shell does. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/rt.h"
#include "util/util.h"

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

/* Whether the shell may run cmd as itself ("exec CMD"): one program and
 * its arguments, no shell syntax, not one of dash's builtins. Then the
 * command's pid is the shell's, which is cpid, as when bpftrace runs a
 * command without a shell. */
static bool runs_as_shell(const char *cmd)
{
	static const char *const builtins[] = {
		".", ":", "[", "alias", "bg", "break", "cd", "chdir", "command", "continue", "echo",
		"eval", "exec", "exit", "export", "false", "fc", "fg", "getopts", "hash", "jobs",
		"kill", "local", "printf", "pwd", "read", "readonly", "return", "set", "shift",
		"test", "times", "trap", "true", "type", "ulimit", "umask", "unalias", "unset",
		"wait",
	};
	size_t skip = strspn(cmd, " \t"), len = strcspn(cmd + skip, " \t");

	if (cmd[strcspn(cmd, "|&;<>()$`\\\"'*?[]#~%{}!\n")] || !len ||
	    memchr(cmd + skip, '=', len))	/* VAR=value cmd */
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(builtins); i++)
		if (strlen(builtins[i]) == len && !strncmp(cmd + skip, builtins[i], len))
			return false;
	return true;
}

/* The shell, once plumb lets it go (a byte on hold), or never (end of
 * file: plumb stopped during BEGIN). */
static void run_shell(const char *cmd, const sigset_t *oldmask, int hold)
{
	char go;
	char *line = runs_as_shell(cmd) ? xasprintf("exec %s", cmd) : xstrdup(cmd);

	if (read(hold, &go, 1) != 1)
		_exit(127);
	close(hold);
	rt_signals_for_child();
	rt_fds_for_child();
	sigprocmask(SIG_SETMASK, oldmask, NULL);
	signal(SIGPIPE, SIG_DFL);
	execl("/bin/sh", "sh", "-c", line, (char *)NULL);
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

/* Every descriptor but the two the guard keeps. */
static void close_all_but(int a, int b)
{
	int lo = a < b ? a : b, hi = a < b ? b : a;

	if (lo > 3)
		close_range(3, (unsigned)lo - 1, 0);
	if (hi > lo + 1)
		close_range((unsigned)lo + 1, (unsigned)hi - 1, 0);
	close_range((unsigned)hi + 1, ~0U, 0);
}

static void guard(pid_t plumb, const char *cmd, const sigset_t *oldmask, int hold, int tell)
{
	sigset_t set;
	int sfd;
	pid_t shell;

	/* plumb's descriptors (BPF links, perf events, the ring buffer)
	 * are not the guard's to hold */
	close_all_but(hold, tell);
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
	if (shell == 0) {
		close(tell);
		run_shell(cmd, oldmask, hold);
	}
	close(hold);
	if (write(tell, &shell, sizeof(shell)) != sizeof(shell) || shell < 0 || sfd < 0)
		_exit(127);
	close(tell);
	guard_wait(shell, sfd);
}

/* The guard's pid (the command's tree hangs below it), or -1. The
 * command waits for rt_command_release(); *cmd_pid is its pid (0 when
 * unknown), *release the descriptor that lets it go. */
pid_t rt_command_start(const char *cmd, const sigset_t *oldmask, pid_t *cmd_pid, int *release)
{
	pid_t plumb = getpid(), pid, shell = 0;
	int hold[2], tell[2];

	*cmd_pid = 0;
	*release = -1;
	if (pipe2(hold, O_CLOEXEC))
		return -1;
	if (pipe2(tell, O_CLOEXEC)) {
		close(hold[0]);
		close(hold[1]);
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(hold[1]);
		close(tell[0]);
		guard(plumb, cmd, oldmask, hold[0], tell[1]);
	}
	close(hold[0]);
	close(tell[1]);
	if (pid > 0 && read(tell[0], &shell, sizeof(shell)) == sizeof(shell) && shell > 0)
		*cmd_pid = shell;
	close(tell[0]);
	if (pid < 0)
		close(hold[1]);
	else
		*release = hold[1];
	return pid;
}

/* The command runs from now on. */
void rt_command_release(int release)
{
	if (release < 0)
		return;
	if (write(release, "", 1) != 1) {
		/* the shell is gone already: the guard reports its status */
	}
	close(release);
}
