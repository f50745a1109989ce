// SPDX-License-Identifier: GPL-2.0-only
/* Writes fuzz_btf's seed: a small raw BTF made with libbpf's btf__add_*
 * API, shaped like the kernel's task_struct chain (a task pointing to
 * its parent and to an mm, a union, bit-fields, an enum, an array, a
 * typedef, a const pointer, a forward declaration). fuzz/run builds it
 * and writes the blob into the run's corpus: btf_seed FILE. */
#include <stdio.h>
#include <stdlib.h>

#include <bpf/btf.h>

int main(int argc, char **argv)
{
	struct btf *b = btf__new_empty();
	const void *raw;
	__u32 size;
	FILE *f;

	if (!b || argc != 2)
		return 2;
	/* each type once, in order: the ids below are what the fields use */
	int u32 = btf__add_int(b, "unsigned int", 4, 0);
	int s32 = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	int chr = btf__add_int(b, "char", 1, BTF_INT_CHAR);
	int pid_t_ = btf__add_typedef(b, "pid_t", s32);
	int comm = btf__add_array(b, u32, chr, 16);
	int fwd = btf__add_fwd(b, "file", BTF_FWD_STRUCT);
	int state = btf__add_enum(b, "pid_type", 4);
	btf__add_enum_value(b, "PIDTYPE_PID", 0);
	btf__add_enum_value(b, "PIDTYPE_MAX", 4);
	/* ids to come: mm 8, task 9, *task 10, *mm 11, const *mm 12, *file 13, the union 14 */
	int mm = btf__add_struct(b, "mm_struct", 16);
	btf__add_field(b, "map_count", s32, 0, 0);
	btf__add_field(b, "owner", 10, 64, 0);
	int task = btf__add_struct(b, "task_struct", 64);
	btf__add_field(b, "state", u32, 0, 3);
	btf__add_field(b, "exiting", u32, 3, 1);
	btf__add_field(b, "pid", pid_t_, 32, 0);
	btf__add_field(b, "parent", 10, 64, 0);
	btf__add_field(b, "mm", 12, 128, 0);
	btf__add_field(b, "comm", comm, 192, 0);
	btf__add_field(b, "type", state, 320, 0);
	btf__add_field(b, "file", 13, 384, 0);
	btf__add_field(b, NULL, 14, 448, 0);
	int ptask = btf__add_ptr(b, task);
	int pmm = btf__add_ptr(b, mm);
	int cpmm = btf__add_const(b, pmm);
	int pfile = btf__add_ptr(b, fwd);
	int un = btf__add_union(b, NULL, 4);
	btf__add_field(b, "tgid", pid_t_, 0, 0);
	btf__add_field(b, "raw", u32, 0, 0);
	btf__add_typedef(b, "task_t", task);
	if (ptask != 10 || cpmm != 12 || pfile != 13 || un != 14 || mm != 8 || task != 9) {
		fprintf(stderr, "btf_seed: ids moved (%d %d %d %d)\n", ptask, cpmm, pfile, un);
		return 1;
	}
	raw = btf__raw_data(b, &size);
	f = fopen(argv[1], "wb");
	if (!raw || !f || fwrite(raw, 1, size, f) != size || fclose(f))
		return 1;
	btf__free(b);
	return 0;
}
