// SPDX-License-Identifier: GPL-2.0-only
/* Cgroups: cgroupid("/sys/fs/cgroup/..."), the id of a cgroup v2
 * directory, found when the program is made; it is what the cgroup
 * builtin gives for a task in that cgroup. cgroup_path(id), the other
 * way, in user space when the value is printed. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "codegen/cg.h"
#include "func/func.h"
#include "sema/scope.h"

static const struct text_kind cgroup_path_text;

extern const struct func_def func_cgroup_path;

/* The kernel's file handle of a cgroup v2 directory is its id: 8 bytes
 * (the kernfs node id). */
static int cgroup_id(const char *path, uint64_t *id)
{
	struct {
		struct file_handle fh;
		unsigned char bytes[64];
	} h;
	struct statfs fs;
	int mount;

	if (statfs(path, &fs) < 0)
		return -errno;
	if (fs.f_type != 0x63677270)	/* CGROUP2_SUPER_MAGIC */
		return -EINVAL;
	h.fh.handle_bytes = sizeof(h.bytes);
	if (name_to_handle_at(AT_FDCWD, path, &h.fh, &mount, 0) < 0)
		return -errno;
	if (h.fh.handle_bytes != 8)
		return -EINVAL;
	memcpy(id, h.fh.f_handle, 8);
	return 0;
}

static void cgroupid_sema(struct scope *sc, struct node *n)
{
	struct node *a = n->list;
	int err;

	sema_expr(sc, a);
	if (a->kind != AST_STR || strlen(a->name) != a->len || !a->len) {
		sc_error(sc, a->loc, "cgroupid() takes a path: cgroupid(\"/sys/fs/cgroup/...\")");
		return;
	}
	if ((err = cgroup_id(a->name, &n->num)) < 0) {
		sc_error(sc, a->loc, "cgroupid(): %s: %s", a->name,
			 err == -EINVAL ? "not a cgroup v2 directory" : strerror(-err));
		return;
	}
	n->type = type_int(8, false);
}

static void cgroupid_emit(struct cg *cg, struct node *n, int reg)
{
	cg_ld_imm64(cg, reg, n->num);
}

const struct func_def func_cgroupid = {
	.name = "cgroupid", .min = 1, .max = 1, .pure = true, .sema = cgroupid_sema,
	.emit = cgroupid_emit,
};

/* cgroup_path(id): the id kept, the path found when it is printed (so a
 * reused id can name another cgroup by then, as in bpftrace). */
static void cgroup_path_sema(struct scope *sc, struct node *n)
{
	func_int_text_sema(sc, n, &func_cgroup_path, &cgroup_path_text, false, "takes a cgroup id");
}

/* Where cgroup2 is mounted (the first such mount), into dir. */
static bool cgroup2_mount(char *dir, size_t len)
{
	FILE *f = fopen("/proc/self/mounts", "r");
	char line[4096], mnt[4096], type[64];
	bool found = false;

	while (f && !found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %4095s %63s", mnt, type) == 2 && !strcmp(type, "cgroup2"))
			found = snprintf(dir, len, "%s", mnt) < (int)len;
	if (f)
		fclose(f);
	return found;
}

/* nftw() takes no context: the walk's id and what it found. */
static uint64_t want_id;
static char found_path[4096];

static int match(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)ftw;
	if (flag != FTW_D || st->st_ino != want_id)
		return 0;
	snprintf(found_path, sizeof(found_path), "%s", path);
	return 1;
}

/* A cgroup v2 id is its directory's inode number in the cgroup2 tree:
 * "unified:/PATH" as bpftrace names the v2 hierarchy, or nothing when no
 * directory has it. The v1 hierarchies are not searched: their inode
 * numbers are not cgroup v2 ids. */
static void cgroup_path_render(struct out *o, struct strbuf *sb, struct type t, const uint8_t *v,
			       char mode)
{
	char dir[4096];

	(void)o, (void)t, (void)mode;

	memcpy(&want_id, v, 8);
	if (!cgroup2_mount(dir, sizeof(dir)) || nftw(dir, match, 16, FTW_PHYS) != 1)
		return;
	sb_puts(sb, "unified:");
	sb_puts(sb, found_path[strlen(dir)] ? found_path + strlen(dir) : "/");
}

static const struct text_kind cgroup_path_text = {
	.name = "cgroup_path", .conv = 's', .render = cgroup_path_render,
};

const struct func_def func_cgroup_path = {
	.name = "cgroup_path", .min = 1, .max = 1, .sema = cgroup_path_sema,
	.emit_mem = func_emit_int_arg,
};
