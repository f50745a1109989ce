/* SPDX-License-Identifier: GPL-2.0-only */
/* Maps as Prometheus metrics: the text exposition format (0.0.4) and
 * OpenMetrics 1.0, for --listen and --textfile. */
#ifndef PLUMB_PROM_H
#define PLUMB_PROM_H

#include <stdbool.h>
#include <stdint.h>

#include "output/out.h"

#define PROM_DEFAULT_PREFIX "plumb_"
#define PROM_DEFAULT_MAX_SERIES 1000
/* The metric name of the anonymous map @ (after the prefix). */
#define PROM_ANON_NAME "anon"

/* Where the numbers come from: the live maps, or a unit test's. */
struct prom_source {
	void *ctx;
	/* A map's combined contents; false when it cannot be read. */
	bool (*read)(void *ctx, const struct map *m, struct out_mapdata *d);
	/* One of plumb's own counters (STAT_LOST, STAT_MAP_BASE + map id). */
	uint64_t (*stat)(void *ctx, int slot);
};

struct prom;

/* Names, labels and help texts of every map of the program, worked out
 * once. prefix must be a valid metric name prefix (prom_valid_prefix). */
struct prom *prom_new(const struct sema *s, const char *prefix, unsigned max_series);
void prom_free(struct prom *p);
bool prom_valid_prefix(const char *prefix);

/* The whole exposition into sb. o formats the keys (a struct out of the
 * calling thread: it caches symbols). */
void prom_render(struct prom *p, struct out *o, const struct prom_source *src,
		 bool openmetrics, struct strbuf *sb);

#define PROM_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"
#define PROM_OPENMETRICS_TYPE "application/openmetrics-text; version=1.0.0; charset=utf-8"

#endif
