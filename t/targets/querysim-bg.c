// SPDX-License-Identifier: GPL-2.0-only
/*
 * querysim's probes without semaphores: the background flusher
 * (backgroundflusher, beginsnapshot) and the execution statistics
 * (execstats_addmemoryuse).  _SDT_HAS_SEMAPHORES must stay undefined in
 * this file so that their notes carry a zero semaphore address.
 */
#ifndef _GNU_SOURCE	/* config.h, forced in by the build, has it */
#define _GNU_SOURCE
#endif
#include <sys/sdt.h>
#include <unistd.h>

#include "querysim.h"
#include "target.h"

/*
 * Inlined into each execstats_* function below, so the probe has one site
 * per function, and gcc describes the argument differently at each: an
 * immediate, a register, a stack slot (README.md shows readelf -n).
 * noipa keeps each caller a real call with the standard calling convention,
 * which the stack slot of execstats_add_spill() depends on.
 */
static inline __attribute__((always_inline)) void
execstats_add_memory_use(uint64_t bytes)
{
	STAP_PROBE1(memsqld, execstats_addmemoryuse, bytes);
}

__attribute__((noinline, noipa)) void execstats_begin_query(void)
{
	execstats_add_memory_use(QS_QUERY_ARENA);
}

__attribute__((noinline, noipa)) void execstats_add_rows(uint64_t rows,
							 uint64_t row_bytes)
{
	execstats_add_memory_use(rows * row_bytes);
}

/*
 * bytes is the seventh argument, so the caller passes it on the stack and
 * the probe reads it from there (8@8(%rsp)); the six arguments before it
 * only use up the argument registers.
 */
__attribute__((noinline, noipa)) void
execstats_add_spill(uint64_t thread, uint64_t query, uint64_t plan,
		    uint64_t text, uint64_t latency, uint64_t rows,
		    uint64_t bytes)
{
	(void)thread;
	(void)query;
	(void)plan;
	(void)text;
	(void)latency;
	(void)rows;
	execstats_add_memory_use(bytes);
}

const char *const qs_snap_files[QS_SNAP_FILES] = {
	"/var/lib/memsql/data/snapshots/snapshot_0",
	"/var/lib/memsql/data/snapshots/snapshot_1",
};

const char *const qs_snap_dbs[QS_SNAP_DBS] = {
	"memsql_demo",
	"information_schema",
	"metrics",
};

/* Snapshot s (0, 1, 2, ...) pairs file s % 2 with database s % 3. */
static void begin_snapshot(struct qs_flusher *fl, long s)
{
	const char *file = qs_snap_files[s % QS_SNAP_FILES];
	const char *db = qs_snap_dbs[s % QS_SNAP_DBS];

	STAP_PROBE2(memsqld, beginsnapshot, file, db);
	fl->snapshots[s % QS_SNAP_FILES][s % QS_SNAP_DBS]++;
}

/* Sleep, wake, flush; every third wakeup also starts a snapshot. */
void *qs_flusher_main(void *arg)
{
	struct qs_flusher *fl = arg;

	fl->tid = gettid();
	for (long w = 0; w < fl->wakeups; w++) {
		tgt_sleep_us(fl->period_ms * 1000);
		STAP_PROBE(memsqld, backgroundflusher);
		fl->woken++;
		if (w % 3 == 2)
			begin_snapshot(fl, w / 3);
	}
	return NULL;
}
