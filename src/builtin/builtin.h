/* SPDX-License-Identifier: GPL-2.0-only */
/* Builtin variables (pid, comm, nsecs, func, ustack, ...): each is one
 * descriptor with what sema needs to know of it and the code that gives
 * its value, in a file named for what it is about (task.c, time.c,
 * site.c, stack.c), found through one table (builtin/registry.c), as
 * probe kinds and aggregations are. */
#ifndef PLUMB_BUILTIN_H
#define PLUMB_BUILTIN_H

#include <stdbool.h>
#include <stddef.h>

#include "ast/type.h"
#include "sema/sema.h"

struct options;
struct probe;

struct cg;

/* struct pt_regs offsets (x86-64). */
#define PT_REGS_AX 80
#define PT_REGS_IP 128
#define PT_REGS_CS 136

struct builtin_def {
	const char *name;
	int id;			/* enum builtin: what sema stores in the node */
	enum type_kind kind;	/* T_INT: a signed or unsigned u64; T_STR: len bytes;
				   T_TEXT: rendered in user space as text says */
	bool sign;
	unsigned int len;
	const struct text_kind *text;	/* T_TEXT: how user space renders it */
	unsigned int needs;	/* probe flags every probe of the clause must have */
	bool stacks;		/* needs the stack map */
	/* Whether it can be used in probe p: false after saying why at loc
	 * (cpid without -c, usermode without registers). NULL: anywhere. */
	bool (*check)(const struct options *o, const struct probe *p, struct loc loc);
	/* Its value into reg (numbers). */
	void (*emit)(struct cg *cg, int reg);
	/* Its value into memory at base + off, len bytes (strings, stacks). */
	void (*emit_mem)(struct cg *cg, int base, int off, int len);
	/* Its type when only the compile can tell it (curtask: the kernel's
	 * struct task_struct *); reports an error and returns T_NONE when
	 * it cannot. NULL: kind, sign and len say. */
	struct type (*type)(struct sema *s, struct loc loc);
};

/* The builtin called name, or the one with an id; NULL when none. */
const struct builtin_def *builtin_find(const char *name);
const struct builtin_def *builtin_of(int id);
/* The i-th builtin (NULL past the end), for "did you mean" hints. */
const struct builtin_def *builtin_at(size_t i);
/* Its type as sema gives it to an expression. */
struct type builtin_type(const struct builtin_def *b);

/* Shared with the functions that need them (usym()). */
void builtin_emit_site_name(struct cg *cg, int reg, bool probe);
/* The pid, and in its upper half the probe that fired, at base + off. */
void builtin_emit_pid_and_probe(struct cg *cg, int base, int off);

#endif
