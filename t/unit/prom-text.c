// SPDX-License-Identifier: GPL-2.0-only
/* Test helper for the Prometheus exposition (src/output/prom.c), with no
 * kernel: the program is compiled as with -n, then every map
 * is given made-up contents and the exposition is printed.
 *
 *   prom-text [-o] [-m MAX_SERIES] [-n ENTRIES] [-p PREFIX] [-r ROUNDS] 'PROGRAM'
 *
 * The program is compiled too, so that its read sites (str(), ...) are
 * known. -o: OpenMetrics. Entry i of a keyed map has keys made from i (strings
 * from a list of awkward ones: quotes, backslashes, newlines, bytes that
 * are not UTF-8) and values made from i, so that the expected text can be
 * worked out by hand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agg/agg.h"
#include "compile/compile.h"
#include "options.h"
#include "output/prom.h"
#include "parser/parse.h"
#include "sema/sema.h"

static const char *const strings[] = {
	"plain", "with \"quotes\"", "back\\slash", "new\nline", "bad \xff\xfe byte",
	"caf\xc3\xa9", "", "bad \xfe\xfd byte",
};

static size_t entries = 3, offset;

static void fill_key(const struct map *m, uint8_t *key, size_t i)
{
	for (int k = 0; k < m->nkeys; k++) {
		size_t sz = type_storage(m->keys[k]);
		memset(key, 0, sz);
		if (m->keys[k].kind == T_STR)
			strncpy((char *)key, strings[i % ARRAY_SIZE(strings)], sz - 1);
		else
			memcpy(key, &(uint64_t){ (i + offset) * 10 + (uint64_t)k }, 8);
		key += sz;
	}
}

static void fill_vals(const struct map *m, uint64_t *v, size_t nvals, uint64_t *sum, size_t i)
{
	uint64_t c = i + 1;

	memset(v, 0, nvals * 8);
	if (!m->agg) {
		v[0] = c * 3;
	} else if (!strcmp(m->agg->name, "count")) {
		v[0] = c;
	} else if (!strcmp(m->agg->name, "min") || !strcmp(m->agg->name, "max")) {
		v[0] = c;
		v[1] = agg_bias(m, m->val.sign ? (uint64_t)-(int64_t)c : c);
	} else if (m->agg->shape == AGG_BUCKETS) {
		/* c values in bucket 3 + i, one in the second and one in the
		 * last (an unsigned hist() has nothing in the first) */
		v[(3 + i) % nvals] += c;
		v[1] += 1;
		v[nvals - 1] += 1;
		*sum = c * 5;
	} else {	/* sum, avg, stats: {count, sum} */
		v[0] = c;
		v[1] = m->val.sign ? (uint64_t)-(int64_t)(c * 7) : c * 7;
	}
}

static bool fake_read(void *ctx, const struct map *m, struct out_mapdata *d)
{
	(void)ctx;
	memset(d, 0, sizeof(*d));
	d->m = m;
	d->nvals = agg_nvals(m);
	d->n = m->nkeys ? entries : entries ? 1 : 0;
	d->keys = xcalloc(d->n + 1, m->key_size);
	d->vals = xcalloc(d->n + 1, d->nvals * 8);
	d->sums = xcalloc(d->n + 1, 8);
	for (size_t i = 0; i < d->n; i++) {
		fill_key(m, d->keys + i * m->key_size, i);
		fill_vals(m, d->vals + i * d->nvals, d->nvals, &d->sums[i], i);
	}
	return true;
}

static uint64_t fake_stat(void *ctx, int slot)
{
	(void)ctx;
	return (uint64_t)slot * 2;
}

static void render(struct prom *p, struct out *out, const struct prom_source *src, bool om,
		   const char *rounds)
{
	struct strbuf sb = {0};

	do {
		if (rounds) {
			entries = strtoul(rounds, (char **)&rounds, 10);
			offset = strtoul(rounds + 1, (char **)&rounds, 10);
			rounds = *rounds ? rounds + 1 : NULL;
			puts("---");
		}
		sb_reset(&sb);
		prom_render(p, out, src, om, &sb);
		fputs(sb.s ? sb.s : "", stdout);
	} while (rounds);
	sb_free(&sb);
}

int main(int argc, char **argv)
{
	struct options o = { .strsize = 64, .map_entries = 1024, .dry_run = true };
	const char *prefix = PROM_DEFAULT_PREFIX;
	unsigned max = PROM_DEFAULT_MAX_SERIES;
	bool om = false;
	struct compile cp = {0};
	int c, rc = 2;

	const char *rounds = NULL;

	while ((c = getopt(argc, argv, "om:n:p:r:")) != -1) {
		switch (c) {
		case 'o': om = true; break;
		case 'm': max = (unsigned)atoi(optarg); break;
		case 'n': entries = (size_t)atoi(optarg); break;
		case 'p': prefix = optarg; break;
		case 'r': rounds = optarg; break;
		default: return 2;
		}
	}
	if (optind >= argc)
		return 2;
	if (compile_text(&cp, "<cmdline>", argv[optind], strlen(argv[optind]), &o)) {
		struct prom *p = prom_new(&cp.sema, prefix, max);
		struct out out = { .f = stdout, .sema = &cp.sema, .stack_fd = -1 };
		struct prom_source src = { NULL, fake_read, fake_stat };
		render(p, &out, &src, om, rounds);
		prom_free(p);
		rc = 0;
	}
	compile_free(&cp);
	return rc;
}
