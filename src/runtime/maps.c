// SPDX-License-Identifier: GPL-2.0-only
/* Kernel maps: created from sema's layouts, read back and combined
 * across CPUs at stop, cleared for clear(). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "agg/agg.h"
#include "options.h"
#include "runtime/rt.h"

#define RINGBUF_SIZE (4u << 20)
#define STACK_ENTRIES 4096

int rt_map_fd(struct rt *rt, int id)
{
	if (id <= CG_MAP_CHAIN(0))
		return (size_t)CG_CHAIN_INDEX(id) < rt->nchains ? rt->chain_fds[CG_CHAIN_INDEX(id)] : -1;
	return id < 0 ? rt->ifds[-id - 1] : rt->map_fds[id];
}

/* Kernel map names: 15 characters of [A-Za-z0-9_]. */
static void kname(char *out, const char *name)
{
	int n = 0;

	for (const char *p = name; *p && n < 15; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_')
			out[n++] = *p;
	if (!n)
		out[n++] = 'm';
	out[n] = '\0';
}

static bool said_root;

static int create(const char *name, enum bpf_map_type type, size_t key, size_t val,
		  uint32_t entries, uint32_t flags)
{
	LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = flags);
	char n[16];
	int fd, err;

	kname(n, name);
	fd = bpf_map_create(type, n, (uint32_t)key, (uint32_t)val, entries, &o);
	err = errno;
	if (fd < 0 && err == EPERM && !said_root)
		errmsg("plumb needs root, or CAP_BPF and CAP_PERFMON (the kernel refused to "
		       "create a BPF map: %s)", strerror(err));
	if (fd < 0 && err == EPERM)
		said_root = true;	/* once is enough, however many maps */
	else if (fd < 0)
		errmsg("cannot create map %s: %s", name, strerror(err));
	return fd;
}

/* Preallocated hashes insert without allocating in the probe (faster, and
 * never failing for want of memory); but their memory is reserved up front
 * for every entry on every CPU, so big ones allocate as they fill. */
#define PREALLOC_MAX (32u << 20)

static int create_map(const struct map *m, int ncpus)
{
	enum bpf_map_type type = BPF_MAP_TYPE_HASH;
	uint64_t bytes = (uint64_t)m->max_entries * (m->key_size + ALIGN8(m->val_size) *
						     (m->percpu ? (uint64_t)ncpus : 1));
	uint32_t flags = 0;

	if (m->array)
		type = BPF_MAP_TYPE_PERCPU_ARRAY;
	else if (m->percpu)
		type = m->lru ? BPF_MAP_TYPE_LRU_PERCPU_HASH : BPF_MAP_TYPE_PERCPU_HASH;
	else if (m->lru)
		type = BPF_MAP_TYPE_LRU_HASH;
	/* LRU hashes are always preallocated: the kernel refuses the flag */
	if (!m->array && !m->lru && bytes > PREALLOC_MAX)
		flags = BPF_F_NO_PREALLOC;
	return create(m->name, type, m->key_size, m->val_size, m->max_entries, flags);
}

