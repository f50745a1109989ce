// SPDX-License-Identifier: GPL-2.0-only
/* Registers and stack. Values that must live across helper calls sit in
 * the callee-saved r7..r9; when those run out, expression code spills to
 * the stack (see with_rhs in expr.c). Stack space is a bump allocator that each
 * statement rewinds. */
#include "codegen/cg.h"

int cg_local_base(const struct cg *cg)
{
	return cg->in_body ? CG_LOCALS : R10;
}

int cg_local_off(const struct cg *cg, const struct local *l)
{
	return cg->in_body ? l->slot + cg->locals : l->slot;
}

int cg_reg_alloc(struct cg *cg)
{
	for (int r = R7; r <= R9; r++) {
		if (!cg->busy[r]) {
			cg->busy[r] = true;
			return r;
		}
	}
	return -1;
}

void cg_reg_free(struct cg *cg, int reg)
{
	if (reg >= R7 && reg <= R9)
		cg->busy[reg] = false;
}

/* Returns the (negative) offset from r10 of size bytes, 8-aligned. */
int cg_stack_alloc(struct cg *cg, int size)
{
	cg->sp += (size + 7) & ~7;
	if (cg->sp > CG_STACK_MAX) {
		cg_error(cg, cg->cur,
			 "this needs more than the %d bytes of stack a BPF program has; "
			 "use shorter strings (-s or str(p, n))", CG_STACK_MAX);
		cg->sp = CG_STACK_MAX;
	}
	return -cg->sp;
}

void cg_stack_zero(struct cg *cg, int off, int size)
{
	for (int i = 0; i < size; i += 8)
		cg_emit(cg, ST(BPF_DW, R10, (int16_t)(off + i), 0));
}

void cg_extend(struct cg *cg, int reg, int size, bool sign)
{
	int shift = 64 - size * 8;

	if (size >= 8)
		return;
	if (!sign && size == 4) {
		cg_emit(cg, MOV32_REG(reg, reg));
		return;
	}
	cg_emit(cg, ALU64_IMM(BPF_LSH, reg, shift));
	cg_emit(cg, ALU64_IMM(sign ? BPF_ARSH : BPF_RSH, reg, shift));
}

static void read_call(struct cg *cg, int slot, int size, int helper)
{
	cg_emit(cg, MOV64_REG(R1, R10));
	cg_emit(cg, ALU64_IMM(BPF_ADD, R1, slot));
	cg_emit(cg, MOV64_IMM(R2, size));
	cg_call(cg, helper);
}

/* The stats slot of the read at cg->cur: one per source span, shared by
 * every program compiled from that clause. */
static int read_slot(struct cg *cg)
{
	struct sema *s = cg->sema;
	size_t i = 0;

	while (i < s->reads.n &&
	       (s->reads.v[i].start != cg->cur.start || s->reads.v[i].end != cg->cur.end))
		i++;
	if (i == s->reads.n)
		vec_push(&s->reads, cg->cur);
	return STAT_READ_BASE(s) + (int)i;
}

void cg_count_failed_read(struct cg *cg, int ok_op, int32_t ok_imm)
{
	int ok = cg_label(cg);

	cg_jmp_imm(cg, ok_op, R0, ok_imm, ok);
	cg_stat_inc(cg, read_slot(cg));
	cg_place(cg, ok);
}

/* Through a pointer known to point into the kernel (curtask and what it
 * leads to), in any probe: a uprobe's program reads kernel memory too. */
void cg_read_kernel_mem(struct cg *cg, int dst, int addr_reg, int size, bool sign)
{
	int mark = cg->sp;
	int slot = cg_stack_alloc(cg, 8);

	cg_emit(cg, ST(BPF_DW, R10, (int16_t)slot, 0));
	if (addr_reg != R3)
		cg_emit(cg, MOV64_REG(R3, addr_reg));
	read_call(cg, slot, size, BPF_FUNC_probe_read_kernel);
	cg_count_failed_read(cg, BPF_JEQ, 0);
	cg_emit(cg, LDX(BPF_DW, dst, R10, (int16_t)slot));
	cg_extend(cg, dst, size, sign);
	cg->sp = mark;
}

/* Kernel probes see kernel pointers as well as user ones: a failed user
 * read is tried again in kernel memory. Failures are counted, not
 * hidden: the value reads as 0. */
void cg_read_mem(struct cg *cg, int dst, int addr_reg, int size, bool sign)
{
	int mark = cg->sp;
	int slot = cg_stack_alloc(cg, 8);
	bool user = cg->probe->kind->flags & PK_USER;
	int addr = user ? 0 : cg_stack_alloc(cg, 8);

	cg_emit(cg, ST(BPF_DW, R10, (int16_t)slot, 0));
	if (addr_reg != R3)
		cg_emit(cg, MOV64_REG(R3, addr_reg));
	if (!user)
		cg_emit(cg, STX(BPF_DW, R10, R3, (int16_t)addr));
	read_call(cg, slot, size, BPF_FUNC_probe_read_user);
	if (!user) {
		int done = cg_label(cg);
		cg_jmp_imm(cg, BPF_JEQ, R0, 0, done);
		cg_emit(cg, LDX(BPF_DW, R3, R10, (int16_t)addr));
		read_call(cg, slot, size, BPF_FUNC_probe_read_kernel);
		cg_count_failed_read(cg, BPF_JEQ, 0);
		cg_place(cg, done);
	} else {
		cg_count_failed_read(cg, BPF_JEQ, 0);
	}
	cg_emit(cg, LDX(BPF_DW, dst, R10, (int16_t)slot));
	cg_extend(cg, dst, size, sign);
	cg->sp = mark;
}
