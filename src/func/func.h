/* SPDX-License-Identifier: GPL-2.0-only */
/* Functions (str, printf, delete, ...): each is one descriptor with how
 * many arguments it takes, whether it is a statement or a value, a sema
 * hook that checks its arguments and gives its type, and the codegen
 * hooks that compute it, in a file named for what it does (string.c,
 * symbol.c, register.c, map.c, output.c), found through one table
 * (func/registry.c), as builtins, aggregations and probe kinds are. Sema
 * and codegen only call the hooks. A value user space renders as text
 * (strerror, strftime, buf) is a T_TEXT whose struct text_kind, in the
 * function's file, says how (ast/type.h). */
#ifndef PLUMB_FUNC_H
#define PLUMB_FUNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ast/ast.h"

struct scope;
struct cg;
struct strbuf;

struct func_def {
	const char *name;
	int min, max;		/* how many arguments it takes */
	bool stmt;		/* a statement: it has no value */
	bool pure;		/* its value needs no helper call (cg_pure) */
	/* Check the arguments; set n->type, which is T_NONE (or T_VOID for
	 * a statement) on entry and stays so on an error. */
	void (*sema)(struct scope *sc, struct node *n);
	/* An integer value into reg. */
	void (*emit)(struct cg *cg, struct node *n, int reg);
	/* A value stored whole at base + off: a string of len bytes, a
	 * symbol, a stack (len 0: its own size). */
	void (*emit_mem)(struct cg *cg, struct node *n, int base, int off, int len);
	/* As a statement. */
	void (*emit_stmt)(struct cg *cg, struct node *n);
};

/* The function called name; NULL when none. */
const struct func_def *func_find(const char *name);
/* The i-th function (NULL past the end), for "did you mean" hints. */
const struct func_def *func_at(size_t i);
/* What sema stores in a call's node (n->id), and the function it names. */
int func_id(const struct func_def *f);
const struct func_def *func_of(const struct node *call);

/* For a function whose one integer argument is kept (8 bytes) and made
 * into text in user space as k says: its sema hook's checks ("F() WHAT,
 * not a TYPE" otherwise; addr also takes pointers), and its emit_mem hook. */
void func_int_text_sema(struct scope *sc, struct node *n, const struct func_def *f,
			const struct text_kind *k, bool addr, const char *what);
void func_emit_int_arg(struct cg *cg, struct node *n, int base, int off, int len);
/* For emit_mem hooks: size bytes of the traced program's memory (or the
 * kernel's, in kernel probes) at the address addr computes, kept at
 * base + off; a failed read counted. */
void func_emit_read(struct cg *cg, struct node *addr, int base, int off, int size);
/* The same with a run-time size, at most size, in the stack slot (its
 * bound known to the verifier). */
void func_emit_read_n(struct cg *cg, struct node *addr, int base, int off, int size, int slot);

/* For the sema hooks: the i-th argument (NULL past the last), and a
 * constant integer argument (false after saying it must be one). */
struct node *func_arg(struct node *call, int i);
bool func_const_int(struct scope *sc, struct node *n, const char *what, int64_t *v);
/* printf's checks, for a record of printf's text for the given use. */
void func_message_sema(struct scope *sc, struct node *n, int level);

#endif