static bool create_internal(struct rt *rt)
{
	size_t zero = 8;
	struct sema *s = rt->sema;
	uint64_t start;
	struct timespec ts;

	for (size_t i = 0; i < s->maps.n; i++)
		if (s->maps.v[i]->val_size > zero)
			zero = s->maps.v[i]->val_size;
	rt->ifds[-CG_MAP_ZERO - 1] = create("plumb_zero", BPF_MAP_TYPE_ARRAY, 4, zero, 1,
					     BPF_F_RDONLY_PROG);
	if (rt->ifds[-CG_MAP_ZERO - 1] < 0)
		return false;
	rt->ifds[-CG_MAP_STATS - 1] = create("plumb_stats", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8,
					      (uint32_t)(STAT_READ_BASE(s) + s->reads.n), 0);
	if (rt->ifds[-CG_MAP_STATS - 1] < 0)
		return false;
	/* the programs write it too: exit(), and requests the ring buffer
	 * had no room for */
	rt->ifds[-CG_MAP_CONFIG - 1] = create("plumb_config", BPF_MAP_TYPE_ARRAY, 4,
					       rt_config_size(rt), 1, 0);
	if (rt->ifds[-CG_MAP_CONFIG - 1] < 0)
		return false;
	if (s->needs_ringbuf) {
		rt->ifds[-CG_MAP_RINGBUF - 1] = create("plumb_events", BPF_MAP_TYPE_RINGBUF, 0, 0,
							rt->opts->rb_pages ? rt->opts->rb_pages *
							(uint32_t)sysconf(_SC_PAGESIZE) : RINGBUF_SIZE, 0);
		if (rt->ifds[-CG_MAP_RINGBUF - 1] < 0)
			return false;
	}
	if (s->needs_stacks) {
		rt->ifds[-CG_MAP_STACKS - 1] = create("plumb_stacks", BPF_MAP_TYPE_STACK_TRACE, 4,
						       OUT_STACK_DEPTH * 8, STACK_ENTRIES, 0);
		if (rt->ifds[-CG_MAP_STACKS - 1] < 0)
			return false;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	start = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	uint64_t *config = xcalloc(1, rt_config_size(rt));
	config[CONFIG_START_NS / 8] = start;
	bool ok = !bpf_map_update_elem(rt->ifds[-CG_MAP_CONFIG - 1], &(uint32_t){0}, config, 0);
	free(config);
	return ok;
}

size_t rt_config_size(const struct rt *rt)
{
	return CONFIG_SIZE(rt->sema->events.n);
}

/* The config map's value, into buf of rt_config_size() bytes. */
bool rt_config_read(struct rt *rt, uint64_t *buf)
{
	int fd = rt->ifds[-CG_MAP_CONFIG - 1];

	return fd >= 0 && !bpf_map_lookup_elem(fd, &(uint32_t){0}, buf);
}

/* cpid's value, for the programs to read. */
void rt_set_cpid(struct rt *rt, pid_t pid)
{
	uint64_t *config = xcalloc(1, rt_config_size(rt));

	if (rt_config_read(rt, config)) {
		config[CONFIG_CPID / 8] = (uint64_t)pid;
		bpf_map_update_elem(rt->ifds[-CG_MAP_CONFIG - 1], &(uint32_t){0}, config, 0);
	}
	free(config);
}

/* Every program returns at once from now on. */
void rt_stop_programs(struct rt *rt)
{
	uint64_t *config = xcalloc(1, rt_config_size(rt));
	uint32_t k = 0;

	if (rt_config_read(rt, config)) {
		config[CONFIG_STOPPED / 8] = 1;
		bpf_map_update_elem(rt->ifds[-CG_MAP_CONFIG - 1], &k, config, 0);
	}
	free(config);
}

bool rt_maps_create(struct rt *rt)
{
	struct sema *s = rt->sema;

	for (int i = 0; i < CG_NMAPS_INTERNAL; i++)
		rt->ifds[i] = -1;
	rt->map_fds = xcalloc(s->maps.n + 1, sizeof(int));
	for (size_t i = 0; i < s->maps.n; i++)
		rt->map_fds[i] = -1;
	for (size_t i = 0; i < s->maps.n; i++) {
		rt->map_fds[i] = create_map(s->maps.v[i], rt->ncpus);
		if (rt->map_fds[i] < 0)
			return false;
	}
	return create_internal(rt);
}

void rt_maps_close(struct rt *rt)
{
	for (size_t i = 0; rt->map_fds && i < rt->sema->maps.n; i++)
		if (rt->map_fds[i] >= 0)
			close(rt->map_fds[i]);
	free(rt->map_fds);
	rt->map_fds = NULL;
	for (size_t i = 0; i < rt->nchains; i++)
		if (rt->chain_fds[i] >= 0)
			close(rt->chain_fds[i]);
	free(rt->chain_fds);
	rt->chain_fds = NULL;
	rt->nchains = 0;
	for (int i = 0; i < CG_NMAPS_INTERNAL; i++) {
		if (rt->ifds[i] >= 0)
			close(rt->ifds[i]);
		rt->ifds[i] = -1;
	}
}

/* Fold the per-CPU copies of one value into out. */
static void combine(struct rt *rt, const struct map *m, const uint64_t *pcpu, size_t stride,
		    uint64_t *out, size_t n)
{
	memset(out, 0, n * 8);
	for (int c = 0; c < rt->ncpus; c++)
		m->agg->combine(out, pcpu + (size_t)c * stride, n);
}

static bool nonzero(const uint64_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i])
			return true;
	return false;
}

