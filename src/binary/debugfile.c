// SPDX-License-Identifier: GPL-2.0-only
/* Separate debug files, found the way gdb finds them: by build-id under
 * the debug directory (.build-id/xx/rest.debug), then by .gnu_debuglink
 * beside the binary, in .debug/ beside it and under the debug directory
 * plus the binary's directory (the link's CRC must match), then, when
 * DEBUGINFOD_URLS is set and plumb was built with libdebuginfod, from a
 * debuginfod server. Distributions ship stripped binaries and put their
 * symbols there (Debian's -dbgsym packages, Fedora's -debuginfo). The
 * build-id and debuglink sections are read with elfutils' libdwelf. */
#include "binary/binary.h"

#include <elfutils/libdwelf.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#ifdef HAVE_DEBUGINFOD
#include <elfutils/debuginfod.h>
#endif

#include "util/util.h"

#define DEBUG_DIR "/usr/lib/debug"

/* gdb's debug-file-directory; PLUMB_DEBUG_DIR replaces it (tests, or a
 * debug tree kept elsewhere). */
static const char *debug_dir(void)
{
	const char *d = getenv("PLUMB_DEBUG_DIR");

	return d && *d ? d : DEBUG_DIR;
}

static int open_file(const char *path)
{
	return open(path, O_RDONLY | O_CLOEXEC);
}

static int by_build_id(const unsigned char *id, size_t len, char *out, size_t outlen)
{
	char hex[2 * 64 + 1];
	int fd;

	if (len < 2 || len > 64)
		return -1;
	for (size_t i = 0; i < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", id[i]);
	snprintf(out, outlen, "%s/.build-id/%.2s/%s.debug", debug_dir(), hex, hex + 2);
	fd = open_file(out);
	return fd;
}

/* The CRC-32 .gnu_debuglink records is zlib's crc32 of the whole file. */
static bool crc_matches(int fd, uint32_t want)
{
	unsigned char buf[65536];
	uLong crc = crc32(0L, Z_NULL, 0);
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		crc = crc32(crc, buf, (uInt)n);
	if (n < 0 || lseek(fd, 0, SEEK_SET) < 0)
		return false;
	return (uint32_t)crc == want;
}

/* A candidate debuglink file, open, when its CRC matches. */
static int try_link(const char *path, uint32_t crc)
{
	int fd = open_file(path);

	if (fd >= 0 && !crc_matches(fd, crc)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static int by_debuglink(const char *binpath, const char *link, uint32_t crc, char *out,
			size_t outlen)
{
	char dir[PATH_MAX], real[PATH_MAX];
	const char *slash;
	int fd;

	if (strchr(link, '/'))
		return -1;
	/* the directory of the file itself, symlinks resolved, as gdb does */
	if (!realpath(binpath, real))
		snprintf(real, sizeof(real), "%s", binpath);
	slash = strrchr(real, '/');
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - real) : 1, slash ? real : ".");
	snprintf(out, outlen, "%s/%s", dir, link);
	if (strcmp(out, real) && (fd = try_link(out, crc)) >= 0)
		return fd;
	snprintf(out, outlen, "%s/.debug/%s", dir, link);
	if ((fd = try_link(out, crc)) >= 0)
		return fd;
	snprintf(out, outlen, "%s%s/%s", debug_dir(), dir, link);
	return try_link(out, crc);
}

static int by_debuginfod(const unsigned char *id, size_t len, char *out, size_t outlen)
{
#ifdef HAVE_DEBUGINFOD
	const char *urls = getenv("DEBUGINFOD_URLS");
	debuginfod_client *c;
	char *path = NULL;
	int fd;

	if (!urls || !*urls || !len)
		return -1;
	if (!(c = debuginfod_begin()))
		return -1;
	fd = debuginfod_find_debuginfo(c, id, (int)len, &path);
	debuginfod_end(c);
	if (fd >= 0)
		snprintf(out, outlen, "%s", path ? path : "(debuginfod)");
	free(path);
	return fd >= 0 ? fd : -1;
#else
	(void)id;
	(void)len;
	(void)out;
	(void)outlen;
	return -1;
#endif
}

int bin_debug_file(const struct bin *b, char *out, size_t outlen)
{
	const void *id = NULL;
	ssize_t idlen;
	const char *link;
	GElf_Word crc = 0;
	int fd = -1;

	if (!b->elf || b->fd < 0)
		return -1;
	idlen = dwelf_elf_gnu_build_id(b->elf, &id);
	if (idlen > 0)
		fd = by_build_id(id, (size_t)idlen, out, outlen);
	if (fd < 0 && (link = dwelf_elf_gnu_debuglink(b->elf, &crc)))
		fd = by_debuglink(b->path, link, crc, out, outlen);
	if (fd < 0 && idlen > 0)
		fd = by_debuginfod(id, (size_t)idlen, out, outlen);
	return fd;
}
