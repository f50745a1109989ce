/* SPDX-License-Identifier: GPL-2.0-only */
/* What the command line asked for; read by every stage. */
#ifndef PLUMB_OPTIONS_H
#define PLUMB_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct rt_printer;

struct options {
	pid_t pid;		/* -p: 0 for every process */
	const char *cmd;	/* -c */
	uint64_t duration_ns;	/* -t: 0 for none */
	unsigned int strsize;	/* -s: default string size */
	bool strsize_set, map_entries_set;	/* by -s or the environment: a config block
						   does not change them */
	bool quiet, verbose, dump, json, dry_run, list;
	bool unsafe;		/* --unsafe: uprobes outside any known function */
	bool helper_errors;	/* -k: report failed helpers as they happen */
	int nparams;		/* positional parameters $1..$N */
	char **params;
	uint32_t map_entries;	/* keyed map size */
	const struct rt_printer *printer;	/* plumb argdist/trace print their way */
	const char *listen;	/* --listen [HOST]:PORT */
	const char *textfile;	/* --textfile PATH */
	const char *metric_prefix;	/* --metric-prefix */
	unsigned int max_series;	/* --max-series, per map */
	uint64_t interval_ns;	/* -i: 0 for none */
	bool interval_clear;	/* --interval-clear */
	/* bpftrace's config settings (config = { ... }, PLUMB_NAME, BPFTRACE_NAME) */
	unsigned int cat_bytes;	/* max_cat_bytes: 0 for 10240 */
	unsigned int rb_pages;	/* perf_rb_pages: 0 for 1024 (4 MiB) */
	bool no_exit_maps;	/* print_maps_on_exit = false */
	bool refuse_map_decl, refuse_macro;	/* unstable_map_decl, unstable_macro = error */
};

#endif