static void read_array(struct rt *rt, const struct map *m, int fd, struct out_mapdata *d)
{
	size_t stride = ALIGN8(m->val_size) / 8;
	uint64_t *buf = xcalloc((size_t)rt->ncpus, stride * 8);

	d->vals = xcalloc(d->nvals, 8);
	if (m->nbuckets)
		d->sums = xcalloc(1, 8);
	for (uint32_t i = 0; i < m->max_entries; i++) {
		uint64_t one[2];
		if (bpf_map_lookup_elem(fd, &i, buf))
			continue;
		if (m->nbuckets) {
			/* a bucket is {count, sum} */
			combine(rt, m, buf, stride, one, 2);
			d->vals[i] = one[0];
			d->sums[0] += one[1];
		} else {
			combine(rt, m, buf, stride, d->vals, d->nvals);
		}
	}
	d->n = nonzero(d->vals, d->nvals) ? 1 : 0;
	free(buf);
}

static void read_hash(struct rt *rt, const struct map *m, int fd, struct out_mapdata *d)
{
	size_t ks = m->key_size, cap = 0;
	size_t stride = ALIGN8(m->val_size) / 8;
	uint8_t *key = xcalloc(1, ks), *next = xcalloc(1, ks);
	uint64_t *buf = xcalloc(m->percpu ? (size_t)rt->ncpus : 1, stride * 8);
	/* a histogram's sum follows its buckets */
	size_t nv = d->nvals + (m->nbuckets ? 1 : 0);
	uint64_t *one = xcalloc(nv, 8);
	bool first = true;

	while (!bpf_map_get_next_key(fd, first ? NULL : key, next)) {
		first = false;
		memcpy(key, next, ks);
		if (bpf_map_lookup_elem(fd, key, buf))
			continue;
		if (d->n == cap) {
			cap = cap ? cap * 2 : 64;
			d->keys = xrealloc(d->keys, cap * ks);
			d->vals = xrealloc(d->vals, cap * d->nvals * 8);
			if (m->nbuckets)
				d->sums = xrealloc(d->sums, cap * 8);
		}
		memcpy(d->keys + d->n * ks, key, ks);
		if (m->percpu)
			combine(rt, m, buf, stride, one, nv);
		else
			memcpy(one, buf, nv * 8);
		memcpy(d->vals + d->n * d->nvals, one, d->nvals * 8);
		if (m->nbuckets)
			d->sums[d->n] = one[d->nvals];
		d->n++;
	}
	free(one);
	free(key);
	free(next);
	free(buf);
}

bool rt_map_read(struct rt *rt, const struct map *m, struct out_mapdata *d)
{
	int fd = rt->map_fds[m->id];

	memset(d, 0, sizeof(*d));
	d->m = m;
	d->nvals = agg_nvals(m);
	if (m->array)
		read_array(rt, m, fd, d);
	else
		read_hash(rt, m, fd, d);
	return true;
}

void rt_map_clear(struct rt *rt, const struct map *m)
{
	int fd = rt->map_fds[m->id];

	if (m->array) {
		uint64_t *zero = xcalloc((size_t)rt->ncpus, ALIGN8(m->val_size));
		for (uint32_t i = 0; i < m->max_entries; i++)
			bpf_map_update_elem(fd, &i, zero, BPF_ANY);
		free(zero);
		return;
	}
	uint8_t *key = xcalloc(1, m->key_size);
	while (!bpf_map_get_next_key(fd, NULL, key))
		if (bpf_map_delete_elem(fd, key))
			break;
	free(key);
}

/* zero(@m): every value 0, every key kept. */
void rt_map_zero(struct rt *rt, const struct map *m)
{
	int fd = rt->map_fds[m->id];
	size_t vsize = m->percpu ? (size_t)rt->ncpus * ALIGN8(m->val_size) : m->val_size;
	uint8_t *key, *next, *zero;

	if (m->array) {
		rt_map_clear(rt, m);
		return;
	}
	key = xcalloc(1, m->key_size);
	next = xcalloc(1, m->key_size);
	zero = xcalloc(1, vsize);
	for (void *prev = NULL; !bpf_map_get_next_key(fd, prev, next); prev = key) {
		memcpy(key, next, m->key_size);
		bpf_map_update_elem(fd, key, zero, BPF_EXIST);
	}
	free(key);
	free(next);
	free(zero);
}

