// SPDX-License-Identifier: GPL-2.0-only
/* Statements and whole programs. */
#include <stdlib.h>
#include <string.h>

#include "codegen/cg.h"
#include "options.h"

static void block(struct cg *cg, struct node *b);

static void stmt_if(struct cg *cg, struct node *n)
{
	int no = cg_label(cg), done = cg_label(cg);

	cg_cond_false(cg, n->a, no);
	block(cg, n->b);
	if (n->c)
		cg_goto(cg, done);
	cg_place(cg, no);
	if (n->c && n->c->kind == AST_IF)
		stmt_if(cg, n->c);
	else if (n->c)
		block(cg, n->c);
	cg_place(cg, done);
}

static void stmt(struct cg *cg, struct node *n)
{
	cg->cur = n->loc;
	switch (n->kind) {
	case AST_ASSIGN:
		cg_assign(cg, n);
		break;
	case AST_IF:
		stmt_if(cg, n);
		break;
	case AST_EXPR_STMT:
		if (n->a->id == F_DELETE)
			cg_delete(cg, n->a);
		else
			cg_event_call(cg, n->a);
		break;
	default:
		cg_error(cg, n->loc, "cannot generate code for this statement");
	}
}

static void block(struct cg *cg, struct node *b)
{
	for (struct node *st = b ? b->list : NULL; st && !cg->failed; st = st->next)
		stmt(cg, st);
}

static void locals(struct cg *cg, struct node *clause)
{
	for (struct local *l = clause->b->local; l; l = l->next) {
		int size = (int)type_storage(l->type);
		l->slot = cg_stack_alloc(cg, size ? size : 8);
		cg_stack_zero(cg, l->slot, size ? size : 8);
	}
}

/* Kernel-wide probes see every process; -p narrows them here (uprobes
 * are narrowed by the kernel at attach time). */
static void pid_filter(struct cg *cg)
{
	pid_t pid = cg->sema->opts->pid;

	if (!pid || (cg->probe->kind->flags & (PK_USER | PK_ONCE | PK_TIMER)))
		return;
	cg_call(cg, BPF_FUNC_get_current_pid_tgid);
	cg_emit(cg, ALU64_IMM(BPF_RSH, R0, 32));
	cg_jmp_imm(cg, BPF_JNE, R0, pid, cg->exit_label);
}

/* Once plumb stops, probes still attached do nothing: the maps it prints
 * hold still while the kernel takes its time detaching. */
static void stopped_check(struct cg *cg)
{
	if (cg->probe->kind->flags & PK_ONCE)
		return;
	cg_ld_map(cg, R1, CG_MAP_CONFIG, true);
	cg_emit(cg, LDX(BPF_DW, R1, R1, CONFIG_STOPPED));
	cg_jmp_imm(cg, BPF_JNE, R1, 0, cg->exit_label);
}

/* Lending r7 saves it first; it may not have been written yet, and the
 * verifier refuses to read an unwritten register: give it a value at the
 * start (after "r6 = r1", before any jump, so no offset moves). */
static void init_r7(struct cg_prog *p)
{
	vec_push(&p->insns, p->insns.v[0]);
	vec_push(&p->locs, p->locs.v[0]);
	memmove(p->insns.v + 2, p->insns.v + 1, (p->insns.n - 2) * sizeof(*p->insns.v));
	memmove(p->locs.v + 2, p->locs.v + 1, (p->locs.n - 2) * sizeof(*p->locs.v));
	p->insns.v[1] = MOV64_IMM(R7, 0);
	for (size_t i = 0; i < p->relocs.n; i++)
		p->relocs.v[i].insn++;
}

static char *prog_name(struct probe *p, int variant)
{
	if (p->nvariants > 1)
		return xasprintf("%s (argument layout %d of %d)", p->spec, variant + 1,
				 p->nvariants);
	return xstrdup(p->spec);
}

struct cg_prog *cg_program(struct sema *s, struct node *clause, struct probe *p, int variant)
{
	struct cg_prog *prog = xcalloc(1, sizeof(*prog));
	struct cg cg = { .sema = s, .prog = prog, .probe = p, .variant = variant };
	bool ok;

	prog->name = prog_name(p, variant);
	prog->clause = clause;
	prog->probe = p;
	prog->variant = variant;
	prog->prog_type = p->kind->prog_type;
	prog->fd = -1;
	cg.cur = p->node->loc;
	cg.exit_label = cg_label(&cg);
	cg_emit(&cg, MOV64_REG(R6, R1));
	stopped_check(&cg);
	locals(&cg, clause);
	pid_filter(&cg);
	if (clause->a)
		cg_cond_false(&cg, clause->a, cg.exit_label);
	block(&cg, clause->b);
	cg.cur = clause->b->loc;
	cg.cur.start = cg.cur.end - 1;
	cg_place(&cg, cg.exit_label);
	cg_emit(&cg, MOV64_IMM(R0, 0));
	cg_emit(&cg, EXIT_INSN());
	ok = cg_finish(&cg);
	if (ok && cg.lent_r7)
		init_r7(prog);
	if (ok)
		cg_prune(prog);
	if (ok)
		ok = cg_check_maps(prog);
	vec_free(&cg.labels);
	vec_free(&cg.fixups);
	if (!ok) {
		cg_prog_free(prog);
		return NULL;
	}
	return prog;
}

void cg_prog_free(struct cg_prog *p)
{
	if (!p)
		return;
	free(p->name);
	vec_free(&p->insns);
	vec_free(&p->locs);
	vec_free(&p->relocs);
	free(p);
}
