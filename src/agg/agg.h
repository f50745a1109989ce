/* SPDX-License-Identifier: GPL-2.0-only */
/* Aggregations: @x = count(), sum(v), avg(v), hist(v), ... Each family is
 * one file (count, sum/avg/stats, min/max, the histograms) that fills a
 * struct agg_ops, found through one registry (agg/registry.c), as probe
 * kinds are; sema, codegen, the runtime and output reach an aggregation
 * only through its ops. */
#ifndef PLUMB_AGG_H
#define PLUMB_AGG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cg;
struct map;
struct node;
struct scope;

/* How a value prints: one number; count, average and total; buckets. */
enum agg_shape { AGG_NUMBER, AGG_STATS, AGG_BUCKETS };

/* The per-CPU value layout is defined once, by nvals() and
 * agg_layout(): in a keyed map (a per-CPU hash) a value is nvals 64-bit
 * words ({count} for count(), {count, sum} or {count, biased extreme} for
 * the others, one count per bucket for histograms), a histogram's sum
 * of values after them; a keyless one is a per-CPU array with one element
 * per bucket, each {count, sum of its values}, or one element holding the
 * value. */
struct agg_ops {
	const char *name;	/* the function: "count", "hist", ... */
	int nargs;		/* arguments it takes */
	enum agg_shape shape;
	const char *json_type;	/* type of its -j record: "map", "stats", "hist" */
	const char *prom_type;	/* "counter", "gauge", "summary", "histogram" */
	bool signed_value;	/* its value has the sign of the operand */
	/* Every word only ever grows by adding: the difference of two
	 * readings is exactly what happened in between (-i). */
	bool additive;
	/* Sema: arguments after the first (bucket bounds) into p; false
	 * after reporting an error. NULL when it has none. */
	bool (*params)(struct scope *sc, struct node *call, int64_t p[3]);
	/* Buckets of a value (0 when it is not bucketed). */
	int (*nbuckets)(const struct map *m);
	/* 64-bit words of one value (per CPU, and once combined). */
	size_t (*nvals)(const struct map *m);
	/* Fold one CPU's copy v into out (n words). */
	void (*combine)(uint64_t *out, const uint64_t *v, size_t n);
	/* Codegen: the bucket of the operand in R1 into R2 (bucketed only). */
	void (*emit_bucket)(struct cg *cg, const struct map *m, bool sign);
	/* Codegen: update the value (or bucket) at R0 with the operand in R1. */
	void (*emit_update)(struct cg *cg, const struct map *m);
	/* Codegen: the number read in a probe (@c = count(); if (@c > 10)),
	 * into reg, from the value's first two words summed over every CPU,
	 * at [r10 + w0] and [r10 + w1]. NULL: it cannot be read there. */
	void (*emit_read)(struct cg *cg, const struct map *m, int w0, int w1, int reg);
	/* Codegen, for emit_read: fold one CPU's value at R0 into the words
	 * at [r10 + w0] and [r10 + w1]; NULL: both add up. */
	void (*emit_fold)(struct cg *cg, const struct map *m, int w0, int w1);
	/* The number printed (shape AGG_NUMBER, and the sort key of the
	 * others but buckets): its bits and whether it is signed. False when
	 * there is none yet (the avg or min of nothing). */
	bool (*number)(const struct map *m, const uint64_t *v, uint64_t *out, bool *sign);
	/* Order of two values when sorting a map's entries: -1, 0, 1. */
	int (*cmp)(const struct map *m, const uint64_t *a, const uint64_t *b);
	/* Bucket i's bounds (bucketed only); false for a bucket that cannot
	 * hold a value (hist's negatives of an unsigned operand). */
	bool (*bucket_range)(const struct map *m, int i, uint64_t *lo, uint64_t *hi,
			     bool *has_lo, bool *has_hi, bool *sign);
	/* Bucket i's label in text output. */
	void (*bucket_label)(const struct map *m, int i, char *buf, size_t len);
};

/* The registry: the aggregation called name, or NULL. */
const struct agg_ops *agg_find(const char *name);
/* Every aggregation, for "did you mean" hints: the i-th, NULL past the end. */
const struct agg_ops *agg_at(size_t i);

/* Lay out the kernel map of an aggregation: key and value size, entries. */
void agg_layout(struct map *m, uint32_t max_entries);
/* 64-bit words of one combined value of any map (plain ones too). */
size_t agg_nvals(const struct map *m);

/* A min() or max() value as stored: the bias that makes "larger wins"
 * unsigned for both (agg/extreme.c). */
uint64_t agg_bias(const struct map *m, uint64_t v);

/* Add the word at [r0 + off] to the one at [r10 + slot] (emit_fold). */
void agg_emit_fold_add(struct cg *cg, int off, int slot);

/* The families' shared update: atomically add 1 at R0 (and, with sum, the
 * operand in R1 at R0 + 8). */
void agg_emit_add(struct cg *cg, bool sum);
/* Plain per-CPU combining: the words add up. */
void agg_combine_add(uint64_t *out, const uint64_t *v, size_t n);
/* Sort: the number printed, signed or not; ties 0. */
int agg_cmp_number(const struct map *m, const uint64_t *a, const uint64_t *b);

#endif
