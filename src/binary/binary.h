/* SPDX-License-Identifier: GPL-2.0-only */
/* Binaries on disk: finding them (PATH, loader cache, /proc/PID), their
 * symbols, and turning link-time addresses into the file offsets the
 * kernel's uprobe API wants. Also symbolisation of runtime addresses. */
#ifndef PLUMB_BINARY_H
#define PLUMB_BINARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ast/type.h"
#include <sys/types.h>

struct bin_seg {
	uint64_t vaddr, memsz, off, filesz;
	uint32_t flags;		/* PF_X | PF_W | PF_R */
};

enum bin_sym_type { BIN_SYM_FUNC, BIN_SYM_OBJECT, BIN_SYM_OTHER };

struct bin_sym {
	char *name;
	uint64_t vaddr, size;
	enum bin_sym_type type;
	bool global;		/* STB_GLOBAL or STB_WEAK */
};

struct bin {
	char *path;		/* the path it was opened by */
	dev_t dev;
	ino_t ino;
	bool pie;		/* ET_DYN (PIE executable or shared library) */
	size_t nsegs;
	struct bin_seg *segs;	/* PT_LOAD segments */
	size_t nsyms;
	struct bin_sym *syms;	/* .symtab and .dynsym merged, sorted by vaddr then name,
				   duplicates (same name and vaddr) removed; only symbols
				   with a non-zero vaddr that lies in a PT_LOAD segment */
	bool has_symtab;	/* its own .symtab (not stripped) */
	char *debug_path;	/* the separate debug file whose .symtab it uses, or NULL */
	void *elf;		/* Elf * (libelf), kept open for the note reader */
	int fd;			/* -1 for in-memory images */
	void *image;		/* owned copy for in-memory images, else NULL */
};

/* Open a binary by path. On failure returns NULL and writes a one-line
 * reason to err ("not an ELF file", "No such file or directory", ...).
 * A stripped binary (no .symtab) also takes the .symtab of its separate
 * debug file (see bin_debug_file). */
struct bin *bin_open(const char *path, char *err, size_t errlen);
/* The same on an in-memory image (copied); for fuzzing and tests. */
struct bin *bin_open_mem(const void *buf, size_t len, char *err, size_t errlen);
void bin_close(struct bin *b);

/* Link-time virtual address to file offset through the PT_LOAD segments.
 * want_exec prefers an executable segment. Returns false when no segment
 * holds the address (or it lies in .bss, past p_filesz). */
bool bin_vaddr_to_off(const struct bin *b, uint64_t vaddr, bool want_exec, uint64_t *off);
/* The reverse, for symbolising: file offset to link-time vaddr. */
bool bin_off_to_vaddr(const struct bin *b, uint64_t off, uint64_t *vaddr);

/* Exact lookup by name, preferring a global FUNC/OBJECT symbol; NULL when
 * absent. *ambiguous is set when several distinct addresses carry the name
 * (may be NULL). */
const struct bin_sym *bin_sym_find(const struct bin *b, const char *name, bool *ambiguous);
/* All FUNC symbols (funcs_only) or all symbols whose name matches the
 * fnmatch(3) pattern, one per distinct vaddr, in vaddr order. Returns the
 * count; *out is a malloc'd array of pointers into b->syms (free it). */
size_t bin_sym_match(const struct bin *b, const char *pattern, bool funcs_only,
		     const struct bin_sym ***out);
/* The symbol containing vaddr (vaddr in [sym, sym+size), or the nearest
 * preceding FUNC when sizes are 0); NULL if none. */
const struct bin_sym *bin_sym_at(const struct bin *b, uint64_t vaddr);

/* Its separate debug file, found as gdb finds it (debugfile.c): by
 * build-id under the debug directory (/usr/lib/debug, or $PLUMB_DEBUG_DIR),
 * .build-id/xx/rest.debug; by .gnu_debuglink beside the binary, in .debug/
 * beside it and under the debug directory plus its directory (the link's
 * CRC-32 must match); then from debuginfod when DEBUGINFOD_URLS is set.
 * Returns an open descriptor and the path, or -1. */
