// SPDX-License-Identifier: GPL-2.0-only
/* Builtin variables in code: args.FIELD and argN through the probe kind,
 * the rest through their descriptors (src/builtin/). */
#include "builtin/builtin.h"
#include "codegen/cg.h"
#include "func/func.h"

void cg_builtin(struct cg *cg, struct node *n, int reg)
{
	const struct builtin_def *b = n->kind == AST_IDENT ? builtin_of(n->id) : NULL;

	if (n->kind == AST_FIELD)
		cg->probe->kind->emit_field(cg, cg->probe, n->name, reg);
	else if (n->id == B_ARG)
		cg->probe->kind->emit_arg(cg, cg->probe, cg->variant, (int)n->num, reg);
	else if (b && b->emit) {
		b->emit(cg, reg);
		/* a declared int return: rax's upper half is not the value's */
		if (n->id == B_RETVAL && n->type.kind == T_INT && n->type.size < 8)
			cg_extend(cg, reg, n->type.size, n->type.sign);
	} else
		cg_error(cg, n->loc, "'%s' has no integer value", n->name);
}

/* Values stored whole: stacks, and functions' (usym(), ustack(N)). */
void cg_builtin_mem(struct cg *cg, struct node *n, int base, int off)
{
	const struct builtin_def *b = n->kind == AST_IDENT ? builtin_of(n->id) : NULL;

	if (n->kind == AST_CALL && func_of(n) && func_of(n)->emit_mem)
		func_of(n)->emit_mem(cg, n, base, off, 0);
	else if (b && b->emit_mem && b->kind != T_STR)
		b->emit_mem(cg, base, off, 0);
	else
		cg_error(cg, n->loc, "cannot store this value");
}
