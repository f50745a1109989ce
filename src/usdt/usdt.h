/* SPDX-License-Identifier: GPL-2.0-only */
/* USDT (systemtap SDT) probes: the .note.stapsdt reader and the x86-64
 * argument-spec parser. Code generation for the arguments lives in the
 * USDT probe kind (probe/usdt.c); this module only describes them. */
#ifndef PLUMB_USDT_H
#define PLUMB_USDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "binary/binary.h"

#define USDT_MAX_ARGS 12

enum usdt_arg_kind {
	USDT_ARG_CONST,		/* $imm: value = imm */
	USDT_ARG_REG,		/* %reg: value = reg (>> shift) */
	USDT_ARG_MEM,		/* memory at an address, see below */
};

/* Offsets into the kernel's x86-64 struct pt_regs (r15 at 0 ... ip at 128,
 * sp at 152); -1 means "no register". */
#define USDT_REG_NONE (-1)
#define USDT_REG_IP 128

struct usdt_arg {
	char *text;		/* the spec as written, e.g. "-4@-20(%rbp)" */
	int size;		/* 1, 2, 4 or 8 bytes */
	bool is_signed;		/* negative size in the spec */
	enum usdt_arg_kind kind;
	int64_t imm;		/* CONST: the value; MEM: the displacement */
	int reg;		/* REG: pt_regs offset; MEM: base register or USDT_REG_NONE */
	int shift;		/* REG: 8 for %ah %bh %ch %dh, else 0 */
	int index;		/* MEM: index register pt_regs offset or USDT_REG_NONE */
	int scale;		/* MEM: 1, 2, 4 or 8 (1 when no index) */
	char *sym;		/* MEM: symbol in the displacement ("NBuffers",
				   "40+CheckpointStats" gives sym + imm 40), or NULL */
	bool sym_resolved;	/* sym was found in the binary's symbols */
	uint64_t sym_vaddr;	/* its link-time address */
};

struct usdt_note {
	char *provider, *name;
	char *args_text;	/* the whole argument string, may be "" */
	uint64_t pc, base, sem;	/* link-time addresses, .stapsdt.base adjusted */
	uint64_t pc_off;	/* file offset of the probe's nop */
	uint64_t sem_off;	/* file offset of the semaphore, 0 if none */
	int nargs;
	struct usdt_arg args[USDT_MAX_ARGS];
	char *arg_error;	/* why the args could not be parsed, or NULL */
};

struct usdt_notes {
	struct usdt_note *v;
	size_t n;
};

/* Parse one x86-64 argument spec ("-4@%edi", "8@-16(%rbp)", "-4@$-7",
 * "-4@(%rdx,%rcx,4)", "-8@gvar(%rip)", "-4@40+CheckpointStats(%rip)",
 * "-4@arr(,%rdx,4)", "1@%ah"). Returns false with a one-line reason in err. */
bool usdt_parse_arg(const char *text, struct usdt_arg *out, char *err, size_t errlen);
void usdt_arg_free(struct usdt_arg *a);

/* Read every NT_STAPSDT note of owner "stapsdt" in the binary, in note
 * order. Addresses are converted to file offsets through the binary's
 * PT_LOAD segments; argument strings are split and parsed (a note whose
 * args do not parse keeps arg_error and nargs = 0; the note is still
 * listed); symbols in arguments are resolved against b's symbols.
 * Returns false with a reason on a malformed or truncated note section
 * (a binary without notes is not an error: out->n = 0). */
bool usdt_read_notes(const struct bin *b, struct usdt_notes *out, char *err, size_t errlen);
void usdt_notes_free(struct usdt_notes *n);

#endif
