// SPDX-License-Identifier: GPL-2.0-only
/* The table of builtin variables. A new one is a descriptor in the file
 * for what it is about and one row here. */
#include <string.h>

#include "builtin/builtin.h"
#include "util/util.h"

extern const struct builtin_def builtin_pid, builtin_tid, builtin_uid, builtin_gid, builtin_cpu,
	builtin_comm, builtin_nsecs, builtin_elapsed, builtin_cgroup, builtin_retval,
	builtin_func, builtin_probe, builtin_ustack, builtin_kstack, builtin_rand, builtin_jiffies,
	builtin_ncpus, builtin_numaid, builtin_cpid, builtin_usermode, builtin_username,
	builtin_pcomm, builtin_curtask, builtin_ppid, builtin_has_cpid, builtin_probetype;

static const struct builtin_def *const builtins[] = {
	&builtin_pid, &builtin_tid, &builtin_uid, &builtin_gid, &builtin_cpu, &builtin_comm,
	&builtin_nsecs, &builtin_elapsed, &builtin_cgroup, &builtin_retval, &builtin_func,
	&builtin_probe, &builtin_ustack, &builtin_kstack, &builtin_rand, &builtin_jiffies,
	&builtin_ncpus, &builtin_numaid, &builtin_cpid, &builtin_usermode, &builtin_username,
	&builtin_pcomm, &builtin_curtask, &builtin_ppid, &builtin_has_cpid, &builtin_probetype,
};

const struct builtin_def *builtin_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(builtins); i++)
		if (!strcmp(builtins[i]->name, name))
			return builtins[i];
	return NULL;
}

const struct builtin_def *builtin_of(int id)
{
	for (size_t i = 0; i < ARRAY_SIZE(builtins); i++)
		if (builtins[i]->id == id)
			return builtins[i];
	return NULL;
}

const struct builtin_def *builtin_at(size_t i)
{
	return i < ARRAY_SIZE(builtins) ? builtins[i] : NULL;
}

struct type builtin_type(const struct builtin_def *b)
{
	if (b->kind == T_INT)
		return type_int(8, b->sign);
	if (b->kind == T_STR)
		return type_str(b->len);
	if (b->kind == T_TEXT)
		return type_text(b->text, b->len);
	return type_of(b->kind);
}
