/* SPDX-License-Identifier: GPL-2.0-only */
/* The runtime: maps and programs into the kernel, probes attached, the
 * event loop, the results at stop, and everything taken down again on
 * every way out. */
#ifndef PLUMB_RT_H
#define PLUMB_RT_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "codegen/cg.h"
#include "output/out.h"
#include "sema/sema.h"

struct ring_buffer;
struct btf;
struct rt_serve;
struct prom;

struct rt {
	struct sema *sema;
	const struct options *opts;
	struct cg_prog **progs;
	size_t nprogs;
	int *map_fds;
	int ifds[CG_NMAPS_INTERNAL];	/* internal maps, index -id - 1 */
	int *chain_fds;			/* program arrays, by CG_CHAIN_INDEX */
	size_t nchains;
	int ncpus;
	struct ring_buffer *rb;
	struct out out;
	int sigfd, timerfd, epfd;
	pid_t child;
	bool stop;		/* leave the event loop */
	uint64_t rb_records;	/* records read, for past_deadline's pace */
	uint64_t rb_until_ns;	/* the loop's reads of the ring buffer yield at
				   this CLOCK_MONOTONIC time (0: read it all) */
	bool exited;		/* ... because a program called exit() */
	bool pipe_gone;		/* stdout's reader left: finish quietly */
	bool out_failed;	/* stdout cannot be written: said, exit 1 */
	int exit_code;
	int probes, sites;	/* attached */
	uint64_t lost_reported;
	struct rt_serve *serve;		/* --listen */
	struct prom *prom;		/* --listen, --textfile */
	int ifd;			/* -i, --textfile: interval timer */
	struct out_mapdata *snaps;	/* --interval-clear: counts at the last interval */
	uint64_t *reads_seen;		/* -k: failed reads reported, per read site */
	uint64_t system_failed, cat_failed;	/* system() and cat() that failed */
	uint64_t helpers_checked_ns;	/* -k: when they were last looked at */
	uint64_t *config;	/* the config map's value, as last polled */
	uint64_t *requests;	/* per event id: late print()/clear() requests done */
	bool *cleared;		/* per map id: clear() was called on it */
};

/* Output done the way of another tool (plumb argdist and trace, in
 * src/compat): begin once the probes are attached; tick at each -i
 * interval instead of printing the maps; final at stop instead of
 * printing the maps; line for each printf line instead of writing it.
 * Any may be NULL. A hook ends the trace by setting rt->stop. */
struct rt_printer {
	void *ctx;
	void (*begin)(struct rt *rt, void *ctx);
	void (*tick)(struct rt *rt, void *ctx);
	void (*final)(struct rt *rt, void *ctx);
	void (*line)(struct rt *rt, void *ctx, const char *text, size_t len);
};

/* Load, attach, run until stopped, print, tear down. Returns the exit
 * status. */
int rt_run(struct sema *s, struct cg_prog **progs, size_t n, const struct options *opts);

/* maps.c */
bool rt_maps_create(struct rt *rt);
void rt_maps_close(struct rt *rt);
void rt_stop_programs(struct rt *rt);
void rt_set_cpid(struct rt *rt, pid_t pid);
size_t rt_config_size(const struct rt *rt);
bool rt_chains_create(struct rt *rt);
bool rt_chains_fill(struct rt *rt);
bool rt_config_read(struct rt *rt, uint64_t *buf);
int rt_map_fd(struct rt *rt, int id);
bool rt_map_read(struct rt *rt, const struct map *m, struct out_mapdata *d);
void rt_map_clear(struct rt *rt, const struct map *m);
void rt_map_zero(struct rt *rt, const struct map *m);
void rt_map_cleared(struct rt *rt, const struct map *m);
void rt_print_map_top(struct rt *rt, const struct map *m, uint32_t top, uint64_t div);
uint64_t rt_stat(struct rt *rt, int slot);
void rt_print_maps(struct rt *rt);
/* Say which maps dropped updates for want of room (and flush). */
void rt_warn_drops(struct rt *rt);
void rt_print_map(struct rt *rt, const struct map *m);
void rt_print_failed_reads(struct rt *rt);
void rt_print_loop_caps(struct rt *rt);
void rt_print_index_ranges(struct rt *rt);
void rt_print_arg_sites(struct rt *rt);
void rt_report_helper_errors(struct rt *rt);

/* signals.c: what stops plumb before the event loop runs */
void rt_signals_early(void);	/* first thing in main */
bool rt_hup_ignored(void);	/* SIGHUP came ignored (nohup) */
void rt_signals_for_child(void);	/* the -c command's dispositions */
bool rt_watch_pid(pid_t pid);	/* -p: a pidfd, or false after saying why */
int rt_pid_fd(void);		/* that pidfd, or -1 */
bool rt_pid_exited(void);	/* the -p process has ended */
int rt_signals_block(sigset_t *old);	/* the signalfd of the stop signals */
bool rt_should_stop(void);	/* a stop signal waits, or -p has ended */
/* Let the stop signals interrupt what the kernel does now (a program's
 * verification), and take them back; true when one came meanwhile (it
 * waits again in the signalfd). */
void rt_signals_open(void);
bool rt_signals_close(void);

/* watch.c: probed binaries replaced while traced */
int rt_watch_files(struct rt *rt);	/* inotify on them; its fd, or -1 */
void rt_watch_event(struct rt *rt);	/* report, and detach an overwritten file */
void rt_watch_close(void);

/* actions.c: system() and cat() (--unsafe) */
void rt_system(struct rt *rt, const char *cmd);
void rt_cat(struct rt *rt, const char *path);
void rt_actions_report(const struct rt *rt);

/* fds.c */
void rt_fds_raise(void);	/* the soft RLIMIT_NOFILE to the hard one */
void rt_fds_for_child(void);	/* the -c command gets the limit plumb was given */
void rt_fds_report(const char *what);	/* EMFILE: "too many open files", figures */

/* command.c: the -c command, below a guard that outlives no plumb */
pid_t rt_command_start(const char *cmd, const sigset_t *oldmask, pid_t *cmd_pid, int *release);
void rt_command_release(int release);	/* the command runs from now on */
void rt_kill_tree(pid_t pid, int sig);	/* a process and its descendants */

/* load.c */
bool rt_load(struct rt *rt);
void rt_run_once(struct rt *rt, unsigned int flag);

/* serve.c: --listen */
bool rt_listen_spec_ok(const char *spec);
bool rt_serve_start(struct rt *rt);
void rt_serve_stop(struct rt *rt);

/* report.c: -i, --textfile, the report at stop */
bool rt_exporting(const struct rt *rt);
bool rt_report_start(struct rt *rt);
void rt_interval(struct rt *rt);
void rt_report_final(struct rt *rt);
void rt_report_free(struct rt *rt);

/* events.c */
int rt_event(void *ctx, void *data, size_t size);
/* What the programs asked for through the config map: exit() stops the
 * trace with its status; print() and clear() requests that found the
 * ring buffer full are carried out now (and said so on stderr). */
void rt_poll_requests(struct rt *rt);
void rt_requests_free(struct rt *rt);
void rt_check_stdout(struct rt *rt);

#endif
