// SPDX-License-Identifier: GPL-2.0-only
/* Symbolising runtime addresses of live (or recently live) processes:
 * /proc/PID/maps per pid, opened binaries per (dev, ino). An address that
 * cannot be symbolised (process gone, anonymous memory, stripped binary)
 * is printed in hex; this never fails.
 *
 * The cache is bounded in bytes (SYMCACHE_MAX_BYTES, 64 MiB: a few large
 * binaries' symbol tables and the maps of thousands of processes): past
 * the bound, the least recently used entries go, pids and binaries alike,
 * down to three quarters of it. An entry in use is never evicted, so one
 * binary larger than the whole bound still symbolises (alone). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "binary/binary.h"

#include <inttypes.h>
#include <libelf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "util/util.h"

#define PID_BUCKETS 256
#define BIN_BUCKETS 256
#define MAX_PIDS 8192			/* forget every pid beyond this */
#define SYMCACHE_MAX_BYTES (64u << 20)
#define REFRESH_NS (100 * 1000000ULL)	/* re-read maps on a miss at most this often */

enum map_kind { MAP_ANON, MAP_FILE, MAP_SPECIAL };

struct map_ent {
	uint64_t start, end, pgoff;
	dev_t dev;
	ino_t ino;
	enum map_kind kind;
	char *path;		/* as in maps (file: absolute path; special: "[vdso]") */
};

struct pid_ent {
	pid_t pid;
	struct map_ent *maps;
	size_t nmaps;
	uint64_t read_ns;	/* when maps was last read */
	size_t bytes;		/* what this entry holds, counted in the cache's */
	uint64_t used;		/* the cache's clock at the last use */
	struct pid_ent *next;
};

struct bin_ent {
	dev_t dev;
	ino_t ino;
	struct bin *bin;	/* NULL: could not be opened, do not retry */
	size_t bytes;
	uint64_t used;
	struct bin_ent *next;
};

#define MAX_WATCHED 4

struct bin_symcache {
	struct pid_ent *pids[PID_BUCKETS];
	struct bin_ent *bins[BIN_BUCKETS];
	size_t npids;
	size_t bytes, max_bytes;
	uint64_t clock;		/* counts uses: the order of least recent use */
	pid_t watched[MAX_WATCHED];	/* -p's process, -c's command */
	bool tree[MAX_WATCHED];		/* and its descendants */
	size_t nwatched;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

struct bin_symcache *bin_symcache_new_bounded(size_t max_bytes)
{
	struct bin_symcache *c = xcalloc(1, sizeof(struct bin_symcache));

