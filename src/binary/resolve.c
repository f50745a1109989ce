// SPDX-License-Identifier: GPL-2.0-only
/* Finding a binary from what the user typed: a path, a program on $PATH, a
 * library short name from the loader cache, or something mapped in a
 * running process. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* strverscmp */
#endif
#include "binary/binary.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/util.h"

#define LDCACHE_PATH "/etc/ld.so.cache"
#define LDCACHE_MAX (64u << 20)

static bool copy_out(char *out, size_t outlen, const char *s, char *err, size_t errlen)
{
	size_t n = strlen(s);

	if (n >= outlen)
		return errf(err, errlen, "path too long: %.64s...", s);
	memcpy(out, s, n + 1);
	return true;
}

static bool is_regular(const char *path, bool want_exec)
{
	struct stat st;

	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return false;
	return !want_exec || access(path, X_OK) == 0;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* ---- library names ------------------------------------------------- */

/* Does a soname / file basename match what the user typed? "c", "libc",
 * "libc.so" and "libc.so.6" all match "libc.so.6"; "libpython3.11.so"
 * matches "libpython3.11.so.1.0"; "ld-linux-x86-64.so.2" matches itself;
 * "elf" and "libelf" also match a file named "libelf-0.188.so" (a version
 * before ".so", as in /proc/PID/maps). */
static bool lib_matches(const char *key, const char *name)
{
	char stem[2][PATH_MAX];
	bool has_so = strstr(name, ".so") != NULL;

	if (!strcmp(key, name))
		return true;
	snprintf(stem[0], sizeof(stem[0]), "%s%s", name, has_so ? "" : ".so");
	snprintf(stem[1], sizeof(stem[1]), "lib%s%s", name, has_so ? "" : ".so");
	for (int i = 0; i < 2; i++) {
		size_t n = strlen(stem[i]);
		if (i == 1 && !strncmp(name, "lib", 3))
			break;
		if (!strncmp(key, stem[i], n) && (key[n] == '\0' || key[n] == '.'))
			return true;
		/* lib<name>-<digit>...so... */
		if (!has_so && n > 3 && !strncmp(key, stem[i], n - 3) && key[n - 3] == '-' &&
		    key[n - 2] >= '0' && key[n - 2] <= '9' && strstr(key + n - 2, ".so"))
			return true;
	}
	return false;
}

/* ---- /etc/ld.so.cache ------------------------------------------------ */

#define OLD_MAGIC "ld.so-1.7.0"
#define NEW_MAGIC "glibc-ld.so.cache1.1"
#define OLD_HDR 16	/* magic[11], pad, uint32 nlibs */
#define OLD_ENT 12	/* int32 flags, uint32 key, uint32 value */
#define NEW_HDR 48	/* magic[17] version[3] nlibs len_strings flags pad[3] ext unused[3] */
#define NEW_ENT 24	/* flags key value osversion, uint64 hwcap */

#define FLAG_TYPE_MASK 0x00ff
#define FLAG_ELF_LIBC6 0x0003
#define FLAG_REQUIRED_MASK 0xff00
#define FLAG_X8664_LIB64 0x0300
#define FLAG_AARCH64_LIB64 0x0a00
#define HWCAP_EXTENSION (1ULL << 62)

#if defined(__x86_64__)
#define NATIVE_ARCH FLAG_X8664_LIB64
#elif defined(__aarch64__)
#define NATIVE_ARCH FLAG_AARCH64_LIB64
#else
#define NATIVE_ARCH 0
#endif

static uint32_t rd32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t rd64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/* A NUL-terminated string at strtab + off inside [buf, buf+len). */
static const char *cache_str(const unsigned char *buf, size_t len, size_t strtab, uint32_t off)
{
	size_t pos;

	if (strtab > len || off >= len - strtab)
		return NULL;
	pos = strtab + off;
	if (!memchr(buf + pos, '\0', len - pos))
		return NULL;
	return (const char *)buf + pos;
}

struct cand {
	const char *key, *path;
	int rank;	/* lower is better */
};

static void consider(struct cand *best, const char *key, const char *path, int32_t flags,
		     uint64_t hwcap, const char *name)
{
	int rank;

	if (!key || !path || !*path || !lib_matches(key, name))
		return;
	if ((flags & FLAG_TYPE_MASK) != FLAG_ELF_LIBC6)
		rank = 4;	/* not an ELF libc6 library at all */
	else if ((flags & FLAG_REQUIRED_MASK) == NATIVE_ARCH)
		rank = 0;
	else
		rank = 2;	/* another architecture (i386 in /lib32, x32) */
	if (hwcap & HWCAP_EXTENSION)
		rank++;		/* glibc-hwcaps/ subdirectory variant */
	if (!best->key || rank < best->rank ||
	    (rank == best->rank && strverscmp(key, best->key) > 0)) {
		best->key = key;
		best->path = path;
		best->rank = rank;
	}
}

bool bin_ldcache_lookup(const void *image, size_t len, const char *name, char *out,
			size_t outlen)
{
	const unsigned char *buf = image;
	struct cand best = {0};
	size_t newoff = (size_t)-1;

	if (!name || !*name || strchr(name, '/'))
		return false;
	if (len >= OLD_HDR && !memcmp(buf, OLD_MAGIC, sizeof(OLD_MAGIC) - 1)) {
		uint32_t n = rd32(buf + 12);
		size_t ents = OLD_HDR, strtab;
		if (n > (len - OLD_HDR) / OLD_ENT)
			return false;
		strtab = ents + (size_t)n * OLD_ENT;
		/* a new-format cache may follow, 8-byte aligned */
		newoff = (strtab + 7) & ~(size_t)7;
		if (newoff <= len && len - newoff >= NEW_HDR &&
		    !memcmp(buf + newoff, NEW_MAGIC, sizeof(NEW_MAGIC) - 1))
			goto new_format;
		for (uint32_t i = 0; i < n; i++) {
			const unsigned char *e = buf + ents + (size_t)i * OLD_ENT;
			consider(&best, cache_str(buf, len, strtab, rd32(e + 4)),
				 cache_str(buf, len, strtab, rd32(e + 8)), (int32_t)rd32(e), 0, name);
		}
		goto done;
	}
	if (len >= NEW_HDR && !memcmp(buf, NEW_MAGIC, sizeof(NEW_MAGIC) - 1)) {
		newoff = 0;
		goto new_format;
	}
	return false;

new_format: {
		const unsigned char *h = buf + newoff;
		size_t avail = len - newoff;
		uint32_t n = rd32(h + 20);
		if (n > (avail - NEW_HDR) / NEW_ENT)
			return false;
		/* string offsets are relative to the new header */
		for (uint32_t i = 0; i < n; i++) {
			const unsigned char *e = h + NEW_HDR + (size_t)i * NEW_ENT;
			consider(&best, cache_str(buf, len, newoff, rd32(e + 4)),
				 cache_str(buf, len, newoff, rd32(e + 8)), (int32_t)rd32(e),
				 rd64(e + 16), name);
		}
	}
done:
	if (!best.key || strlen(best.path) >= outlen)
		return false;
	memcpy(out, best.path, strlen(best.path) + 1);
	return true;
}

static bool ldcache_file_lookup(const char *name, char *out, size_t outlen)
{
	struct stat st;
	unsigned char *buf;
	size_t got = 0;
	bool ok;
	int fd = open(LDCACHE_PATH, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	if (fstat(fd, &st) < 0 || st.st_size <= 0 || (uint64_t)st.st_size > LDCACHE_MAX) {
		close(fd);
		return false;
	}
	buf = xmalloc((size_t)st.st_size);
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	ok = bin_ldcache_lookup(buf, got, name, out, outlen);
	free(buf);
	return ok;
}

bool bin_ldcache_find(const char *name, char *out, size_t outlen)
{
	char tmp[PATH_MAX];

	/* the loader takes the soname as it is: "libfoo.so" is not libfoo.so.1 */
	if (!ldcache_file_lookup(name, tmp, sizeof(tmp)) || strcmp(base_name(tmp), name) ||
	    strlen(tmp) >= outlen)
		return false;
	memcpy(out, tmp, strlen(tmp) + 1);
	return true;
}

/* ---- $PATH -------------------------------------------------------------- */

/* What a candidate on $PATH starts with: an ELF binary, a script (then
 * its interpreter, from the "#!" line), or something else. Version
 * managers (pyenv, rbenv, asdf) put shell-script shims first on PATH;
 * uprobes need the ELF file they end up running. */
enum path_kind { PATH_ELF, PATH_SCRIPT, PATH_OTHER };

static enum path_kind path_kind(const char *file, char *interp, size_t len)
{
	char head[256];
	ssize_t n = -1;
	int fd = open(file, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		n = read(fd, head, sizeof(head) - 1);
		close(fd);
	}
	if (n >= 4 && !memcmp(head, "\177ELF", 4))
		return PATH_ELF;
	if (n < 2 || head[0] != '#' || head[1] != '!')
		return PATH_OTHER;
	head[n] = '\0';
	const char *p = head + 2 + strspn(head + 2, " \t");
	snprintf(interp, len, "%.*s", (int)strcspn(p, "\r\n"), p);
	/* trailing blanks are no part of the command */
	for (size_t e = strlen(interp); e && (interp[e - 1] == ' ' || interp[e - 1] == '\t');)
		interp[--e] = '\0';
	return PATH_SCRIPT;
}

/* The first executable on $PATH that is an ELF file. When the name was
 * found only as scripts (or other non-ELF files), *skipped holds the
 * first of them and *interp its interpreter ("" if it has no "#!"). */
static bool path_lookup(const char *name, char *out, size_t outlen, char *skipped,
			char *interp, size_t len)
{
	const char *path = getenv("PATH");
	char cand[PATH_MAX], why[PATH_MAX];

	*skipped = '\0';
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (1) {
		const char *e = strchr(path, ':');
		size_t n = e ? (size_t)(e - path) : strlen(path);
		int w = n ? snprintf(cand, sizeof(cand), "%.*s/%s", (int)n, path, name)
			  : snprintf(cand, sizeof(cand), "./%s", name);
		if (w > 0 && (size_t)w < sizeof(cand) && is_regular(cand, true)) {
			enum path_kind k = path_kind(cand, why, sizeof(why));
			char *rp = k == PATH_ELF ? realpath(cand, NULL) : NULL;
			bool ok = rp && strlen(rp) < outlen;
			if (ok)
				memcpy(out, rp, strlen(rp) + 1);
			free(rp);
			if (ok)
				return true;
			if (k != PATH_ELF && !*skipped) {
				snprintf(skipped, len, "%s", cand);
				snprintf(interp, len, "%s", k == PATH_SCRIPT ? why : "");
			}
		}
		if (!e)
			return false;
		path = e + 1;
	}
}

static bool script_error(const char *name, const char *script, const char *interp, char *err,
			 size_t errlen)
{
	if (*interp)
		return errf(err, errlen,
			    "%s on PATH is a script (%s, run by %s), not a binary; "
			    "give the binary's path", name, script, interp);
	return errf(err, errlen, "%s on PATH is not an ELF binary (%s); give the binary's path",
		    name, script);
}

/* ---- /proc/PID ----------------------------------------------------- */

static const char *strip_deleted(char *path)
{
	static const char suf[] = " (deleted)";
	size_t n = strlen(path), m = sizeof(suf) - 1;

	if (n > m && !strcmp(path + n - m, suf)) {
		path[n - m] = '\0';
		return "deleted";
	}
	return NULL;
}

/* The process's own executable, by basename. */
static bool proc_exe(const char *name, pid_t pid, char *out, size_t outlen)
{
	char link[64], target[PATH_MAX], cand[PATH_MAX + 64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%d/exe", (int)pid);
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return false;
	target[n] = '\0';
	strip_deleted(target);
	if (target[0] != '/' || strcmp(base_name(target), name))
		return false;
	snprintf(cand, sizeof(cand), "/proc/%d/root%s", (int)pid, target);
	if (!is_regular(cand, false))
		snprintf(cand, sizeof(cand), "%s", link);	/* deleted or replaced */
	if (strlen(cand) >= outlen)
		return false;
	memcpy(out, cand, strlen(cand) + 1);
	return true;
}

/* A file mapped into the process whose basename matches. */
static bool proc_maps(const char *name, pid_t pid, char *out, size_t outlen)
{
	char fn[64], *line = NULL, cand[PATH_MAX + 128];
	size_t cap = 0;
	bool found = false;
	FILE *f;

	snprintf(fn, sizeof(fn), "/proc/%d/maps", (int)pid);
	if (!(f = fopen(fn, "re")))
		return false;
	while (!found && getline(&line, &cap, f) > 0) {
		unsigned long long start, end;
		int pos = 0;
		char *path;

		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "%llx-%llx %*s %*s %*s %*s %n", &start, &end, &pos) < 2 || !pos)
			continue;
		path = line + pos;
		if (path[0] != '/')
			continue;
		bool deleted = strip_deleted(path) != NULL;
		const char *bn = base_name(path);
		if (strcmp(bn, name) && !lib_matches(bn, name))
			continue;
		if (!deleted)
			snprintf(cand, sizeof(cand), "/proc/%d/root%s", (int)pid, path);
		if (deleted || !is_regular(cand, false))
			snprintf(cand, sizeof(cand), "/proc/%d/map_files/%llx-%llx", (int)pid, start,
				 end);
		if (strlen(cand) < outlen) {
			memcpy(out, cand, strlen(cand) + 1);
			found = true;
		}
	}
	free(line);
	fclose(f);
	return found;
}

/* Each file the process maps with execute permission, once, in the
 * order of its maps: the executable, the loader, its libraries. */
size_t bin_mapped_objects(pid_t pid, char ***out)
{
	char fn[64], *line = NULL;
	size_t cap = 0, n = 0;
	char **v = NULL;
	FILE *f;

	*out = NULL;
	snprintf(fn, sizeof(fn), "/proc/%d/maps", (int)pid);
	if (!(f = fopen(fn, "re")))
		return 0;
	while (getline(&line, &cap, f) > 0) {
		char perms[8];
		int pos = 0;
		bool seen = false;

		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "%*x-%*x %7s %*s %*s %*s %n", perms, &pos) < 1 || !pos ||
		    perms[2] != 'x' || line[pos] != '/')
			continue;
		for (size_t i = 0; i < n && !seen; i++)
			seen = !strcmp(v[i], line + pos);
		if (seen)
			continue;
		v = xrealloc(v, (n + 1) * sizeof(*v));
		v[n++] = xstrdup(line + pos);
	}
	free(line);
	fclose(f);
	*out = v;
	return n;
}

