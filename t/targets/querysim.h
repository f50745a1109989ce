/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Interface between the two halves of querysim: querysim.c (query threads,
 * semaphore-guarded probes, main) and querysim-bg.c (flusher thread and
 * execution statistics, probes without semaphores).  The split exists
 * because <sys/sdt.h> decides per translation unit whether the notes it
 * emits name a semaphore.
 */
#ifndef PLUMB_QUERYSIM_H
#define PLUMB_QUERYSIM_H

#include <stdint.h>
#include <sys/types.h>

/*
 * execstats_addmemoryuse has one probe site in each execstats_* function.
 * The callers keep the ground truth: each function's only use of its
 * argument is the probe, which leaves gcc free to describe it as it is
 * (an immediate, a register, a stack slot) instead of loading it into a
 * register first.
 */
#define QS_AMU_SITES 3

/* Bytes every query reserves for its arena: the constant of site 0. */
#define QS_QUERY_ARENA 4096

/* site 0: the probe argument is the constant QS_QUERY_ARENA */
void execstats_begin_query(void);
/* site 1: the probe argument rows * row_bytes is computed in a register */
void execstats_add_rows(uint64_t rows, uint64_t row_bytes);
/* site 2: the probe argument is read where the caller put it, on the stack */
void execstats_add_spill(uint64_t thread, uint64_t query, uint64_t plan,
			 uint64_t text, uint64_t latency, uint64_t rows,
			 uint64_t bytes);

#define QS_SNAP_FILES 2
#define QS_SNAP_DBS 3

extern const char *const qs_snap_files[QS_SNAP_FILES];
extern const char *const qs_snap_dbs[QS_SNAP_DBS];

struct qs_flusher {
	long period_ms;
	long wakeups;
	/* written by the flusher thread, read after the join */
	pid_t tid;
	uint64_t woken;
	uint64_t snapshots[QS_SNAP_FILES][QS_SNAP_DBS];
};

void *qs_flusher_main(void *arg);

/* The whole program; libquerysim.so exports it for querysim-lib's main. */
int querysim_main(int argc, char **argv);

#endif /* PLUMB_QUERYSIM_H */
