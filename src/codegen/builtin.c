// SPDX-License-Identifier: GPL-2.0-only
/* Builtin variables in code: args.FIELD and argN through the probe kind,
 * the rest through their descriptors (src/builtin/). */
#include "builtin/builtin.h"
#include "codegen/cg.h"

void cg_builtin(struct cg *cg, struct node *n, int reg)
{
	const struct builtin_def *b = n->kind == AST_IDENT ? builtin_of(n->id) : NULL;

	if (n->kind == AST_FIELD)
		cg->probe->kind->emit_field(cg, cg->probe, n->name, reg);
	else if (n->id == B_ARG)
		cg->probe->kind->emit_arg(cg, cg->probe, cg->variant, (int)n->num, reg);
	else if (b && b->emit)
		b->emit(cg, reg);
	else
		cg_error(cg, n->loc, "'%s' has no integer value", n->name);
}

static void usym_value(struct cg *cg, struct node *n, int base, int off)
{
	int r = cg_reg_alloc(cg);
	int v = r < 0 ? R0 : r;

	cg_expr(cg, n->list, v);
	cg_emit(cg, STX(BPF_DW, base, v, (int16_t)off));
	cg_reg_free(cg, r);
	builtin_emit_pid_and_probe(cg, base, off + 8);
	/* where the probe is running now: gives its binary's load address */
	if (cg->probe->kind->flags & PK_USER)
		cg_emit(cg, LDX(BPF_DW, R0, R6, PT_REGS_IP));
	else
		cg_emit(cg, MOV64_IMM(R0, 0));
	cg_emit(cg, STX(BPF_DW, base, R0, (int16_t)(off + 16)));
}

/* ustack(N): the frames themselves, zero-filled past the last one (the
 * helper does that), so that the value is a key. */
static void inline_stack(struct cg *cg, int depth, int base, int off)
{
	cg_emit(cg, MOV64_REG(R1, R6));
	cg_emit(cg, MOV64_REG(R2, base));
	cg_emit(cg, ALU64_IMM(BPF_ADD, R2, off));
	cg_mov_imm(cg, R3, 8 * depth);
	cg_mov_imm(cg, R4, BPF_F_USER_STACK);
	cg_call(cg, BPF_FUNC_get_stack);
	builtin_emit_pid_and_probe(cg, base, off + 8 * depth);
}

/* Values stored whole: usym(), ustack(N), stacks. */
void cg_builtin_mem(struct cg *cg, struct node *n, int base, int off)
{
	const struct builtin_def *b = n->kind == AST_IDENT ? builtin_of(n->id) : NULL;

	if (n->kind == AST_CALL && n->id == F_USYM)
		usym_value(cg, n, base, off);
	else if (n->kind == AST_CALL && n->id == F_USTACK)
		inline_stack(cg, (int)n->type.len, base, off);
	else if (b && b->emit_mem && b->kind != T_STR)
		b->emit_mem(cg, base, off, 0);
	else
		cg_error(cg, n->loc, "cannot store this value");
}