bool bin_resolve(const char *name, pid_t pid, char *out, size_t outlen, char *err, size_t errlen)
{
	char tmp[PATH_MAX], interp[PATH_MAX];

	if (!name || !*name)
		return errf(err, errlen, "empty binary name");
	if (pid > 0) {
		char dir[64];
		snprintf(dir, sizeof(dir), "/proc/%d", (int)pid);
		if (access(dir, F_OK) < 0)
			return errf(err, errlen, "process %d does not exist", (int)pid);
		if (strchr(name, '/')) {
			/* the process may live in another mount namespace or
			 * chroot: its view of the path wins when the host has
			 * no such file or a different one there */
			char cand[PATH_MAX + 64];
			struct stat hst, pst;
			if (name[0] == '/' &&
			    snprintf(cand, sizeof(cand), "/proc/%d/root%s", (int)pid, name) <
				    (int)sizeof(cand) &&
			    stat(cand, &pst) == 0 && S_ISREG(pst.st_mode) &&
			    (stat(name, &hst) < 0 || hst.st_dev != pst.st_dev ||
			     hst.st_ino != pst.st_ino))
				return copy_out(out, outlen, cand, err, errlen);
		} else if (proc_exe(name, pid, out, outlen) || proc_maps(name, pid, out, outlen)) {
			return true;
		}
	}
	if (strchr(name, '/')) {
		struct stat st, rst;
		char *rp;
		bool ok;

		if (stat(name, &st) < 0)
			return errf(err, errlen, "%s: %s", name, strerror(errno));
		if (!S_ISREG(st.st_mode))
			return errf(err, errlen, "%s: not a regular file", name);
		/* canonical when that names the same file; /proc/PID/exe and
		 * map_files links to deleted files or other mount namespaces
		 * do not survive realpath, keep those as given */
		rp = realpath(name, NULL);
		if (rp && stat(rp, &rst) == 0 && rst.st_dev == st.st_dev && rst.st_ino == st.st_ino) {
			ok = copy_out(out, outlen, rp, err, errlen);
		} else if (name[0] == '/') {
			ok = copy_out(out, outlen, name, err, errlen);
		} else {
			char cwd[PATH_MAX], abs[2 * PATH_MAX + 2];
			if (!getcwd(cwd, sizeof(cwd))) {
				free(rp);
				return errf(err, errlen, "%s: %s", name, strerror(errno));
			}
			snprintf(abs, sizeof(abs), "%s/%s", cwd, name);
			ok = copy_out(out, outlen, abs, err, errlen);
		}
		free(rp);
		return ok;
	}
	if (path_lookup(name, out, outlen, tmp, interp, sizeof(tmp)))
		return true;
	if (*tmp)
		return script_error(name, tmp, interp, err, errlen);
	if (ldcache_file_lookup(name, tmp, sizeof(tmp))) {
		char *rp = realpath(tmp, NULL);
		bool ok = copy_out(out, outlen, rp ? rp : tmp, err, errlen);
		free(rp);
		return ok;
	}
	if (pid > 0)
		return errf(err, errlen,
			      "'%s' not found in process %d, $PATH or the loader cache", name,
			      (int)pid);
	return errf(err, errlen, "'%s' not found in $PATH or the loader cache", name);
}