int bin_debug_file(const struct bin *b, char *path, size_t len);

/* C++ names (demangle.c). bin_demangle gives a symbol's name as c++filt
 * prints it (params) or without the parameter list, malloc'd; NULL when
 * the symbol is not a C++ name. */
char *bin_demangle(const char *name, bool params);

/* A function and the names a user may call it by. */
struct bin_func {
	const struct bin_sym *sym;
	char *full;		/* "ns::C::m(char const*)", NULL for C names */
	char *base;		/* "ns::C::m", NULL for C names */
	const char *name;	/* what to print: full, or the symbol's name */
};

struct bin_funcs {
	size_t n;
	struct bin_func *v;	/* the FUNC symbols of a bin, in b->syms order */
};

void bin_funcs_load(const struct bin *b, struct bin_funcs *f);
void bin_funcs_free(struct bin_funcs *f);
/* The functions a name stands for. Exact (glob false): those whose symbol
 * is the name, else those whose full demangled name is (one overload),
 * else those whose name without parameters is (every overload). A
 * fnmatch(3) pattern (glob true): every function matching in any of these
 * ways. One per address. Returns the count; *out is malloc'd. */
size_t bin_funcs_match(const struct bin_funcs *f, const char *name, bool glob,
		       const struct bin_func ***out);
/* The closest name to a misspelt one, for "did you mean"; NULL if none is
 * close. Compared with full names when it has a parameter list. */
const char *bin_funcs_closest(const struct bin_funcs *f, const char *name);

/* The code of a source line (lines.c), from the DWARF line table of the
 * binary or of its separate debug file: the first statement of the line
 * in each function instance that has it (inlined copies included), in
 * address order. FILE is the source's name or a tail of its path
 * ("calls.c", "t/targets/calls.c"). When the line has no code, before
 * and after are the nearest lines of the file that have (0: none). */
struct bin_line_sites {
	struct { uint64_t *v; size_t n, cap; } vaddr;
	bool file_found;	/* the table has the file */
	int before, after;
};
/* False, with the reason in err, when the binary has no line table. */
bool bin_line_addrs(const struct bin *b, const char *file, int line, struct bin_line_sites *out,
		    char *err, size_t errlen);
void bin_line_sites_free(struct bin_line_sites *s);

/* Resolve what the user typed as a binary:
 *  - contains '/': that path (made absolute with realpath), must exist;
 *  - otherwise the first executable on $PATH that is an ELF file (scripts
 *    such as pyenv shims are passed over; when only scripts match, the
 *    error names the first and its "#!" interpreter);
 *  - otherwise a library short name resolved through the loader cache
 *    (/etc/ld.so.cache, as `ldconfig -p` shows it): "c" -> libc.so.6,
 *    "libc", "libc.so", "libpython3.11.so" -> the newest matching soname
 *    for this machine's architecture (x86-64).
 *  - with pid > 0, first look at /proc/PID/maps: a mapped file whose
 *    basename matches the name (or lib<name>.so*) resolves to
 *    /proc/PID/root/<mapped path>; a name that is the process's
 *    executable resolves to /proc/PID/root/<exe path>. A path given with
 *    '/' is also tried under /proc/PID/root when it does not exist on the
 *    host (or is a different file there: another mount namespace).
 *    Mapped files that were deleted resolve to /proc/PID/map_files/A-B
 *    (or /proc/PID/exe), which still open the mapped inode.
 *  Host results are canonical (realpath): "sh" may give /usr/bin/dash.
 * Writes the result to out (PATH_MAX bytes); returns false with a reason
 * in err ("'memsqld' not found in $PATH or the loader cache"). */
bool bin_resolve(const char *name, pid_t pid, char *out, size_t outlen, char *err, size_t errlen);
/* The files process pid maps executable (its program, the loader and its
 * shared libraries), as its maps name them, each once: *out is malloc'd,
 * each string too. Returns the count, 0 when the maps cannot be read. */
