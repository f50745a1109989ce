// SPDX-License-Identifier: GPL-2.0-only
/* Source lines to code addresses through the DWARF line table, for
 * uprobe:BIN:FILE:LINE. libdw (elfutils) reads the table: it is already
 * linked for the debug-file lookup, and it decodes every DWARF version
 * gcc and clang emit, which a hand-written .debug_line reader would have
 * to follow. */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "binary/binary.h"
#include "util/util.h"

/* The table names files as the compiler saw them ("/src/t/calls.c",
 * "t/calls.c"); the user names the file or a tail of its path. */
static bool file_matches(const char *src, const char *want)
{
	size_t ls = strlen(src), lw = strlen(want);

	if (!strcmp(src, want))
		return true;
	return ls > lw && src[ls - lw - 1] == '/' && !strcmp(src + ls - lw, want);
}

/* The function instance holding pc: the subprogram, or the inlined copy
 * of one. A line gets one site in each instance, as a debugger's
 * breakpoint does. */
static Dwarf_Off instance_of(Dwarf_Die *cu, Dwarf_Addr pc)
{
	Dwarf_Die *scopes = NULL;
	Dwarf_Off off = 0;
	int n = dwarf_getscopes(cu, pc, &scopes);

	for (int i = 0; i < n; i++) {
		int tag = dwarf_tag(&scopes[i]);
		if (tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine) {
			off = dwarf_dieoffset(&scopes[i]);
			break;
		}
	}
	free(scopes);
	return off;
}

struct instance {
	Dwarf_Off die;
	uint64_t vaddr;		/* the lowest statement of the line in it */
};
typedef VEC(struct instance) instance_vec;

/* The lowest address of the line in each instance. */
static void keep_lowest(instance_vec *v, Dwarf_Off die, uint64_t vaddr)
{
	for (size_t i = 0; i < v->n; i++) {
		if (v->v[i].die != die)
			continue;
		if (vaddr < v->v[i].vaddr)
			v->v[i].vaddr = vaddr;
		return;
	}
	vec_push(v, ((struct instance){ die, vaddr }));
}

static void nearer(struct bin_line_sites *out, int line, int lno)
{
	if (lno < line && lno > out->before)
		out->before = lno;
	if (lno > line && (!out->after || lno < out->after))
		out->after = lno;
}

/* The debug sections a line table's file names may lie in. libdw hands
 * out the last name of a malformed table (one that runs to the end of
 * its section) unterminated, and reading it would run past the section:
 * a name that starts in one of these must have its NUL there too. */
struct name_span {
	const char *p;
	size_t n;
};
#define NAME_SPANS 4

static size_t name_spans(Dwarf *dw, struct name_span *sp)
{
	static const char *const names[NAME_SPANS] = {
		".debug_line", ".debug_line_str", ".debug_str", ".debug_info",
	};
	Elf *e = dwarf_getelf(dw);
	Elf_Scn *scn = NULL;
	size_t shstrndx, n = 0;

	if (!e || elf_getshdrstrndx(e, &shstrndx))
		return 0;
	while ((scn = elf_nextscn(e, scn)) && n < NAME_SPANS) {
		GElf_Shdr sh;
		const char *name;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || !(name = elf_strptr(e, shstrndx, sh.sh_name)))
			continue;
		for (size_t i = 0; i < NAME_SPANS; i++)
			if (!strcmp(name, names[i]) && (d = elf_getdata(scn, NULL)) && d->d_buf)
				sp[n++] = (struct name_span){ d->d_buf, d->d_size };
	}
	return n;
}

static bool name_whole(const char *src, const struct name_span *sp, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (src >= sp[i].p && src < sp[i].p + sp[i].n)
			return memchr(src, 0, (size_t)(sp[i].p + sp[i].n - src)) != NULL;
	return true;	/* made by libdw (a joined path): terminated */
}

/* One compile unit's rows of the file: the line's statements, and the
 * lines around it that have code. */
static void scan_cu(Dwarf_Die *cu, const char *file, int line, struct bin_line_sites *out,
		    instance_vec *instances, const struct name_span *sp, size_t nsp)
{
	Dwarf_Lines *lines;
	size_t nlines;

	if (dwarf_getsrclines(cu, &lines, &nlines) != 0)
		return;
	for (size_t i = 0; i < nlines; i++) {
		Dwarf_Line *l = dwarf_onesrcline(lines, i);
		const char *src = l ? dwarf_linesrc(l, NULL, NULL) : NULL;
		bool stmt = false, end = false;
		Dwarf_Addr addr;
		int lno;

		if (!src || !name_whole(src, sp, nsp) || !file_matches(src, file) || dwarf_lineno(l, &lno) ||
		    dwarf_lineaddr(l, &addr) || dwarf_linebeginstatement(l, &stmt) ||
		    dwarf_lineendsequence(l, &end) || !stmt || end || lno <= 0)
			continue;
		out->file_found = true;
		if (lno == line)
			keep_lowest(instances, instance_of(cu, addr), addr);
		else
			nearer(out, line, lno);
	}
}

static bool scan(Dwarf *dw, const char *file, int line, struct bin_line_sites *out)
{
	instance_vec inst = {0};
	Dwarf_Off off = 0, next;
	size_t hsize;
	bool any = false;
	struct name_span sp[NAME_SPANS];
	size_t nsp = name_spans(dw, sp);

	while (dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu;
		Dwarf_Lines *lines;
		size_t n;

		if (dwarf_offdie(dw, off + hsize, &cu) &&
		    dwarf_getsrclines(&cu, &lines, &n) == 0 && n) {
			any = true;
			scan_cu(&cu, file, line, out, &inst, sp, nsp);
		}
		off = next;
	}
	for (size_t i = 0; i < inst.n; i++)
		vec_push(&out->vaddr, inst.v[i].vaddr);
	vec_free(&inst);
	return any;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

bool bin_line_addrs(const struct bin *b, const char *file, int line, struct bin_line_sites *out,
		    char *err, size_t errlen)
{
	char path[PATH_MAX];
	bool any = false;
	Dwarf *dw;
	int fd;

	*out = (struct bin_line_sites){0};
	if ((dw = dwarf_begin_elf(b->elf, DWARF_C_READ, NULL))) {
		any = scan(dw, file, line, out);
		dwarf_end(dw);
	}
	/* stripped: the table is in its separate debug file */
	if (!any && (fd = bin_debug_file(b, path, sizeof(path))) >= 0) {
		if ((dw = dwarf_begin(fd, DWARF_C_READ))) {
			any = scan(dw, file, line, out);
			dwarf_end(dw);
		}
		close(fd);
	}
	if (!any) {
		snprintf(err, errlen, "%s has no DWARF line table (build it with -g, or install "
			 "its debug symbols)", b->path);
		return false;
	}
	if (out->vaddr.n > 1)
		qsort(out->vaddr.v, out->vaddr.n, sizeof(uint64_t), cmp_u64);
	return true;
}

void bin_line_sites_free(struct bin_line_sites *s)
{
	vec_free(&s->vaddr);
}
