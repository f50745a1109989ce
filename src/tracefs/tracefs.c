// SPDX-License-Identifier: GPL-2.0-only
/* tracefs itself: finding (or mounting) it, reading its small files,
 * walking events/. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tracefs/tracefs.h"

/* 0 when dir has tracefs's events/, else why not (an errno). */
static int events_in(const char *dir)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/events", dir);
	if (stat(path, &st))
		return errno;
	return S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
}

const char *tracefs_root(bool verbose, char *why, size_t len)
{
	static const char *const dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	static const char *root;
	int err;

	if (root)
		return root;
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		err = events_in(dirs[i]);
		if (!err)
			return root = dirs[i];
		if (err == EACCES || err == EPERM) {
			snprintf(why, len, "cannot read %s: %s (plumb needs root)", dirs[i],
				 strerror(err));
			return NULL;
		}
	}
	err = mount("nodev", dirs[0], "tracefs", 0, NULL) ? errno : events_in(dirs[0]);
	if (err) {
		snprintf(why, len, "tracefs is not mounted and could not be mounted: %s",
			 strerror(err));
		return NULL;
	}
	if (verbose)
		fprintf(stderr, "plumb: mounted tracefs at %s\n", dirs[0]);
	return root = dirs[0];
}

char *tracefs_slurp(const char *path, size_t max)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0, cap = max < 4096 ? max : 4096;
	char *buf;

	if (fd < 0)
		return NULL;
	buf = xmalloc(cap + 1);
	for (;;) {
		ssize_t n;
		if (len == cap && cap < max) {
			cap = cap * 2 < max ? cap * 2 : max;
			buf = xrealloc(buf, cap + 1);
		}
		if (len == cap)
			break;
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			free(buf);
			errno = e;
			return NULL;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

int tracefs_event_id(const char *root, const char *cat, const char *name)
{
	char path[PATH_MAX], *text, *end;
	long id;

	snprintf(path, sizeof(path), "%s/events/%s/%s/id", root, cat, name);
	text = tracefs_slurp(path, 64);
	if (!text)
		return -1;
	errno = 0;
	id = strtol(text, &end, 10);
	if (errno || end == text || (*end && *end != '\n') || id < 0 || id > INT_MAX) {
		free(text);
		errno = EINVAL;
		return -1;
	}
	free(text);
	return (int)id;
}

static bool is_subdir(int dfd, const struct dirent *e)
{
	struct stat st;

	if (e->d_name[0] == '.')
		return false;
	if (e->d_type != DT_UNKNOWN)
		return e->d_type == DT_DIR;
	return !fstatat(dfd, e->d_name, &st, 0) && S_ISDIR(st.st_mode);
}

static void add_names(int catfd, const char *cat, tracefs_names *out)
{
	DIR *d = fdopendir(catfd);
	struct dirent *e;

	if (!d) {
		close(catfd);
		return;
	}
	while ((e = readdir(d)))
		if (is_subdir(dirfd(d), e))
			vec_push(out, xasprintf("%s:%s", cat, e->d_name));
	closedir(d);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void tracefs_events(const char *root, tracefs_names *out)
{
	char path[PATH_MAX];
	DIR *d;
	struct dirent *e;

	snprintf(path, sizeof(path), "%s/events", root);
	d = opendir(path);
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (!is_subdir(dirfd(d), e))
			continue;
		int fd = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0)
			add_names(fd, e->d_name, out);
	}
	closedir(d);
	if (out->n)
		qsort(out->v, out->n, sizeof(char *), cmp_name);
}

void tracefs_names_free(tracefs_names *names)
{
	for (size_t i = 0; i < names->n; i++)
		free(names->v[i]);
	vec_free(names);
}

bool tracefs_sane_part(const char *s)
{
	return *s && *s != '.' && !strchr(s, '/');
}
