// SPDX-License-Identifier: GPL-2.0-only
/* Opening ELF binaries: PT_LOAD segments, symbols (.symtab + .dynsym),
 * link-time address <-> file offset, symbol lookup. Everything here must
 * survive arbitrary bytes (bin_open_mem is a fuzz target). */
#include "binary/binary.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/util.h"

static bool elf_ready(char *err, size_t errlen)
{
	static int state;	/* 0 unknown, 1 ok, -1 failed */

	if (!state)
		state = elf_version(EV_CURRENT) == EV_NONE ? -1 : 1;
	if (state < 0)
		errf(err, errlen, "libelf is out of date");
	return state > 0;
}

static enum bin_sym_type sym_type(unsigned t)
{
	switch (t) {
	case STT_FUNC:
	case STT_GNU_IFUNC:
		return BIN_SYM_FUNC;
	case STT_OBJECT:
		return BIN_SYM_OBJECT;
	default:
		return BIN_SYM_OTHER;
	}
}

/* How good a symbol is as "the" name of an address: global FUNC/OBJECT
 * first, then local FUNC/OBJECT, then anything else; sized before
 * unsized. Lower is better. */
static int sym_rank(const struct bin_sym *s)
{
	int r = s->type == BIN_SYM_OTHER ? 4 : s->type == BIN_SYM_OBJECT ? 1 : 0;

	if (!s->global)
		r += 2;
	return r * 2 + (s->size == 0);
}

static int leading_underscores(const char *s)
{
	int n = 0;

	while (s[n] == '_')
		n++;
	return n;
}

/* a better than b as the name for an address: rank, then fewer leading
 * underscores (fopen over _IO_fopen), then the shorter name */
static bool sym_better(const struct bin_sym *a, const struct bin_sym *b)
{
	int c = sym_rank(a) - sym_rank(b);

	if (c)
		return c < 0;
	c = leading_underscores(a->name) - leading_underscores(b->name);
	if (c)
		return c < 0;
	return strlen(a->name) < strlen(b->name);
}

static int sym_cmp(const void *pa, const void *pb)
{
	const struct bin_sym *a = pa, *b = pb;
	int c;

	if (a->vaddr != b->vaddr)
		return a->vaddr < b->vaddr ? -1 : 1;
	if ((c = strcmp(a->name, b->name)))
		return c;
	/* same name and address: the best one first, it survives dedup */
	if ((c = sym_rank(a) - sym_rank(b)))
		return c;
	if (a->size != b->size)
		return a->size > b->size ? -1 : 1;
	return 0;
}

static bool in_load_segment(const struct bin *b, uint64_t va)
{
	for (size_t i = 0; i < b->nsegs; i++)
		if (va >= b->segs[i].vaddr && va - b->segs[i].vaddr < b->segs[i].memsz)
			return true;
	return false;
}

/* size bounds counts read from the file: nothing can have more entries
 * than the image has bytes. */
static void load_segments(struct bin *b, Elf *e, uint64_t size)
{
	VEC(struct bin_seg) segs = {0};
	size_t phnum = 0, max = (size_t)(size / 32 + 1);

	if (elf_getphdrnum(e, &phnum) != 0)
		return;
	if (phnum > max)
		phnum = max;
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(e, (int)i, &ph))
			break;
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		/* reject segments wrapping around the address space */
		if (ph.p_vaddr + ph.p_memsz < ph.p_vaddr || ph.p_offset + ph.p_filesz < ph.p_offset)
			continue;
		struct bin_seg s = {
			.vaddr = ph.p_vaddr,
			.memsz = ph.p_memsz,
			.off = ph.p_offset,
			.filesz = ph.p_filesz < ph.p_memsz ? ph.p_filesz : ph.p_memsz,
			.flags = ph.p_flags,
		};
		vec_push(&segs, s);
	}
	b->segs = segs.v;
	b->nsegs = segs.n;
}

typedef VEC(struct bin_sym) sym_vec;

