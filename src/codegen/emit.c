// SPDX-License-Identifier: GPL-2.0-only
/* The emitter: instructions with their source spans, labels and jumps
 * patched once at the end, and map relocations. */
#include <stdarg.h>
#include <stdlib.h>

#include "codegen/cg.h"

void cg_emit(struct cg *cg, struct bpf_insn insn)
{
	vec_push(&cg->prog->insns, insn);
	vec_push(&cg->prog->locs, cg->cur);
}

void cg_ld_imm64(struct cg *cg, int reg, uint64_t v)
{
	cg_emit(cg, LD_IMM64_LO(reg, 0, (int32_t)(uint32_t)v));
	cg_emit(cg, LD_IMM64_HI((int32_t)(uint32_t)(v >> 32)));
}

void cg_mov_imm(struct cg *cg, int reg, int64_t v)
{
	if (v >= INT32_MIN && v <= INT32_MAX)
		cg_emit(cg, MOV64_IMM(reg, (int32_t)v));
	else
		cg_ld_imm64(cg, reg, (uint64_t)v);
}

void cg_ld_map(struct cg *cg, int reg, int map_id, bool value)
{
	struct cg_reloc r = { (int)cg->prog->insns.n, map_id, value };

	vec_push(&cg->prog->relocs, r);
	cg_emit(cg, LD_IMM64_LO(reg, value ? BPF_PSEUDO_MAP_VALUE : BPF_PSEUDO_MAP_FD, 0));
	cg_emit(cg, LD_IMM64_HI(0));
}

int cg_label(struct cg *cg)
{
	vec_push(&cg->labels, -1);
	return (int)cg->labels.n - 1;
}

void cg_place(struct cg *cg, int label)
{
	cg->labels.v[label] = (int)cg->prog->insns.n;
}

static void fixup(struct cg *cg, int label)
{
	struct cg_fixup f = { (int)cg->prog->insns.n - 1, label, false };

	vec_push(&cg->fixups, f);
}

void cg_ld_func(struct cg *cg, int reg, int label)
{
	struct cg_fixup f = { (int)cg->prog->insns.n, label, true };

	vec_push(&cg->fixups, f);
	cg_emit(cg, LD_IMM64_LO(reg, BPF_PSEUDO_FUNC, 0));
	cg_emit(cg, LD_IMM64_HI(0));
}

void cg_call_func(struct cg *cg, int label)
{
	struct cg_fixup f = { (int)cg->prog->insns.n, label, true };

	vec_push(&cg->fixups, f);
	cg_emit(cg, ((struct bpf_insn){ .code = BPF_JMP | BPF_CALL, .src_reg = BPF_PSEUDO_CALL }));
}

void cg_jmp_imm(struct cg *cg, int op, int reg, int32_t imm, int label)
{
	cg_emit(cg, JMP_IMM(op, reg, imm, 0));
	fixup(cg, label);
}

void cg_jmp_reg(struct cg *cg, int op, int reg, int src, int label)
{
	cg_emit(cg, JMP_REG(op, reg, src, 0));
	fixup(cg, label);
}

void cg_goto(struct cg *cg, int label)
{
	cg_emit(cg, JA(0));
	fixup(cg, label);
}

void cg_call(struct cg *cg, int helper)
{
	cg_emit(cg, CALL(helper));
}

/* Patch every jump; false when a branch does not fit in 16 bits. */
bool cg_finish(struct cg *cg)
{
	for (size_t i = 0; i < cg->fixups.n; i++) {
		struct cg_fixup *f = &cg->fixups.v[i];
		long d = (long)cg->labels.v[f->label] - (f->insn + 1);

		if (f->imm && cg->labels.v[f->label] >= 0) {
			cg->prog->insns.v[f->insn].imm = (int32_t)d;
			continue;
		}
		if (cg->labels.v[f->label] < 0 || d < INT16_MIN || d > INT16_MAX) {
			cg_error(cg, cg->prog->locs.v[f->insn], "program too large for a BPF jump");
			return false;
		}
		cg->prog->insns.v[f->insn].off = (int16_t)d;
	}
	return !cg->failed;
}

static bool is_jump(const struct bpf_insn *in)
{
	int op = BPF_OP(in->code);

	return (BPF_CLASS(in->code) == BPF_JMP || BPF_CLASS(in->code) == BPF_JMP32) &&
	       op != BPF_CALL && op != BPF_EXIT;
}

static size_t width(const struct bpf_insn *in)
{
	return in->code == (BPF_LD | BPF_DW | BPF_IMM) ? 2 : 1;
}