size_t bin_mapped_objects(pid_t pid, char ***out);
/* The files a -c command (a shell line) will map once the loader has
 * started it (binary/needed.c): each simple command's program, its
 * interpreter and the libraries they need, found as ld.so finds them; no
 * library it dlopen()s later. *out and its strings malloc'd. 0, with the
 * reason in err, when no program was found. */
size_t bin_command_objects(const char *cmd, char ***out, char *err, size_t errlen);
/* name (a soname) in /etc/ld.so.cache, exactly, into out. */
bool bin_ldcache_find(const char *name, char *out, size_t outlen);
/* The loader-cache part of bin_resolve on an in-memory image of
 * /etc/ld.so.cache (old "ld.so-1.7.0", new "glibc-ld.so.cache1.1", or the
 * old format followed by the new one). Copies the path as stored in the
 * cache (not realpath'd). For tests and fuzzing; bin_resolve uses it. */
bool bin_ldcache_lookup(const void *image, size_t len, const char *name, char *out,
			size_t outlen);

/* Symbolising runtime addresses of live processes (for ustack, usym).
 * Caches /proc/PID/maps per pid and opened binaries per (dev, ino). */
struct bin_symcache;
struct bin_symcache *bin_symcache_new(void);
/* The same with another bound on the bytes it holds (tests). */
struct bin_symcache *bin_symcache_new_bounded(size_t max_bytes);
size_t bin_symcache_bytes(const struct bin_symcache *c);
void bin_symcache_free(struct bin_symcache *c);
/* A process whose objects must be named even after it exits (-p's, and
 * -c's with its descendants): its maps are read now and again on each
 * bin_symcache_refresh (at most every 100 ms), so that the libraries it
 * loads later (dlopen) are known too. */
void bin_symcache_watch(struct bin_symcache *c, pid_t pid, bool descendants);
void bin_symcache_refresh(struct bin_symcache *c);
bool bin_symcache_watching(const struct bin_symcache *c);
/* Forget a pid's maps (e.g. after it exec'd); cheap. */
void bin_symcache_forget(struct bin_symcache *c, pid_t pid);
/* Format addr as "func+0x1a" (or "func" at offset 0), C++ names as
 * c++filt prints them, in whichever object of the process holds it (the
 * object's .symtab, or its debug file's); when the address
 * cannot be symbolised, as "0x7f12..." (hex). with_module appends
 * " (/usr/bin/foo)". Writes to buf, returns buf. */
const char *bin_symbolize(struct bin_symcache *c, pid_t pid, uint64_t addr, bool with_offset,
			  bool with_module, char *buf, size_t len);

/* A kernel address as "func+0x1a", from /proc/kallsyms (hex when it has
 * no symbol, or kallsyms hides addresses). */
const char *bin_ksym(uint64_t addr, char *buf, size_t len);
void bin_ksym_free(void);
/* The address of a kernel symbol of any kind, from /proc/kallsyms: 0 when
 * found, -1 when not there, -2 when kallsyms hides its address (0). */
int bin_kaddr(const char *name, uint64_t *addr);

/* Debug info (dwarf.c), from the binary or its separate debug file. */
struct bin_param {
	char *name;		/* "this" for a method's hidden first parameter */
	const struct ctype *type;	/* NULL: void */
};

struct bin_sig {
	const struct ctype *ret;	/* NULL: void */
	struct bin_param *params;
	size_t nparams;
	bool has_this;		/* params[0] is the hidden this */
	bool varargs;
};

/* The signature of the function holding vaddr, its types added to tt.
 * False when there is no debug info for it. */
bool bin_dwarf_sig(const struct bin *b, uint64_t vaddr, struct type_table *tt,
		   struct bin_sig *s);
void bin_sig_free(struct bin_sig *s);
/* A type by name ("Snapshot", "shop::Snapshot", "uint32_t"); walks the
 * units until found. NULL when there is none or no debug info. */
const struct ctype *bin_dwarf_type(const struct bin *b, const char *name, struct type_table *tt);
const struct ctype *bin_dwarf_type_path(const char *path, const char *name,
					struct type_table *tt);
/* Close what the last calls kept open. */
void bin_dwarf_done(void);

#endif