	c->max_bytes = max_bytes;
	return c;
}

struct bin_symcache *bin_symcache_new(void)
{
	return bin_symcache_new_bounded(SYMCACHE_MAX_BYTES);
}

size_t bin_symcache_bytes(const struct bin_symcache *c)
{
	return c->bytes;
}

static void free_maps(struct bin_symcache *c, struct pid_ent *p)
{
	for (size_t i = 0; i < p->nmaps; i++)
		free(p->maps[i].path);
	free(p->maps);
	p->maps = NULL;
	p->nmaps = 0;
	c->bytes -= p->bytes - sizeof(*p);
	p->bytes = sizeof(*p);
}

static void free_pid(struct bin_symcache *c, struct pid_ent *p)
{
	free_maps(c, p);
	c->bytes -= p->bytes;
	c->npids--;
	free(p);
}

static void forget_all_pids(struct bin_symcache *c)
{
	for (size_t i = 0; i < PID_BUCKETS; i++) {
		while (c->pids[i]) {
			struct pid_ent *p = c->pids[i];
			c->pids[i] = p->next;
			free_pid(c, p);
		}
	}
}

static void free_bin(struct bin_symcache *c, struct bin_ent *b)
{
	c->bytes -= b->bytes;
	bin_close(b->bin);
	free(b);
}

void bin_symcache_free(struct bin_symcache *c)
{
	if (!c)
		return;
	forget_all_pids(c);
	for (size_t i = 0; i < BIN_BUCKETS; i++) {
		while (c->bins[i]) {
			struct bin_ent *b = c->bins[i];
			c->bins[i] = b->next;
			free_bin(c, b);
		}
	}
	free(c);
}

void bin_symcache_forget(struct bin_symcache *c, pid_t pid)
{
	struct pid_ent **pp = &c->pids[(unsigned)pid % PID_BUCKETS];

	for (; *pp; pp = &(*pp)->next) {
		if ((*pp)->pid == pid) {
			struct pid_ent *p = *pp;
			*pp = p->next;
			free_pid(c, p);
			return;
		}
	}
}

/* The least recently used entry's clock among pids and binaries, other
 * than the ones in use; UINT64_MAX when there is none. */
static uint64_t oldest_use(struct bin_symcache *c, const void *keep1, const void *keep2)
{
	uint64_t oldest = UINT64_MAX;

	for (size_t i = 0; i < PID_BUCKETS; i++)
		for (struct pid_ent *p = c->pids[i]; p; p = p->next)
			if (p != keep1 && p != keep2 && p->used < oldest)
				oldest = p->used;
	for (size_t i = 0; i < BIN_BUCKETS; i++)
		for (struct bin_ent *b = c->bins[i]; b; b = b->next)
			if (b != keep1 && b != keep2 && b->used < oldest)
				oldest = b->used;
	return oldest;
}

/* Drop every entry last used at or before `before`, except the two kept. */
static void drop_used_before(struct bin_symcache *c, uint64_t before, const void *keep1,
			     const void *keep2)
{
	for (size_t i = 0; i < PID_BUCKETS; i++) {
		for (struct pid_ent **pp = &c->pids[i]; *pp;) {
			struct pid_ent *p = *pp;
			if (p != keep1 && p != keep2 && p->used <= before) {
				*pp = p->next;
				free_pid(c, p);
			} else {
				pp = &p->next;
			}
		}
	}
	for (size_t i = 0; i < BIN_BUCKETS; i++) {
		for (struct bin_ent **bp = &c->bins[i]; *bp;) {
			struct bin_ent *b = *bp;
			if (b != keep1 && b != keep2 && b->used <= before) {
				*bp = b->next;
				free_bin(c, b);
			} else {
				bp = &b->next;
			}
		}
	}
}

/* Over the bound: evict by least recent use to 3/4 of it, so that the
 * scans are paid once per quarter of the bound, not once per entry.
 * Each pass takes the oldest eighth of the clock's range. */
static void evict(struct bin_symcache *c, const void *keep1, const void *keep2)
{
	if (c->bytes <= c->max_bytes)
		return;
	while (c->bytes > c->max_bytes / 4 * 3) {
		uint64_t oldest = oldest_use(c, keep1, keep2);
		if (oldest == UINT64_MAX)
			return;
		drop_used_before(c, oldest + (c->clock - oldest) / 8, keep1, keep2);
	}
}

/* (Re)reads /proc/PID/maps; when the process is gone (or a zombie) keeps
 * what it had, so its frames are still named after it exits. */
static void read_maps(struct bin_symcache *c, struct pid_ent *p)
{
	VEC(struct map_ent) v = {0};
	char fn[64], *line = NULL;
	size_t cap = 0;
	FILE *f;

	p->read_ns = now_ns();
	snprintf(fn, sizeof(fn), "/proc/%d/maps", (int)p->pid);
	if (!(f = fopen(fn, "re")))
		return;
	while (getline(&line, &cap, f) > 0) {
		unsigned long long start, end, pgoff, ino;
		unsigned maj, min;
		int pos = 0;
		char *path;
		struct map_ent m = {0};

		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "%llx-%llx %*s %llx %x:%x %llu %n", &start, &end, &pgoff, &maj,
			   &min, &ino, &pos) < 6 || !pos || end <= start)
			continue;
		path = line + pos;
		m.start = start;
		m.end = end;
		m.pgoff = pgoff;
		m.dev = makedev(maj, min);
		m.ino = (ino_t)ino;
		if (path[0] == '/' && ino)
			m.kind = MAP_FILE;
		else if (path[0] == '[')
			m.kind = MAP_SPECIAL;
		else
			m.kind = MAP_ANON;
		m.path = m.kind == MAP_ANON ? NULL : xstrdup(path);
		vec_push(&v, m);
	}
	free(line);
	fclose(f);
	if (!v.n)
		return;	/* a zombie has no maps: keep the last ones it had */
	free_maps(c, p);
	p->maps = v.v;
	p->nmaps = v.n;
	for (size_t i = 0; i < v.n; i++)
		p->bytes += sizeof(v.v[i]) + (v.v[i].path ? strlen(v.v[i].path) + 1 : 0);
	c->bytes += p->bytes - sizeof(*p);
}