/* The symbols of e's .symtab and .dynsym that lie in b's PT_LOAD segments
 * (e is b's own image, or its separate debug file: same layout). Returns
 * whether e has a .symtab. */
static bool read_symbols(const struct bin *b, Elf *e, sym_vec *syms)
{
	Elf_Scn *scn = NULL;
	size_t shnum = 0, nscn = 0;
	bool symtab = false;

	if (elf_getshdrnum(e, &shnum) != 0)
		return false;
	while ((scn = elf_nextscn(e, scn)) && nscn++ < shnum) {
		GElf_Shdr sh;
		Elf_Data *d;
		size_t symsz, nsym;

		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM)
			continue;
		if (sh.sh_link == 0 || sh.sh_link >= shnum)
			continue;
		if (!(d = elf_getdata(scn, NULL)) || !d->d_buf)
			continue;
		symsz = gelf_fsize(e, ELF_T_SYM, 1, EV_CURRENT);
		if (!symsz)
			continue;
		symtab |= sh.sh_type == SHT_SYMTAB;
		nsym = d->d_size / symsz;
		if (nsym > INT_MAX)
			nsym = INT_MAX;
		for (size_t i = 1; i < nsym; i++) {
			GElf_Sym s;
			const char *name;
			unsigned type, bind;

			if (!gelf_getsym(d, (int)i, &s))
				break;
			type = GELF_ST_TYPE(s.st_info);
			bind = GELF_ST_BIND(s.st_info);
			if (s.st_value == 0 || s.st_shndx == SHN_UNDEF || s.st_shndx == SHN_ABS)
				continue;
			if (type == STT_SECTION || type == STT_FILE || type == STT_TLS)
				continue;
			if (!in_load_segment(b, s.st_value))
				continue;
			name = elf_strptr(e, sh.sh_link, s.st_name);
			if (!name || !*name)
				continue;
			struct bin_sym bs = {
				.name = xstrdup(name),
				.vaddr = s.st_value,
				.size = s.st_size,
				.type = sym_type(type),
				.global = bind == STB_GLOBAL || bind == STB_WEAK ||
					  bind == STB_GNU_UNIQUE,
			};
			vec_push(syms, bs);
		}
	}
	return symtab;
}

/* Sorted by address, duplicates (same name and address) dropped. */
static void set_symbols(struct bin *b, sym_vec *syms)
{
	if (syms->n) {
		size_t w = 0;
		qsort(syms->v, syms->n, sizeof(*syms->v), sym_cmp);
		for (size_t i = 0; i < syms->n; i++) {
			if (w && syms->v[w - 1].vaddr == syms->v[i].vaddr &&
			    !strcmp(syms->v[w - 1].name, syms->v[i].name)) {
				free(syms->v[i].name);
				continue;
			}
			syms->v[w++] = syms->v[i];
		}
		syms->n = w;
	}
	b->syms = syms->v;
	b->nsyms = syms->n;
}

static void load_symbols(struct bin *b, Elf *e)
{
	sym_vec syms = {0};

	b->has_symtab = read_symbols(b, e, &syms);
	set_symbols(b, &syms);
}

/* A stripped binary (no .symtab) takes the .symtab of its separate debug
 * file, found as gdb finds it: its addresses are the binary's, since the
 * two share one layout. */
static void load_debug_symbols(struct bin *b)
{
	char path[PATH_MAX];
	sym_vec syms = { .v = b->syms, .n = b->nsyms, .cap = b->nsyms };
	int fd;
	Elf *e;

	if (b->has_symtab || (fd = bin_debug_file(b, path, sizeof(path))) < 0)
		return;
	e = elf_begin(fd, ELF_C_READ, NULL);
	if (e && elf_kind(e) == ELF_K_ELF && read_symbols(b, e, &syms)) {
		b->debug_path = xstrdup(path);
		set_symbols(b, &syms);
	} else {
		/* not a debug file after all: keep what we had */
		for (size_t i = b->nsyms; i < syms.n; i++)
			free(syms.v[i].name);
		b->syms = syms.v;
	}
	if (e)
		elf_end(e);
	close(fd);
}