/* print(@m, top, div) */
void rt_print_map_top(struct rt *rt, const struct map *m, uint32_t top, uint64_t div)
{
	rt->out.top = top;
	rt->out.div = div;
	rt_print_map(rt, m);
	rt->out.top = 0;
	rt->out.div = 1;
}

uint64_t rt_stat(struct rt *rt, int slot)
{
	uint64_t *buf = xcalloc((size_t)rt->ncpus, 8), sum = 0;
	uint32_t k = (uint32_t)slot;

	if (!bpf_map_lookup_elem(rt->ifds[-CG_MAP_STATS - 1], &k, buf))
		for (int c = 0; c < rt->ncpus; c++)
			sum += buf[c];
	free(buf);
	return sum;
}

/* A keyless map that holds nothing prints as bpftrace prints a scalar
 * never assigned: "@x: 0" (an empty string, "count 0, average 0, total
 * 0"); a histogram prints nothing, and so does a map that clear()
 * emptied. */
static void empty_scalar(struct rt *rt, const struct map *m, struct out_mapdata *d)
{
	bool shown = m->agg ? m->agg->shape != AGG_BUCKETS :
		type_is_int(m->val) || m->val.kind == T_STR;

	if (d->n || m->nkeys || !shown || (rt->cleared && rt->cleared[m->id]))
		return;
	free(d->keys);
	free(d->vals);
	d->keys = xcalloc(1, m->key_size ? m->key_size : 1);
	d->vals = xcalloc(d->nvals ? d->nvals : 1, 8 + ALIGN8(m->val_size));
	d->n = 1;
}

void rt_print_map(struct rt *rt, const struct map *m)
{
	struct out_mapdata d;

	if (m->kind != MAP_GLOBAL || !rt_map_read(rt, m, &d))
		return;
	empty_scalar(rt, m, &d);
	out_map(&rt->out, &d);
	out_mapdata_free(&d);
}

/* clear(@m) was called: an empty scalar is then not printed. */
void rt_map_cleared(struct rt *rt, const struct map *m)
{
	if (!rt->cleared)
		rt->cleared = xcalloc(rt->sema->maps.n + 1, sizeof(bool));
	rt->cleared[m->id] = true;
}

void rt_print_maps(struct rt *rt)
{
	struct sema *s = rt->sema;

	for (size_t i = 0; i < s->maps.n; i++)
		rt_print_map(rt, s->maps.v[i]);
	rt_warn_drops(rt);
}

void rt_warn_drops(struct rt *rt)
{
	struct sema *s = rt->sema;

	for (size_t i = 0; i < s->maps.n; i++) {
		uint64_t drops = rt_stat(rt, STAT_MAP_BASE + (int)i);
		if (drops)
			out_map_full(&rt->out, s->maps.v[i], drops);
	}
	fflush(rt->out.f);
}

/* -k: the reads that failed since the last call, each at its place in
 * the program, as they happen. The loop calls this at most once a
 * second, so a place that keeps failing is reported once a second. */
void rt_report_helper_errors(struct rt *rt)
{
	struct sema *s = rt->sema;

	if (!rt->reads_seen)
		rt->reads_seen = xcalloc(s->reads.n ? s->reads.n : 1, sizeof(uint64_t));
	for (size_t i = 0; i < s->reads.n; i++) {
		uint64_t n = rt_stat(rt, STAT_READ_BASE(s) + (int)i), d = n - rt->reads_seen[i];
		struct strbuf where = {0}, what = {0};

		if (n <= rt->reads_seen[i])
			continue;
		rt->reads_seen[i] = n;
		out_read_site(s->reads.v[i], &where, &what);
		warnmsg("%s: %llu failed read%s of %s: a bad address or memory not "
			"paged in (read as 0 or \"\")", where.s, (unsigned long long)d,
			d == 1 ? "" : "s", what.s ? what.s : "");
		sb_free(&where);
		sb_free(&what);
	}
}

/* Reads of memory that failed (a bad pointer, a page not in memory),
 * each at its place in the program. */
