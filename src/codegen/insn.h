/* SPDX-License-Identifier: GPL-2.0-only */
/* Constructors for struct bpf_insn (the uapi header has none). */
#ifndef PLUMB_INSN_H
#define PLUMB_INSN_H

#include <linux/bpf.h>

#define INSN(c, d, s, o, i) \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

/* dst op= src / dst op= imm, 64 and 32 bits */
#define ALU64_REG(op, d, s)	INSN(BPF_ALU64 | BPF_OP(op) | BPF_X, d, s, 0, 0)
#define ALU64_IMM(op, d, i)	INSN(BPF_ALU64 | BPF_OP(op) | BPF_K, d, 0, 0, i)
#define ALU32_IMM(op, d, i)	INSN(BPF_ALU | BPF_OP(op) | BPF_K, d, 0, 0, i)
/* signed division and modulo (ISA v4: off = 1) */
#define SALU64_REG(op, d, s)	INSN(BPF_ALU64 | BPF_OP(op) | BPF_X, d, s, 1, 0)
#define SALU64_IMM(op, d, i)	INSN(BPF_ALU64 | BPF_OP(op) | BPF_K, d, 0, 1, i)
#define MOV64_REG(d, s)		INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define MOV64_IMM(d, i)		INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define MOV32_REG(d, s)		INSN(BPF_ALU | BPF_MOV | BPF_X, d, s, 0, 0)
#define NEG64(d)		INSN(BPF_ALU64 | BPF_NEG, d, 0, 0, 0)

/* dst = *(size *)(src + off); *(size *)(dst + off) = src / imm */
#define LDX(sz, d, s, o)	INSN(BPF_LDX | BPF_MEM | (sz), d, s, o, 0)
#define STX(sz, d, s, o)	INSN(BPF_STX | BPF_MEM | (sz), d, s, o, 0)
#define ST(sz, d, o, i)		INSN(BPF_ST | BPF_MEM | (sz), d, 0, o, i)
/* atomic op on *(u64 *)(dst + off) with src; op is BPF_ADD, BPF_OR, ... */
#define ATOMIC64(op, d, s, o)	INSN(BPF_STX | BPF_ATOMIC | BPF_DW, d, s, o, op)

/* two-slot 64-bit immediate load; the second half carries the top bits */
#define LD_IMM64_LO(d, src, lo)	INSN(BPF_LD | BPF_DW | BPF_IMM, d, src, 0, lo)
#define LD_IMM64_HI(hi)		INSN(0, 0, 0, 0, hi)

#define JMP_REG(op, d, s, o)	INSN(BPF_JMP | BPF_OP(op) | BPF_X, d, s, o, 0)
#define JMP_IMM(op, d, i, o)	INSN(BPF_JMP | BPF_OP(op) | BPF_K, d, 0, o, i)
#define JA(o)			INSN(BPF_JMP | BPF_JA, 0, 0, o, 0)
#define CALL(fn)		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, fn)
#define EXIT_INSN()		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

enum { R0, R1, R2, R3, R4, R5, R6, R7, R8, R9, R10 };

#endif
