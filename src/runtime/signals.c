// SPDX-License-Identifier: GPL-2.0-only
/* What may stop plumb before its event loop runs: a signal from the
 * first instruction of main on, and the end of the -p process from
 * before anything is attached. From the loading of the first program on,
 * the same signals arrive through the runtime's signalfd (run.c). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/rt.h"

static const int stop_sigs[] = { SIGINT, SIGTERM, SIGHUP };

static struct sigaction inherited[ARRAY_SIZE(stop_sigs)];
static int pidfd = -1, sigfd = -1;
static sigset_t stop_set;		/* the stop signals rt_signals_block blocks */
static volatile sig_atomic_t caught;	/* one came while they were open */
static struct sigaction held[ARRAY_SIZE(stop_sigs)];

/* Until the runtime blocks these signals, plumb holds nothing that needs
 * taking down (no program loaded, no command started, a listing or a
 * dry run half printed at most): a stop signal ends it at once, with the
 * status of a stop. Symbol loading of a large binary takes seconds. */
static void stop_now(int sig)
{
	(void)sig;
	_exit(EXIT_OK);
}

/* A background job of a non-interactive shell starts with SIGINT (and
 * SIGQUIT) ignored, and an ignored signal is discarded when sent: a
 * Ctrl-C or `kill -INT` during start-up would be lost, and plumb would
 * trace on until SIGTERM. So SIGINT and SIGTERM are caught whatever they
 * were. SIGHUP stays ignored when it was (nohup means "survive the
 * hangup"). */
void rt_signals_early(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = stop_now;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_SIZE(stop_sigs); i++) {
		sigaction(stop_sigs[i], NULL, &inherited[i]);
		if (stop_sigs[i] == SIGHUP && inherited[i].sa_handler == SIG_IGN)
			continue;
		sigaction(stop_sigs[i], &sa, NULL);
	}
}

bool rt_hup_ignored(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(stop_sigs); i++)
		if (stop_sigs[i] == SIGHUP)
			return inherited[i].sa_handler == SIG_IGN;
	return false;
}

/* The -c command gets the dispositions plumb was given (an ignored
 * SIGINT stays ignored for a background job's command). */
void rt_signals_for_child(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(stop_sigs); i++)
		sigaction(stop_sigs[i], &inherited[i], NULL);
}

/* From the first program loaded on, the stop signals (and SIGCHLD, for
 * -c) arrive through a signalfd, read by the event loop. */
int rt_signals_block(sigset_t *old)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGCHLD };
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		if (sigs[i] != SIGHUP || !rt_hup_ignored())
			sigaddset(&set, sigs[i]);
	sigprocmask(SIG_BLOCK, &set, old);
	sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	sigemptyset(&stop_set);
	for (size_t i = 0; i < ARRAY_SIZE(stop_sigs); i++)
		if (sigismember(&set, stop_sigs[i]))
			sigaddset(&stop_set, stop_sigs[i]);
	return sigfd;
}

static void note(int sig)
{
	caught = sig;
}

/* The verifier looks for a pending signal as it goes and gives up with
 * EAGAIN; a blocked one it does not see, and a program it takes long
 * over (up to its limit of a million instructions, tens of seconds)
 * made plumb deaf to Ctrl-C for that long. So a load runs with the stop
 * signals let in, caught by a handler that only notes them (no
 * SA_RESTART: the load ends). */
void rt_signals_open(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = note;
	sigemptyset(&sa.sa_mask);
	caught = 0;
	for (size_t i = 0; i < ARRAY_SIZE(stop_sigs); i++)
		if (sigismember(&stop_set, stop_sigs[i]))
			sigaction(stop_sigs[i], &sa, &held[i]);
	sigprocmask(SIG_UNBLOCK, &stop_set, NULL);
}

/* Blocked again; one noted is raised again, to wait in the signalfd
 * and stop plumb as any other does. */
bool rt_signals_close(void)
{
	sigprocmask(SIG_BLOCK, &stop_set, NULL);
	for (size_t i = 0; i < ARRAY_SIZE(stop_sigs); i++)
		if (sigismember(&stop_set, stop_sigs[i]))
			sigaction(stop_sigs[i], &held[i], NULL);
	if (!caught)
		return false;
	raise(caught);
	return true;
}

/* Long loops (loading and attaching thousands of probes) ask this: a
 * signal waits (it is read later, where it is handled) or the -p process
 * has ended. */
bool rt_should_stop(void)
{
	struct pollfd p = { .fd = sigfd, .events = POLLIN };

	return (sigfd >= 0 && poll(&p, 1, 0) > 0) || rt_pid_exited();
}

bool rt_pid_exited(void)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	return pidfd >= 0 && poll(&p, 1, 0) > 0;
}

/* -p: a pidfd from the start, so that the process's end is seen at any
 * moment, during symbol loading and attaching too. */
bool rt_watch_pid(pid_t pid)
{
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd >= 0)
		return true;
	if (errno == ESRCH)
		errmsg("no process with pid %d", (int)pid);
	else
		errmsg("cannot watch process %d: %s", (int)pid, strerror(errno));
	return false;
}

int rt_pid_fd(void)
{
	return pidfd;
}