/* Takes ownership of e (elf_end on failure). */
static struct bin *bin_from_elf(struct bin *b, Elf *e, uint64_t size, char *err, size_t errlen)
{
	GElf_Ehdr eh;
	int cls;

	b->elf = e;
	if (elf_kind(e) != ELF_K_ELF) {
		errf(err, errlen, "not an ELF file");
		goto fail;
	}
	cls = gelf_getclass(e);
	if ((cls != ELFCLASS32 && cls != ELFCLASS64) || !gelf_getehdr(e, &eh)) {
		errf(err, errlen, "malformed ELF header");
		goto fail;
	}
	if (eh.e_ident[EI_DATA] != ELFDATA2LSB && eh.e_ident[EI_DATA] != ELFDATA2MSB) {
		errf(err, errlen, "malformed ELF header (unknown byte order)");
		goto fail;
	}
	if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) {
		errf(err, errlen, "not an executable or shared library (ELF type %u)",
		       (unsigned)eh.e_type);
		goto fail;
	}
	b->pie = eh.e_type == ET_DYN;
	load_segments(b, e, size);
	load_symbols(b, e);
	return b;
fail:
	bin_close(b);
	return NULL;
}

struct bin *bin_open(const char *path, char *err, size_t errlen)
{
	struct bin *b;
	struct stat st;
	Elf *e;
	int fd;

	if (!elf_ready(err, errlen))
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		errf(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0) {
		errf(err, errlen, "%s", strerror(errno));
		close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		errf(err, errlen, S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file");
		close(fd);
		return NULL;
	}
	e = elf_begin(fd, ELF_C_READ, NULL);
	if (!e) {
		errf(err, errlen, "not an ELF file (%s)", elf_errmsg(-1));
		close(fd);
		return NULL;
	}
	b = xcalloc(1, sizeof(*b));
	b->path = xstrdup(path);
	b->dev = st.st_dev;
	b->ino = st.st_ino;
	b->fd = fd;
	b = bin_from_elf(b, e, (uint64_t)st.st_size, err, errlen);
	if (b)
		load_debug_symbols(b);
	return b;
}

struct bin *bin_open_mem(const void *buf, size_t len, char *err, size_t errlen)
{
	struct bin *b;
	Elf *e;

