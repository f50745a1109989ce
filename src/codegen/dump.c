// SPDX-License-Identifier: GPL-2.0-only
/* -d: the generated program as text, each run of instructions under the
 * source it came from. The syntax follows the kernel verifier's log. */
#include <string.h>

#include "codegen/cg.h"

/* The kernel's helper names, from the list its header keeps of them
 * (every helper, in id order), so a new helper needs no entry here. */
#define HELPER_NAME(x) [BPF_FUNC_##x] = #x
static const char *const helper_names[] = { __BPF_FUNC_MAPPER(HELPER_NAME) };
#undef HELPER_NAME

static const char *helper_name(int id)
{
	if (id <= 0 || (size_t)id >= ARRAY_SIZE(helper_names))
		return NULL;
	return helper_names[id];
}

static const char *size_name(int code)
{
	switch (BPF_SIZE(code)) {
	case BPF_B: return "u8";
	case BPF_H: return "u16";
	case BPF_W: return "u32";
	default: return "u64";
	}
}

static const char *alu_sym(int op, bool sign)
{
	switch (op) {
	case BPF_ADD: return "+=";
	case BPF_SUB: return "-=";
	case BPF_MUL: return "*=";
	case BPF_DIV: return sign ? "s/=" : "/=";
	case BPF_MOD: return sign ? "s%=" : "%=";
	case BPF_OR: return "|=";
	case BPF_AND: return "&=";
	case BPF_LSH: return "<<=";
	case BPF_RSH: return ">>=";
	case BPF_ARSH: return "s>>=";
	case BPF_XOR: return "^=";
	case BPF_MOV: return "=";
	}
	return "?=";
}

static const char *jmp_sym(int op)
{
	switch (op) {
	case BPF_JEQ: return "==";
	case BPF_JNE: return "!=";
	case BPF_JGT: return ">";
	case BPF_JGE: return ">=";
	case BPF_JLT: return "<";
	case BPF_JLE: return "<=";
	case BPF_JSGT: return "s>";
	case BPF_JSGE: return "s>=";
	case BPF_JSLT: return "s<";
	case BPF_JSLE: return "s<=";
	case BPF_JSET: return "&";
	}
	return "?";
}

static const char *internal_map(int id)
{
	switch (id) {
	case CG_MAP_RINGBUF: return "events";
	case CG_MAP_ZERO: return "zeroes";
	case CG_MAP_STATS: return "stats";
	case CG_MAP_STACKS: return "stacks";
	case CG_MAP_CONFIG: return "config";
	}
	return id <= CG_MAP_CHAIN(0) ? "chain" : "?";
}

static const char *map_name(const struct cg_prog *p, const struct sema *s, size_t i,
			    bool *value)
{
	for (size_t r = 0; r < p->relocs.n; r++) {
		if (p->relocs.v[r].insn != (int)i)
			continue;
		int id = p->relocs.v[r].map;
		*value = p->relocs.v[r].value;
		if (id < 0)
			return internal_map(id);
		return s && id < (int)s->maps.n ? s->maps.v[id]->name : "?";
	}
	return NULL;
}

static void alu(char *buf, size_t len, const struct bpf_insn *in)
{
	int op = BPF_OP(in->code);
	bool is64 = BPF_CLASS(in->code) == BPF_ALU64;
	char r = is64 ? 'r' : 'w';

	if (op == BPF_NEG) {
		snprintf(buf, len, "%c%d = -%c%d", r, in->dst_reg, r, in->dst_reg);
	} else if (op == BPF_END) {
		snprintf(buf, len, "r%d = %s%d r%d", in->dst_reg,
			 BPF_SRC(in->code) == BPF_TO_BE ? "be" : "le", in->imm, in->dst_reg);
	} else if (BPF_SRC(in->code) == BPF_X) {
		snprintf(buf, len, "%c%d %s %c%d", r, in->dst_reg, alu_sym(op, in->off == 1), r,
			 in->src_reg);
	} else {
		snprintf(buf, len, "%c%d %s %d", r, in->dst_reg, alu_sym(op, in->off == 1),
			 in->imm);
	}
}

static void jmp(char *buf, size_t len, const struct bpf_insn *in, size_t i)
{
	int op = BPF_OP(in->code);
	long target = (long)i + 1 + in->off;

	if (op == BPF_JA)
		snprintf(buf, len, "goto %ld", target);
	else if (op == BPF_CALL && in->src_reg == BPF_PSEUDO_CALL)
		snprintf(buf, len, "call func at %ld", (long)i + 1 + in->imm);
	else if (op == BPF_CALL)
		snprintf(buf, len, "call %s", helper_name(in->imm) ? helper_name(in->imm) : "?");
	else if (op == BPF_EXIT)
		snprintf(buf, len, "exit");
	else if (BPF_SRC(in->code) == BPF_X)
		snprintf(buf, len, "if r%d %s r%d goto %ld", in->dst_reg, jmp_sym(op), in->src_reg,
			 target);
	else
		snprintf(buf, len, "if r%d %s %d goto %ld", in->dst_reg, jmp_sym(op), in->imm,
			 target);
}

