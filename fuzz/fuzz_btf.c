// SPDX-License-Identifier: GPL-2.0-only
/* libFuzzer target: arbitrary bytes as the kernel's BTF (a memfd named
 * by $PLUMB_BTF, read by libbpf's btf__parse: raw BTF, or an ELF file
 * with a .BTF section), then the BTF importer (src/binary/btf.c) asked
 * for a few named types along the task_struct chain, each with every
 * type it reaches, and for a pointer type by its C text. Must never
 * crash, leak, hang or read out of bounds; every ctype made passes
 * fuzz/ctype_check.h. Built and run by fuzz/run; the seed is written by
 * fuzz/btf_seed.c (fuzz/corpus/btf/seed.btf is its output). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ast/type.h"
#include "binary/btf.h"
#include "ctype_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {
		"struct task_struct", "struct mm_struct", "union anon", "enum pid_type",
		"pid_t", "task_t", "struct file", "int",
	};
	static int fd = -1;
	struct type_table tt = {0};
	struct type t;
	const char *why;

	if (fd < 0) {
		char path[64];
		fd = memfd_create("fuzz-btf", MFD_CLOEXEC);
		if (fd < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		setenv("PLUMB_BTF", path, 1);
	}
	if (ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		(void)btf_kernel_type(&tt, names[i], &why);
	(void)btf_kernel_pointer(&tt, "const struct task_struct *", true, &t);
	for (size_t i = 0; i < tt.n; i++)
		check_ctype(tt.v[i]);
	btf_kernel_done();
	type_table_free(&tt);
	return 0;
}
