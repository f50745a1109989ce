/* SPDX-License-Identifier: GPL-2.0-only */
/* The x86-64 instructions of one function: where each starts, and what
 * the kernel's uprobes do with it. A uprobe writes an int3 over the first
 * byte at its offset, so an offset that is not the start of an
 * instruction corrupts the traced program; these answer "is this offset
 * an instruction start in function F, which starts are nearest, and does
 * the kernel emulate the instruction here or single-step it". */
#ifndef PLUMB_BINARY_INSN_H
#define PLUMB_BINARY_INSN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "binary/binary.h"

/* What a uprobe on an instruction costs, as arch/x86/kernel/uprobes.c
 * decides it (kernel 6.18): branches, calls, pushes of a register and
 * nops are emulated in the trap handler; everything else is copied to a
 * page of the process and single-stepped, a second trap per hit. */
enum bin_insn_probe {
	BIN_INSN_EMULATED,
	BIN_INSN_STEPPED,
	BIN_INSN_REFUSED,	/* the kernel refuses a uprobe on it */
	BIN_INSN_MISRUN,	/* the kernel takes it for another and would skip it */
};

struct bin_insn {
	uint64_t vaddr;			/* link-time address */
	uint8_t len;
	uint8_t probe;			/* enum bin_insn_probe */
	const char *why;		/* REFUSED, MISRUN: the reason (static text) */
	char text[200];			/* "pushq %rbp" (AT&T, as objdump prints) */
};

/* One function's code, decoded in order from its first byte. */
struct bin_insns {
	uint64_t start, end;		/* the function: [start, end) */
	uint64_t decoded_end;		/* decoding stopped here; == end when complete */
	size_t n;
	struct bin_insn *v;
};

/* The function a link-time address lies in: a FUNC symbol of an
 * executable segment that contains it (unsized symbols reach to the next
 * symbol). NULL when none does. */
const struct bin_sym *bin_func_at(const struct bin *b, uint64_t vaddr);
/* Decode the function f. false with a reason in err when its bytes
 * cannot be read. Bytes that do not decode end the list early
 * (decoded_end < end), as data in code would. */
bool bin_insns_decode(const struct bin *b, const struct bin_sym *f, struct bin_insns *out,
		      char *err, size_t errlen);
void bin_insns_free(struct bin_insns *d);
/* The one instruction the kernel would decode at vaddr (in an executable
 * segment), for a function's first instruction or an address outside any
 * function. false when the bytes do not decode. */
bool bin_insn_decode_one(const struct bin *b, uint64_t vaddr, struct bin_insn *out);
/* The instruction that contains vaddr (starting at or before it), or NULL
 * when vaddr is outside the decoded code. */
const struct bin_insn *bin_insn_containing(const struct bin_insns *d, uint64_t vaddr);
/* The nearest instruction the kernel emulates, looking forward from i
 * (excluded) to the end, then backward; NULL if there is none. */
const struct bin_insn *bin_insn_cheaper(const struct bin_insns *d, const struct bin_insn *i);
/* The nearest instructions the kernel runs faithfully, at or before
 * vaddr and after it (NULL where there is none). */
void bin_insn_probeable_around(const struct bin_insns *d, uint64_t vaddr,
			       const struct bin_insn **before, const struct bin_insn **after);
/* Where a link-time address lies, for messages: a section name (".rodata"),
 * "the ELF header", "the program headers", or NULL. */
const char *bin_place(const struct bin *b, uint64_t vaddr);
/* Whether vaddr lies in the file-backed part of an executable segment. */
bool bin_vaddr_exec(const struct bin *b, uint64_t vaddr);

/* Classify one instruction's bytes (len of them) as the kernel would;
 * *why gets the reason for REFUSED and MISRUN. Exposed for tests. */
enum bin_insn_probe bin_insn_classify(const uint8_t *code, size_t len, const char **why);

#endif