void rt_print_failed_reads(struct rt *rt)
{
	struct sema *s = rt->sema;

	for (size_t i = 0; i < s->reads.n; i++) {
		uint64_t n = rt_stat(rt, STAT_READ_BASE(s) + (int)i);
		struct strbuf where = {0}, what = {0};

		if (!n)
			continue;
		out_read_site(s->reads.v[i], &where, &what);
		out_failed_reads(&rt->out, n, where.s, what.s ? what.s : "");
		sb_free(&where);
		sb_free(&what);
	}
}

/* Loops that ended at their trip cap rather than by their condition:
 * the rest of their work was not done, which must not pass unseen. */
void rt_print_loop_caps(struct rt *rt)
{
	struct sema *s = rt->sema;

	for (size_t i = 0; i < s->loops.n; i++) {
		uint64_t n = rt_stat(rt, STAT_LOOP_BASE(s) + (int)i);
		struct strbuf where = {0}, what = {0};

		if (!n)
			continue;
		out_read_site(s->loops.v[i], &where, &what);
		out_loop_cap(&rt->out, n, CG_LOOP_MAX, where.s, what.s ? what.s : "");
		sb_free(&where);
		sb_free(&what);
	}
}

/* Array elements asked for by a run-time index outside the array: read
 * as 0, which must not pass for a value that was there. */
void rt_print_index_ranges(struct rt *rt)
{
	struct sema *s = rt->sema;

	for (size_t i = 0; i < s->indexes.n; i++) {
		uint64_t n = rt_stat(rt, STAT_INDEX_BASE(s) + (int)i);
		struct strbuf where = {0}, what = {0};

		if (!n)
			continue;
		out_read_site(s->indexes.v[i].loc, &where, &what);
		out_index_range(&rt->out, n, s->indexes.v[i].count, where.s, what.s ? what.s : "");
		sb_free(&where);
		sb_free(&what);
	}
}

/* Run-time arguments out of their function's range (a buf() length
 * above its buffer...): what was done instead must not pass unseen. */
void rt_print_arg_sites(struct rt *rt)
{
	struct sema *s = rt->sema;

	for (size_t i = 0; i < s->args.n; i++) {
		const struct arg_site *a = &s->args.v[i];
		uint64_t n = rt_stat(rt, STAT_ARG_BASE(s) + (int)i);
		struct strbuf where = {0}, what = {0};

		if (!n)
			continue;
		out_read_site(a->loc, &where, &what);
		out_arg_site(&rt->out, n, a, where.s, what.s ? what.s : "");
		sb_free(&where);
		sb_free(&what);
	}
}

/* The program arrays of chained programs, each as long as its chain. */
bool rt_chains_create(struct rt *rt)
{
	for (size_t i = 0; i < rt->nprogs; i++) {
		const struct cg_prog *p = rt->progs[i];
		size_t k = p->chain ? (size_t)CG_CHAIN_INDEX(p->chain) : 0;
		if (!p->chain || k < rt->nchains)
			continue;
		rt->chain_fds = xrealloc(rt->chain_fds, (k + 1) * sizeof(int));
		while (rt->nchains <= k)
			rt->chain_fds[rt->nchains++] = -1;
	}
	for (size_t k = 0; k < rt->nchains; k++) {
		uint32_t len = 0;
		for (size_t i = 0; i < rt->nprogs; i++)
			if (rt->progs[i]->chain == CG_MAP_CHAIN((int)k))
				len = (uint32_t)rt->progs[i]->link + 1;
		rt->chain_fds[k] = create("plumb_chain", BPF_MAP_TYPE_PROG_ARRAY, 4, 4, len, 0);
		if (rt->chain_fds[k] < 0)
			return false;
	}
	return true;
}

/* Each loaded program of a chain into its slot. */
bool rt_chains_fill(struct rt *rt)
{
	for (size_t i = 0; i < rt->nprogs; i++) {
		const struct cg_prog *p = rt->progs[i];
		uint32_t slot = (uint32_t)p->link;
		if (!p->chain || p->fd < 0)
			continue;
		if (bpf_map_update_elem(rt_map_fd(rt, p->chain), &slot, &p->fd, 0)) {
			errmsg("cannot chain the programs of %s: %s", p->probe->spec, strerror(errno));
			return false;
		}
	}
	return true;
}
