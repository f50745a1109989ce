// SPDX-License-Identifier: GPL-2.0-only
/* Numbers: bswap(x), its bytes in the other order. */
#include "codegen/cg.h"
#include "func/func.h"
#include "sema/scope.h"

/* By the operand's size, as bpftrace has it: an unsigned integer of the
 * same width; a byte is itself. */
static void bswap_sema(struct scope *sc, struct node *n)
{
	struct node *x = n->list;

	sema_expr(sc, x);
	if (type_bad(x->type))
		return;
	if (x->type.kind != T_INT) {
		sc_error(sc, x->loc, "bswap() takes an integer, not a %s",
			 type_name(x->type, (char[32]){0}, 32));
		return;
	}
	n->type = type_int(x->type.size, false);
}

/* The kernel's byte-order instruction: to big-endian on this
 * little-endian machine is a swap of the low 16, 32 or 64 bits, the rest
 * cleared. */
static void bswap_emit(struct cg *cg, struct node *n, int reg)
{
	int bits = 8 * n->type.size;

	cg_expr(cg, n->list, reg);
	if (bits == 8)
		cg_emit(cg, ALU64_IMM(BPF_AND, reg, 0xff));
	else
		cg_emit(cg, INSN(BPF_ALU | BPF_END | BPF_TO_BE, reg, 0, 0, bits));
}

const struct func_def func_bswap = {
	.name = "bswap", .min = 1, .max = 1, .sema = bswap_sema, .emit = bswap_emit,
};