static struct pid_ent *get_pid(struct bin_symcache *c, pid_t pid)
{
	struct pid_ent **head = &c->pids[(unsigned)pid % PID_BUCKETS], *p;

	for (p = *head; p; p = p->next) {
		if (p->pid == pid) {
			p->used = ++c->clock;
			return p;
		}
	}
	if (c->npids >= MAX_PIDS) {
		forget_all_pids(c);
		head = &c->pids[(unsigned)pid % PID_BUCKETS];
	}
	p = xcalloc(1, sizeof(*p));
	p->pid = pid;
	p->bytes = sizeof(*p);
	p->used = ++c->clock;
	p->next = *head;
	*head = p;
	c->npids++;
	c->bytes += p->bytes;
	read_maps(c, p);
	evict(c, p, NULL);
	return p;
}

static const struct map_ent *find_map(const struct pid_ent *p, uint64_t addr)
{
	size_t lo = 0, hi = p->nmaps;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (addr < p->maps[mid].start)
			hi = mid;
		else if (addr >= p->maps[mid].end)
			lo = mid + 1;
		else
			return &p->maps[mid];
	}
	return NULL;
}

static struct bin *try_open(const char *path, ino_t ino)
{
	char err[128];
	struct bin *b = bin_open(path, err, sizeof(err));

	if (b && b->ino != ino) {
		/* replaced on disk since it was mapped */
		bin_close(b);
		b = NULL;
	}
	return b;
}

/* What an opened binary holds once libelf has let go: its symbols. */
static size_t bin_bytes(const struct bin *b)
{
	size_t n;

	if (!b)
		return 0;
	n = sizeof(*b) + strlen(b->path) + 1 + b->nsegs * sizeof(*b->segs) +
	    b->nsyms * sizeof(*b->syms);
	for (size_t i = 0; i < b->nsyms; i++)
		n += strlen(b->syms[i].name) + 1;
	return n;
}

/* keep: the pid entry m belongs to, in use by the caller */
static struct bin *get_bin(struct bin_symcache *c, pid_t pid, const struct map_ent *m,
			   const struct pid_ent *keep)
{
	unsigned h = (unsigned)((uint64_t)m->ino * 2654435761u ^ (uint64_t)m->dev) % BIN_BUCKETS;
	struct bin_ent *e;
	char path[PATH_MAX + 64];
	struct bin *b = NULL;

	for (e = c->bins[h]; e; e = e->next) {
		if (e->dev == m->dev && e->ino == m->ino) {
			e->used = ++c->clock;
			return e->bin;
		}
	}
	/* through the process's root (other mount namespaces, chroots), then
	 * map_files (deleted or replaced files), then the plain path */
	if (!strstr(m->path, " (deleted)")) {
		snprintf(path, sizeof(path), "/proc/%d/root%s", (int)pid, m->path);
		b = try_open(path, m->ino);
	}
	if (!b) {
		snprintf(path, sizeof(path), "/proc/%d/map_files/%" PRIx64 "-%" PRIx64, (int)pid,
			 m->start, m->end);
		b = try_open(path, m->ino);
	}
	if (!b && !strstr(m->path, " (deleted)"))
		b = try_open(m->path, m->ino);
	if (b) {
		/* report the binary by the path the process knows it by; the
		 * symbols are loaded, so drop libelf and the descriptor (no
		 * note reading here): one fd per cached library adds up */
		free(b->path);
		b->path = xstrdup(m->path);
		elf_end(b->elf);
		b->elf = NULL;
		close(b->fd);
		b->fd = -1;
	}
	e = xcalloc(1, sizeof(*e));
	e->dev = m->dev;
	e->ino = m->ino;
	e->bin = b;
	e->bytes = sizeof(*e) + bin_bytes(b);
	e->used = ++c->clock;
	e->next = c->bins[h];
	c->bins[h] = e;
	c->bytes += e->bytes;
	evict(c, e, keep);
	return b;
}

