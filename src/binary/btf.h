/* SPDX-License-Identifier: GPL-2.0-only */
/* The kernel's own types, from its BTF (/sys/kernel/btf/vmlinux through
 * libbpf), as the same ctypes as DWARF's and the program's (ast/type.h):
 * curtask's struct task_struct, tracepoint fields that point to kernel
 * structs. Read only when a program uses one. */
#ifndef PLUMB_BTF_H
#define PLUMB_BTF_H

#include "ast/type.h"

/* The kernel type called name ("struct task_struct", "union ...",
 * "enum pid_type", or a typedef's name), with every type it reaches,
 * into tt (each BTF type once per table). NULL when the kernel has no
 * BTF or no such type: then *why says which. */
const struct ctype *btf_kernel_type(struct type_table *tt, const char *name, const char **why);
/* When ctype is the C text of a pointer to a struct or union ("struct
 * mm_struct *", "const struct iovec *"), that pointer as the language
 * types it, pointing into kernel memory or not; else false, *out as it
 * was. */
bool btf_kernel_pointer(struct type_table *tt, const char *ctype, bool kernel, struct type *out);
/* Whether ct is one of the kernel's types (read into tt from its BTF);
 * never loads the BTF. */
bool btf_kernel_owns(const struct type_table *tt, const struct ctype *ct);
/* Let go of the kernel's BTF (sema_free). */
void btf_kernel_done(void);

#endif