static void atomic(char *buf, size_t len, const struct bpf_insn *in)
{
	const char *sym = in->imm == BPF_ADD ? "+=" : in->imm == BPF_OR ? "|=" :
			  in->imm == BPF_AND ? "&=" : in->imm == BPF_XOR ? "^=" : NULL;

	if (sym)
		snprintf(buf, len, "lock *(u64 *)(r%d %+d) %s r%d", in->dst_reg, in->off, sym,
			 in->src_reg);
	else if (in->imm == BPF_CMPXCHG)
		snprintf(buf, len, "r0 = cmpxchg((u64 *)(r%d %+d), r0, r%d)", in->dst_reg, in->off,
			 in->src_reg);
	else
		snprintf(buf, len, "atomic %#x (r%d %+d), r%d", in->imm, in->dst_reg, in->off,
			 in->src_reg);
}

int cg_insn_str(char *buf, size_t len, const struct bpf_insn *insns, size_t i, size_t n,
		const struct cg_prog *p, const struct sema *s)
{
	const struct bpf_insn *in = &insns[i];
	bool value = false;

	switch (BPF_CLASS(in->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		alu(buf, len, in);
		return 1;
	case BPF_JMP:
		jmp(buf, len, in, i);
		return 1;
	case BPF_LDX:
		snprintf(buf, len, "r%d = *(%s *)(r%d %+d)", in->dst_reg, size_name(in->code),
			 in->src_reg, in->off);
		return 1;
	case BPF_STX:
		if (BPF_MODE(in->code) == BPF_ATOMIC)
			atomic(buf, len, in);
		else
			snprintf(buf, len, "*(%s *)(r%d %+d) = r%d", size_name(in->code),
				 in->dst_reg, in->off, in->src_reg);
		return 1;
	case BPF_ST:
		snprintf(buf, len, "*(%s *)(r%d %+d) = %d", size_name(in->code), in->dst_reg,
			 in->off, in->imm);
		return 1;
	case BPF_LD:
		if (in->code == (BPF_LD | BPF_DW | BPF_IMM) && i + 1 < n) {
			const char *m = p ? map_name(p, s, i, &value) : NULL;
			uint64_t v = (uint32_t)in->imm | (uint64_t)(uint32_t)insns[i + 1].imm << 32;
			if (in->src_reg == BPF_PSEUDO_FUNC)
				snprintf(buf, len, "r%d = &func at %ld", in->dst_reg,
					 (long)i + 1 + in->imm);
			else if (m && value)
				snprintf(buf, len, "r%d = &map[%s][0]", in->dst_reg, m);
			else if (m)
				snprintf(buf, len, "r%d = map[%s]", in->dst_reg, m);
			else
				snprintf(buf, len, "r%d = %#llx ll", in->dst_reg, (unsigned long long)v);
			return 2;
		}
		break;
	}
	snprintf(buf, len, "(%02x) ?", in->code);
	return 1;
}

/* "; 1:23  @x = count()" for the span, on one line. */
static void source_line(FILE *f, struct loc l)
{
	const struct src *src = diag_src();
	int line, col;

	if (!src)
		return;
	diag_linecol(l.start, &line, &col);
	fprintf(f, "; %d:%d  ", line, col);
	for (int i = l.start; i < l.end && i < (int)src->len && i - l.start < 72; i++) {
		char c = src->text[i];
		if (c == '\n')
			break;
		fputc(c == '\t' ? ' ' : c, f);
	}
	fputc('\n', f);
}

void cg_dump(FILE *f, const struct cg_prog *p, const struct sema *s, const char *log)
{
	char buf[128];
	struct loc last = { -1, -1 };
	size_t clause = 0, func = 0;

	fprintf(f, "; program for %s: %zu instructions\n", p->name, p->insns.n);
	for (size_t i = 0; i < p->insns.n;) {
		struct loc l = p->locs.v[i];
		/* the clauses of a program, each under a line of its own */
		while (clause < p->starts.n && (size_t)p->starts.v[clause] <= i) {
			fprintf(f, "; clause %zu of %zu\n", clause + 1, p->nclauses);
			clause++;
			last = (struct loc){ -1, -1 };
		}
		while (func < p->funcs.n && (size_t)p->funcs.v[func].insn <= i) {
			if (p->funcs.v[func].kind == CG_FUNC_BODY)
				fprintf(f, "; func at %zu: a loop's body, given %d bytes of locals "
					"at r9\n", i, p->funcs.v[func].state);
			else if (p->funcs.v[func].kind == CG_FUNC_MAP_CB)
				fprintf(f, "; func at %zu: the callback of a for loop over a map\n", i);
			else
				fprintf(f, "; func at %zu: bpf_loop's callback for a loop\n", i);
			func++;
			last = (struct loc){ -1, -1 };
		}
		if (l.start != last.start || l.end != last.end)
			source_line(f, l);
		last = l;
		int used = cg_insn_str(buf, sizeof(buf), p->insns.v, i, p->insns.n, p, s);
		fprintf(f, "%5zu: %s\n", i, buf);
		i += (size_t)used;
	}
	if (log && *log)
		fprintf(f, "; verifier log:\n%s", log);
	fputc('\n', f);
}
