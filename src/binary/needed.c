// SPDX-License-Identifier: GPL-2.0-only
/* The objects a -c command will map once the loader has started it: its
 * program, the program's interpreter, and the shared libraries they
 * need (DT_NEEDED, transitively), found in the order ld.so(8) searches:
 * the needing object's DT_RPATH (when it has no DT_RUNPATH) and the
 * program's, $LD_LIBRARY_PATH, the needing object's DT_RUNPATH, the
 * loader cache (/etc/ld.so.cache), then the default directories, with
 * $ORIGIN the needing object's directory. A library of another machine
 * (a 32-bit one in a directory searched first) is passed over, as the
 * loader passes it over. So usdt:*:NAME and uprobe:*:FUNC under -c can
 * resolve before the command runs; what the command dlopen()s later is
 * not known now (-p covers it). */
#include "binary/binary.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/util.h"

/* Where glibc looks last, on Debian's multiarch layout and elsewhere. */
static const char *const default_dirs[] = {
	"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64",
	"/lib", "/usr/lib",
};

/* Paths or names, each malloc'd (vec_push works on it). */
struct strlist {
	char **v;
	size_t n, cap;
};

/* What the loader reads of one object. */
struct dyn {
	char *path;
	char *origin;		/* its directory, for $ORIGIN */
	char *rpath, *runpath;	/* NULL when absent */
	char *interp;		/* PT_INTERP (the program's) */
	struct strlist needed;
	int machine, cls;
};

static void dyn_free(struct dyn *d)
{
	free(d->path);
	free(d->origin);
	free(d->rpath);
	free(d->runpath);
	free(d->interp);
	for (size_t i = 0; i < d->needed.n; i++)
		free(d->needed.v[i]);
	vec_free(&d->needed);
}

static void read_dynamic(Elf *e, Elf_Scn *scn, const GElf_Shdr *sh, struct dyn *d)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t n = sh->sh_entsize ? sh->sh_size / sh->sh_entsize : 0;
	GElf_Dyn dy;

	for (size_t i = 0; data && i < n && gelf_getdyn(data, (int)i, &dy); i++) {
		if (dy.d_tag != DT_NEEDED && dy.d_tag != DT_RPATH && dy.d_tag != DT_RUNPATH)
			continue;
		const char *s = elf_strptr(e, sh->sh_link, (size_t)dy.d_un.d_val);
		if (!s)
			continue;
		if (dy.d_tag == DT_NEEDED)
			vec_push(&d->needed, xstrdup(s));
		else if (dy.d_tag == DT_RPATH && !d->rpath)
			d->rpath = xstrdup(s);
		else if (dy.d_tag == DT_RUNPATH && !d->runpath)
			d->runpath = xstrdup(s);
	}
}

static void read_interp(Elf *e, int fd, struct dyn *d)
{
	size_t nph = 0;
	GElf_Phdr ph;
	char buf[PATH_MAX];

	if (elf_getphdrnum(e, &nph))
		return;
	for (size_t i = 0; i < nph; i++) {
		if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_INTERP || !ph.p_filesz ||
		    ph.p_filesz >= sizeof(buf))
			continue;
		if (pread(fd, buf, ph.p_filesz, (off_t)ph.p_offset) != (ssize_t)ph.p_filesz)
			return;
		buf[ph.p_filesz] = '\0';
		d->interp = xstrdup(buf);
		return;
	}
}

/* The object at path: false when it is not an ELF file one can read. */
static bool dyn_read(const char *path, struct dyn *d)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	Elf *e;
	GElf_Ehdr eh;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	char *rp;

	memset(d, 0, sizeof(*d));
	if (fd < 0)
		return false;
	if (elf_version(EV_CURRENT) == EV_NONE || !(e = elf_begin(fd, ELF_C_READ, NULL))) {
		close(fd);
		return false;
	}
	bool ok = elf_kind(e) == ELF_K_ELF && gelf_getehdr(e, &eh);
	if (ok) {
		d->machine = eh.e_machine;
		d->cls = gelf_getclass(e);
		while ((scn = elf_nextscn(e, scn)))
			if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_DYNAMIC)
				read_dynamic(e, scn, &sh, d);
		read_interp(e, fd, d);
		rp = realpath(path, NULL);
		d->path = rp ? rp : xstrdup(path);
		char *slash = strrchr(d->path, '/');
		d->origin = slash ? xstrndup(d->path, (size_t)(slash - d->path)) : xstrdup(".");
	}
	elf_end(e);
	close(fd);
	if (!ok)
		dyn_free(d);
	return ok;
}

/* dir with $ORIGIN and ${ORIGIN} replaced by origin. */
static char *expand_origin(const char *dir, size_t len, const char *origin)
{
	struct strbuf sb = {0};

	for (size_t i = 0; i < len;) {
		if (!strncmp(dir + i, "$ORIGIN", 7) && len - i >= 7) {
			sb_puts(&sb, origin);
			i += 7;
		} else if (!strncmp(dir + i, "${ORIGIN}", 9) && len - i >= 9) {
			sb_puts(&sb, origin);
			i += 9;
		} else {
			sb_putc(&sb, dir[i++]);
		}
	}
	return sb.s ? sb.s : xstrdup("");
}

/* An object the loader would take: an ELF file of the program's machine. */
static bool fits(const char *path, const struct dyn *exe)
{
	struct dyn d;
	bool ok;

	if (access(path, R_OK) < 0 || !dyn_read(path, &d))
		return false;
	ok = d.machine == exe->machine && d.cls == exe->cls;
	dyn_free(&d);
	return ok;
}