const char *bin_symbolize(struct bin_symcache *c, pid_t pid, uint64_t addr, bool with_offset,
			  bool with_module, char *buf, size_t len)
{
	struct pid_ent *p;
	const struct map_ent *m = NULL;
	const struct bin_sym *s = NULL;
	struct bin *b;
	uint64_t vaddr = 0;
	char *name;

	if (!len)
		return buf;
	snprintf(buf, len, "0x%" PRIx64, addr);
	if (!c || pid <= 0)
		return buf;
	p = get_pid(c, pid);
	m = find_map(p, addr);
	if (!m && now_ns() - p->read_ns >= REFRESH_NS) {
		/* maybe mapped since we last looked (dlopen, JIT) */
		read_maps(c, p);
		evict(c, p, NULL);
		m = find_map(p, addr);
	}
	if (!m || m->kind == MAP_ANON)
		return buf;
	if (m->kind == MAP_SPECIAL) {
		if (with_offset && addr != m->start)
			snprintf(buf, len, "%s+0x%" PRIx64, m->path, addr - m->start);
		else
			snprintf(buf, len, "%s", m->path);
		return buf;
	}
	b = get_bin(c, pid, m, p);
	if (b && bin_off_to_vaddr(b, addr - m->start + m->pgoff, &vaddr))
		s = bin_sym_at(b, vaddr);
	if (!s) {
		if (with_module)
			snprintf(buf, len, "0x%" PRIx64 " (%s)", addr, m->path);
		return buf;
	}
	name = bin_demangle(s->name, true);
	if (with_offset && vaddr != s->vaddr)
		snprintf(buf, len, "%s+0x%" PRIx64 "%s%s%s", name ? name : s->name,
			 vaddr - s->vaddr, with_module ? " (" : "", with_module ? m->path : "",
			 with_module ? ")" : "");
	else
		snprintf(buf, len, "%s%s%s%s", name ? name : s->name, with_module ? " (" : "",
			 with_module ? m->path : "", with_module ? ")" : "");
	free(name);
	return buf;
}
void bin_symcache_watch(struct bin_symcache *c, pid_t pid, bool descendants)
{
	if (!c || pid <= 0 || c->nwatched == MAX_WATCHED)
		return;
	c->tree[c->nwatched] = descendants;
	c->watched[c->nwatched++] = pid;
	bin_symcache_refresh(c);
}

bool bin_symcache_watching(const struct bin_symcache *c)
{
	return c && c->nwatched;
}

/* Still plumb's own image: forked, not yet exec'd; its maps are ours. */
static bool not_execed(pid_t pid)
{
	char fn[64];
	struct stat a, b;

	snprintf(fn, sizeof(fn), "/proc/%d/exe", (int)pid);
	return stat(fn, &a) == 0 && stat("/proc/self/exe", &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

static void refresh_pid(struct bin_symcache *c, pid_t pid)
{
	struct pid_ent *p;

	if (not_execed(pid))
		return;
	p = get_pid(c, pid);
	if (now_ns() - p->read_ns >= REFRESH_NS)
		read_maps(c, p);
}

#define MAX_TREE 256	/* processes followed under one watched one */

/* pid's descendants, through each thread's children list in procfs. */
static void collect(pid_t pid, pid_t *out, size_t *n)
{
	char fn[320];
	struct dirent *t;
	DIR *d;

	snprintf(fn, sizeof(fn), "/proc/%d/task", (int)pid);
	if (!(d = opendir(fn)))
		return;
	while ((t = readdir(d)) && *n < MAX_TREE) {
		unsigned long long child;
		FILE *f;

		if (t->d_name[0] == '.')
			continue;
		snprintf(fn, sizeof(fn), "/proc/%d/task/%s/children", (int)pid, t->d_name);
		if (!(f = fopen(fn, "re")))
			continue;
		while (*n < MAX_TREE && fscanf(f, "%llu", &child) == 1)
			out[(*n)++] = (pid_t)child;
		fclose(f);
	}
	closedir(d);
}

void bin_symcache_refresh(struct bin_symcache *c)
{
	pid_t pids[MAX_TREE];

	for (size_t i = 0; c && i < c->nwatched; i++) {
		size_t n = 0;

		pids[n++] = c->watched[i];
		/* breadth first: collect appends each one's children */
		for (size_t j = 0; c->tree[i] && j < n; j++)
			collect(pids[j], pids, &n);
		for (size_t j = 0; j < n; j++)
			refresh_pid(c, pids[j]);
	}
}