/* An ld_imm64 of a callback's address, or a call of a subprogram: its imm
 * is relative, like a jump's offset. */
static bool is_func_ref(const struct bpf_insn *in)
{
	return (in->code == (BPF_LD | BPF_DW | BPF_IMM) && in->src_reg == BPF_PSEUDO_FUNC) ||
	       (in->code == (BPF_JMP | BPF_CALL) && in->src_reg == BPF_PSEUDO_CALL);
}

static void mark_live(const struct cg_prog *p, bool *live)
{
	size_t n = p->insns.n, *stack = xcalloc(n + 1, sizeof(size_t)), top = 0;

	stack[top++] = 0;
	while (top) {
		size_t i = stack[--top];
		if (i >= n || live[i])
			continue;
		const struct bpf_insn *in = &p->insns.v[i];
		live[i] = true;
		if (width(in) == 2 && i + 1 < n)
			live[i + 1] = true;
		if (is_func_ref(in))
			stack[top++] = (size_t)((long)i + 1 + in->imm);
		if (BPF_OP(in->code) == BPF_EXIT && BPF_CLASS(in->code) == BPF_JMP)
			continue;
		if (is_jump(in))
			stack[top++] = (size_t)((long)i + 1 + in->off);
		if (!(is_jump(in) && BPF_OP(in->code) == BPF_JA))
			stack[top++] = i + width(in);
	}
	free(stack);
}

/* Drop instructions no path reaches (the verifier refuses them): code
 * after a condition that folded to false, after "x && 0", ... */
void cg_prune(struct cg_prog *p)
{
	size_t n = p->insns.n, k = 0;
	bool *live = xcalloc(n + 1, sizeof(bool));
	size_t *to = xcalloc(n + 1, sizeof(size_t));

	mark_live(p, live);
	for (size_t i = 0; i < n; i++) {
		to[i] = k;
		k += live[i];
	}
	to[n] = k;
	if (k == n)
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct bpf_insn in = p->insns.v[i];
		if (!live[i])
			continue;
		if (is_jump(&in))
			in.off = (int16_t)((long)to[(long)i + 1 + in.off] - (long)to[i] - 1);
		if (is_func_ref(&in))
			in.imm = (int32_t)((long)to[(long)i + 1 + in.imm] - (long)to[i] - 1);
		p->insns.v[to[i]] = in;
		p->locs.v[to[i]] = p->locs.v[i];
	}
	size_t kr = 0;
	for (size_t r = 0; r < p->relocs.n; r++) {
		struct cg_reloc rel = p->relocs.v[r];
		if (!live[rel.insn])
			continue;	/* its map load went with the dead code */
		rel.insn = (int)to[rel.insn];
		p->relocs.v[kr++] = rel;
	}
	p->relocs.n = kr;
	for (size_t c = 0; c < p->starts.n; c++)
		p->starts.v[c] = (int)to[p->starts.v[c]];
	size_t kf = 0;
	for (size_t c = 0; c < p->funcs.n; c++)
		if (live[p->funcs.v[c].insn]) {	/* else its loop was dead code */
			p->funcs.v[kf] = p->funcs.v[c];
			p->funcs.v[kf++].insn = (int)to[p->funcs.v[c].insn];
		}
	p->funcs.n = kf;
	p->insns.n = p->locs.n = k;
out:
	free(live);
	free(to);
}

/* The kernel takes at most 64 distinct maps in one program
 * (MAX_USED_MAPS), plumb's own among them. Refused here, at the reference
 * that would be one too many, rather than by the verifier at load. */
bool cg_check_maps(const struct cg_prog *p)
{
	int seen[CG_MAX_MAPS], n = 0, own = 0;

	for (size_t r = 0; r < p->relocs.n; r++) {
		const struct cg_reloc *rel = &p->relocs.v[r];
		bool dup = false;

		for (int j = 0; j < n && !dup; j++)
			dup = seen[j] == rel->map;
		if (dup)
			continue;
		if (n == CG_MAX_MAPS) {
			diag_error(p->locs.v[rel->insn], "a BPF program may use at most %d maps, "
				   "and this would be one more (%d of the %d are plumb's own)",
				   CG_MAX_MAPS, own, CG_MAX_MAPS);
			return false;
		}
		own += rel->map < 0;
		seen[n++] = rel->map;
	}
	return true;
}

void cg_error(struct cg *cg, struct loc loc, const char *fmt, ...)
{
	va_list ap;

	if (cg->failed)
		return;
	cg->failed = true;
	va_start(ap, fmt);
	diag_verror(loc, fmt, ap);
	va_end(ap);
}