	if (!elf_ready(err, errlen))
		return NULL;
	b = xcalloc(1, sizeof(*b));
	b->fd = -1;
	b->path = xstrdup("<memory>");
	b->image = xmalloc(len ? len : 1);
	if (len)
		memcpy(b->image, buf, len);
	e = elf_memory(b->image, len);
	if (!e) {
		errf(err, errlen, "not an ELF file (%s)", elf_errmsg(-1));
		bin_close(b);
		return NULL;
	}
	return bin_from_elf(b, e, len, err, errlen);
}

void bin_close(struct bin *b)
{
	if (!b)
		return;
	if (b->elf)
		elf_end(b->elf);
	if (b->fd >= 0)
		close(b->fd);
	for (size_t i = 0; i < b->nsyms; i++)
		free(b->syms[i].name);
	free(b->syms);
	free(b->segs);
	free(b->image);
	free(b->debug_path);
	free(b->path);
	free(b);
}

bool bin_vaddr_to_off(const struct bin *b, uint64_t vaddr, bool want_exec, uint64_t *off)
{
	const struct bin_seg *best = NULL;

	for (size_t i = 0; i < b->nsegs; i++) {
		const struct bin_seg *s = &b->segs[i];
		if (vaddr < s->vaddr || vaddr - s->vaddr >= s->filesz)
			continue;
		if (!best || (want_exec && (s->flags & PF_X) && !(best->flags & PF_X)))
			best = s;
	}
	if (!best)
		return false;
	*off = best->off + (vaddr - best->vaddr);
	return true;
}

bool bin_off_to_vaddr(const struct bin *b, uint64_t off, uint64_t *vaddr)
{
	const struct bin_seg *best = NULL;

	for (size_t i = 0; i < b->nsegs; i++) {
		const struct bin_seg *s = &b->segs[i];
		if (off < s->off || off - s->off >= s->filesz)
			continue;
		/* overlapping file ranges: prefer code, we mostly symbolise pcs */
		if (!best || ((s->flags & PF_X) && !(best->flags & PF_X)))
			best = s;
	}
	if (!best)
		return false;
	*vaddr = best->vaddr + (off - best->off);
	return true;
}

const struct bin_sym *bin_sym_find(const struct bin *b, const char *name, bool *ambiguous)
{
	const struct bin_sym *best = NULL;
	bool amb = false;

	for (size_t i = 0; i < b->nsyms; i++) {
		const struct bin_sym *s = &b->syms[i];
		if (strcmp(s->name, name))
			continue;
		if (best && best->vaddr != s->vaddr)
			amb = true;
		if (!best || sym_rank(s) < sym_rank(best))
			best = s;
	}
	if (ambiguous)
		*ambiguous = amb;
	return best;
}

size_t bin_sym_match(const struct bin *b, const char *pattern, bool funcs_only,
		     const struct bin_sym ***out)
{
	VEC(const struct bin_sym *) v = {0};

	for (size_t i = 0; i < b->nsyms; i++) {
		const struct bin_sym *s = &b->syms[i];
		if (funcs_only && s->type != BIN_SYM_FUNC)
			continue;
		if (fnmatch(pattern, s->name, 0))
			continue;
		if (v.n && v.v[v.n - 1]->vaddr == s->vaddr) {
			/* one per address: keep the best name */
			if (sym_better(s, v.v[v.n - 1]))
				v.v[v.n - 1] = s;
			continue;
		}
		vec_push(&v, s);
	}
	*out = v.v;
	return v.n;
}

static const struct bin_seg *seg_of(const struct bin *b, uint64_t va)
{
	for (size_t i = 0; i < b->nsegs; i++)
		if (va >= b->segs[i].vaddr && va - b->segs[i].vaddr < b->segs[i].memsz)
			return &b->segs[i];
	return NULL;
}

/* How far back bin_sym_at looks for an enclosing sized symbol. Nested or
 * overlapping symbols are rare; this bounds the cost per lookup. */
#define SYM_AT_BACKSCAN 256

const struct bin_sym *bin_sym_at(const struct bin *b, uint64_t vaddr)
{
	const struct bin_sym *best = NULL;
	size_t lo = 0, hi = b->nsyms, n;

	/* first index with syms[i].vaddr > vaddr */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (b->syms[mid].vaddr <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	/* a sized symbol that contains the address; the highest start wins
	 * (innermost), ties at one address broken by rank */
	n = 0;
	for (size_t i = lo; i-- > 0 && n < SYM_AT_BACKSCAN; n++) {
		const struct bin_sym *s = &b->syms[i];
		if (best && s->vaddr != best->vaddr)
			break;
		if (s->size && vaddr - s->vaddr < s->size && (!best || sym_better(s, best)))
			best = s;
	}
	if (best)
		return best;
	/* nothing sized contains it: the nearest preceding FUNC, if it has no
	 * size and lives in the same segment */
	{
		const struct bin_seg *seg = seg_of(b, vaddr);
		for (size_t i = lo; i-- > 0;) {
			const struct bin_sym *s = &b->syms[i];
			if (s->type != BIN_SYM_FUNC)
				continue;
			if (s->size == 0 && seg && seg_of(b, s->vaddr) == seg) {
				/* several unsized FUNCs at one address: best rank */
				const struct bin_sym *r = s;
				for (size_t j = i; j-- > 0 && b->syms[j].vaddr == s->vaddr;)
					if (b->syms[j].type == BIN_SYM_FUNC && b->syms[j].size == 0 &&
					    sym_better(&b->syms[j], r))
						r = &b->syms[j];
				return r;
			}
			return NULL;
		}
	}
	return NULL;
}