/* name in one of the ':'-separated dirs, into out. */
static bool in_dirs(const char *dirs, const char *origin, const char *name,
		    const struct dyn *exe, char *out, size_t outlen)
{
	for (const char *p = dirs; p && *p;) {
		size_t n = strcspn(p, ":;");
		char *dir = expand_origin(p, n, origin);
		int w = snprintf(out, outlen, "%s/%s", *dir ? dir : ".", name);
		free(dir);
		if (w > 0 && (size_t)w < outlen && fits(out, exe))
			return true;
		p += n;
		p += *p != '\0';
	}
	return false;
}

/* Where the loader finds what `by` needs, into out. */
static bool find_needed(const char *name, const struct dyn *by, const struct dyn *exe,
			char *out, size_t outlen)
{
	if (strchr(name, '/'))
		return snprintf(out, outlen, "%s", name) < (int)outlen && fits(out, exe);
	if (!by->runpath && ((by->rpath && in_dirs(by->rpath, by->origin, name, exe, out, outlen)) ||
			     (exe->rpath && !exe->runpath &&
			      in_dirs(exe->rpath, exe->origin, name, exe, out, outlen))))
		return true;
	if (in_dirs(getenv("LD_LIBRARY_PATH"), by->origin, name, exe, out, outlen))
		return true;
	if (by->runpath && in_dirs(by->runpath, by->origin, name, exe, out, outlen))
		return true;
	if (bin_ldcache_find(name, out, outlen) && fits(out, exe))
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(default_dirs); i++)
		if (in_dirs(default_dirs[i], NULL, name, exe, out, outlen))
			return true;
	return false;
}

static bool listed(char **v, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], path))
			return true;
	return false;
}

/* The program and everything it needs, breadth first as the loader
 * loads them, appended to *v (each path once, canonical). */
static void add_closure(const char *program, struct strlist *v)
{
	struct dyn exe, *queue;
	size_t nq = 0, head = 0, cap = 8;
	char path[PATH_MAX];

	if (!dyn_read(program, &exe))
		return;
	if (!listed(v->v, v->n, exe.path))
		vec_push(v, xstrdup(exe.path));
	if (exe.interp && realpath(exe.interp, path) && !listed(v->v, v->n, path))
		vec_push(v, xstrdup(path));
	queue = xcalloc(cap, sizeof(*queue));
	queue[nq++] = exe;
	while (head < nq) {
		struct dyn *by = &queue[head++];
		for (size_t i = 0; i < by->needed.n; i++) {
			struct dyn d;
			if (!find_needed(by->needed.v[i], by, &queue[0], path, sizeof(path)) ||
			    !dyn_read(path, &d))
				continue;
			if (listed(v->v, v->n, d.path)) {
				dyn_free(&d);
				continue;
			}
			vec_push(v, xstrdup(d.path));
			if (nq == cap) {
				ptrdiff_t at = by - queue;
				queue = xrealloc(queue, (cap *= 2) * sizeof(*queue));
				by = queue + at;
			}
			queue[nq++] = d;
		}
	}
	for (size_t i = 0; i < nq; i++)
		dyn_free(&queue[i]);
	free(queue);
}

/* The next word of a simple command at *p: blanks skipped, one level of
 * quotes undone; NULL at a command separator or the end. */
static char *next_word(const char **p)
{
	const char *s = *p + strspn(*p, " \t");
	struct strbuf sb = {0};
	char quote = 0;

	if (!*s || strchr(";&|\n()", *s)) {
		*p = s;
		return NULL;
	}
	for (; *s && (quote || !strchr(" \t;&|\n()", *s)); s++) {
		if (quote ? *s == quote : (*s == '\'' || *s == '"'))
			quote = quote ? 0 : *s;
		else
			sb_putc(&sb, *s);
	}
	*p = s;
	return sb.s ? sb.s : xstrdup("");
}

/* The program each simple command of a shell line runs: its first word
 * that is not an assignment (VAR=x), a redirection or "exec"; a word with
 * an expansion is left alone (the shell alone knows it). */
static void command_programs(const char *cmd, struct strlist *names)
{
	const char *p = cmd;

	while (*p) {
		char *w;
		bool found = false;
		while ((w = next_word(&p))) {
			bool skip = strchr(w, '=') || strchr("<>", w[0]) ||
				    (w[0] >= '0' && w[0] <= '9' && strchr(w, '>')) ||
				    !strcmp(w, "exec");
			if (!found && !skip && !strpbrk(w, "$`*?[~")) {
				vec_push(names, w);
				w = NULL;
			}
			found |= !skip;
			free(w);
		}
		p += strspn(p, ";&|\n() \t");
	}
}

size_t bin_command_objects(const char *cmd, char ***out, char *err, size_t errlen)
{
	struct strlist names = {0}, objs = {0};
	char path[PATH_MAX], why[256] = "";

	*out = NULL;
	command_programs(cmd, &names);
	for (size_t i = 0; i < names.n; i++) {
		if (bin_resolve(names.v[i], 0, path, sizeof(path), why, sizeof(why)))
			add_closure(path, &objs);
		free(names.v[i]);
	}
	vec_free(&names);
	if (!objs.n)
		errf(err, errlen, "%s", *why ? why : "no program to run in the command");
	*out = objs.v;
	return objs.n;
}
