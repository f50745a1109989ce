// SPDX-License-Identifier: GPL-2.0-only
/* Probed binaries replaced while traced. A uprobe is an inode and an
 * offset: "cp new over old" rewrites the inode in place, and the kernel
 * would go on putting breakpoints at the old offsets into the new code of
 * every process that maps it (int3 in the middle of an instruction), so
 * plumb detaches that file's probes and says so. "mv new over old" gives
 * the name a new inode: the probes stay on the old one, correct for the
 * processes that still run it, and plumb says that processes started
 * from the name now are not traced. inotify watches each probed file;
 * its descriptor is in the event loop. Each file is reported once. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/rt.h"

#define WATCHED (IN_MODIFY | IN_ATTRIB | IN_MOVE_SELF | IN_DELETE_SELF)

struct watched {
	int wd;
	char *path;
	dev_t dev;
	ino_t ino;
};

static VEC(struct watched) files;
static int ifd = -1;

static bool watched_already(const char *path)
{
	for (size_t i = 0; i < files.n; i++)
		if (!strcmp(files.v[i].path, path))
			return true;
	return false;
}

static void watch_one(const char *path)
{
	struct stat st;
	int wd;

	if (watched_already(path) || stat(path, &st))
		return;
	wd = inotify_add_watch(ifd, path, WATCHED);
	if (wd < 0)
		return;		/* no watch: plumb works as it did */
	vec_push(&files, ((struct watched){ .wd = wd, .path = xstrdup(path),
					    .dev = st.st_dev, .ino = st.st_ino }));
}

/* Every binary a user-space probe is in; the descriptor, or -1. */
int rt_watch_files(struct rt *rt)
{
	const struct sema *s = rt->sema;

	ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	for (size_t i = 0; ifd >= 0 && i < s->probes.n; i++) {
		const struct probe *p = s->probes.v[i];
		for (size_t j = 0; (p->kind->flags & PK_USER) && j < p->sites.n; j++)
			if (p->sites.v[j].path)
				watch_one(p->sites.v[j].path);
	}
	return ifd;
}

static void detach_file(struct rt *rt, const char *path)
{
	size_t n = 0;

	for (size_t i = 0; i < rt->sema->probes.n; i++)
		n += probe_detach_file(rt->sema->probes.v[i], path);
	warnmsg("%s was overwritten while traced: its probes (%zu site%s) are detached, as "
		"their breakpoints would land at the old offsets in the new code; the other "
		"probes go on", path, n, n == 1 ? "" : "s");
}

/* What became of a watched file; false for a change of no consequence
 * (chmod, touch, another hard link). */
static bool report(struct rt *rt, const struct watched *w, uint32_t mask)
{
	struct stat st;
	bool gone;

	if (mask & IN_MODIFY) {
		detach_file(rt, w->path);
		return true;
	}
	gone = stat(w->path, &st) != 0;
	if (!gone && st.st_dev == w->dev && st.st_ino == w->ino)
		return false;
	warnmsg("%s was %s while traced: its probes stay on the old file, for the processes "
		"that run it; processes started from %s now are not traced", w->path,
		gone ? "removed or renamed" : "replaced (another file took its name)",
		gone ? "a file of that name" : "the new file");
	return true;
}

void rt_watch_event(struct rt *rt)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t len;

	while ((len = read(ifd, buf, sizeof(buf))) > 0) {
		for (char *at = buf; at < buf + len;) {
			const struct inotify_event *e = (const struct inotify_event *)at;
			at += sizeof(*e) + e->len;
			for (size_t i = 0; i < files.n; i++) {
				if (files.v[i].wd != e->wd || !report(rt, &files.v[i], e->mask))
					continue;
				inotify_rm_watch(ifd, files.v[i].wd);
				files.v[i].wd = -1;	/* once */
			}
		}
	}
}

void rt_watch_close(void)
{
	for (size_t i = 0; i < files.n; i++)
		free(files.v[i].path);
	vec_free(&files);
	if (ifd >= 0)
		close(ifd);
	ifd = -1;
}
