/* SPDX-License-Identifier: GPL-2.0-only */
/* Output: maps, histograms, printf lines and notices, as text for people
 * or as JSON lines (bpftrace's schema) for pipelines. */
#ifndef PLUMB_OUT_H
#define PLUMB_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "sema/sema.h"

struct bin;
struct bin_symcache;

/* Frames in one value of the stack map: the runtime creates the map with
 * values this deep, and output reads each into a buffer this deep. */
#define OUT_STACK_DEPTH 127

/* A map's contents, per-CPU values already combined: n entries of
 * key_size key bytes and nvals 64-bit values each. */
struct out_mapdata {
	const struct map *m;
	size_t n;
	size_t nvals;
	uint8_t *keys;
	uint64_t *vals;
	uint64_t *sums;		/* bucketed aggregations: each entry's sum of values */
};

struct out {
	bool json;
	FILE *f;
	const struct sema *sema;
	struct bin_symcache *syms;
	int stack_fd;		/* the stack trace map, -1 if none */
	struct bin *site_bin;	/* the last probe binary opened to symbolise */
	/* print(@m, top, div) of the map being printed: only the top
	 * entries (0: all), numbers and bucket counts divided by div (0 or
	 * 1: as they are). */
	size_t top;
	uint64_t div;
};

/* Standard output as a line-buffered stream that remembers why a write
 * failed (out_flush reports it). */
FILE *out_stdout(void);
/* -o FILE: out_stdout()'s stream writes to FD, and errors name NAME. */
void out_set_output(int fd, const char *name);
/* Flush f. 0 when all is written; else the error, and any error but
 * EPIPE (the reader left, which is no fault) is reported, once:
 * "plumb: cannot write output: No space left on device". */
int out_flush(FILE *f);

void out_attached(struct out *o, int probes, int sites, bool quiet);
void out_printf_line(struct out *o, const char *text, size_t len);
/* strftime(3) into buf, with bpftrace's %f: usec, zero-padded to 6
 * digits. Returns the length written. */
/* buf()'s bytes (a u64 length, then cap bytes): mode 'r' (%r: printable
 * ASCII as itself, the rest \\xNN), 'x' (%rx: all \\xNN), 'h' (%rh: "0a fe"). */
size_t out_strftime(char *buf, size_t len, const char *fmt, const struct tm *tm, long usec);
void out_lost(struct out *o, uint64_t lost);
/* Updates a full map dropped. */
void out_map_full(struct out *o, const struct map *m, uint64_t drops);
/* The local time heading an interval's report: strftime's text_fmt, or
 * with -j a {"type":"time"} record of json_fmt (JSON-escaped already). */
void out_time_line(struct out *o, const char *text_fmt, const char *json_fmt);
/* The index of key's entry in d, whose entries are in key order (-1 if
 * none); a keyless map's one entry for key NULL. */
long out_mapdata_find(const struct out_mapdata *d, const uint8_t *key);
/* A read site's place ("file:line:col") and source text, appended. */
void out_read_site(struct loc loc, struct strbuf *where, struct strbuf *what);
/* n reads of memory failed at where ("file:line:col"), source what. */
void out_failed_reads(struct out *o, uint64_t n, const char *where, const char *what);
/* The loop at where (source what) stopped n times at its cap of max
 * trips, its condition still true. */
void out_loop_cap(struct out *o, uint64_t n, int max, const char *where, const char *what);
/* The index at where (source what) was outside its array of count
 * elements n times. */
void out_index_range(struct out *o, uint64_t n, uint64_t count, const char *where,
		     const char *what);
/* A run-time argument out of range, n times, at where (source what). */
struct arg_site;
void out_arg_site(struct out *o, uint64_t n, const struct arg_site *a, const char *where,
		  const char *what);
/* Sort entries (largest value last) and print the map; nothing when
 * the map is empty. */
void out_map(struct out *o, struct out_mapdata *d);
void out_mapdata_free(struct out_mapdata *d);
/* The entries' indices in printing order (largest value last); free it. */
size_t *out_map_order(const struct out_mapdata *d);

/* Formatting pieces shared by text and JSON (format.c). */
void out_key(struct out *o, struct strbuf *sb, const struct map *m, const uint8_t *key,
	     bool json);
void out_value_str(struct out *o, struct strbuf *sb, struct type t, const uint8_t *p);
/* A value as JSON: integers as numbers, bool as true or false, the rest
 * as the string the text output shows (value.c). */
void out_value_json(struct out *o, struct strbuf *sb, struct type t, const uint8_t *p);
/* A tuple as bpftrace prints one, "(1, abc)", a record
 * "{ .a = 1, .b = abc }" (value.c). */
void out_tuple_str(struct out *o, struct strbuf *sb, const struct ctype *ct, const uint8_t *p);
/* print(value): the value on a line of its own; with -j,
 * {"type":"value","data":V} as bpftrace writes it. */
void out_value_line(struct out *o, struct type t, const uint8_t *p);

/* The single number an entry shows (an aggregation's of shape AGG_NUMBER,
 * an integer value); false for stats, histograms and non-numbers. */
bool out_number(struct strbuf *sb, const struct map *m, const uint64_t *v, uint64_t div);
/* stats(): "count N, average A, total T", or its JSON object. */
void out_stats(struct strbuf *sb, const struct map *m, const uint64_t *v, bool json);

/* record.c: a value of a program type (a struct read from the traced
 * process), len bytes at p. */
void out_enum_str(struct strbuf *sb, const struct ctype *t, uint64_t v);
void out_record_str(struct strbuf *sb, const struct ctype *t, const uint8_t *p, size_t len);

#endif
