/* SPDX-License-Identifier: GPL-2.0-only */
/* plumb argdist: its specifiers, and the state its printers keep. */
#ifndef PLUMB_COMPAT_ARGDIST_H
#define PLUMB_COMPAT_ARGDIST_H

#include "compat/compat-int.h"
#include "output/out.h"

#define AD_MAX_EXPRS 8

/* -C 'p:c:write(int fd, void *buf, size_t len):size_t:len:fd==1#writes' */
struct adspec {
	char kind;		/* 'C' (count) or 'H' (histogram) */
	struct src src;		/* the specifier, as a diagnostics source */
	char ptype;		/* p r t u */
	struct span lib, func, sig, filter, label;
	bool has_filter, has_label, default_expr;
	struct csig params;
	int nexprs;
	struct span type[AD_MAX_EXPRS], expr[AD_MAX_EXPRS];
	bool is_str[AD_MAX_EXPRS];
	char *map;		/* "@" alone, "@s2" among several */
	char *self;		/* prefix of its self-> variables */
	size_t clause_start, clause_end;	/* in the program text */
	/* at run time */
	const struct map *m;
	struct out_mapdata prev;	/* what the last interval showed */
};

struct argdist {
	struct adspec *v;
	size_t n;
	uint64_t interval_ns;
	long count;		/* -n (and -d): intervals to print; 0 for no limit */
	long top;		/* -T */
	bool cumulative;	/* -c */
	long printed;
	bool done;		/* the last interval is out */
};

/* adprint.c: the printers of struct rt_printer. */
void ad_begin(struct rt *rt, void *ctx);
void ad_tick(struct rt *rt, void *ctx);
void ad_final(struct rt *rt, void *ctx);

#endif
