// SPDX-License-Identifier: GPL-2.0-only
/* Statements and whole programs. */
#include <stdlib.h>
#include <string.h>

#include "codegen/cg.h"
#include "func/func.h"
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

/* Every loop counts its trips in a hidden stack slot and ends after
 * CG_LOOP_MAX of them, whatever its condition says: the verifier then
 * always sees a bound, even when the condition depends on run-time
 * values. The man page documents the cap; a loop that reaches it with
 * its condition still true counts that in its stats slot, and plumb
 * reports it at the end. */

static int trips_init(struct cg *cg)
{
	int slot = cg_stack_alloc(cg, 8);

	cg_emit(cg, ST(BPF_DW, R10, (int16_t)slot, 0));
	return slot;
}

/* Before each trip, once the condition has said go on. */
static void trips_check(struct cg *cg, struct node *loop, int slot, int done)
{
	int go = cg_label(cg);

	cg_emit(cg, LDX(BPF_DW, R1, R10, (int16_t)slot));
	cg_jmp_imm(cg, BPF_JLT, R1, CG_LOOP_MAX, go);
	cg_stat_inc(cg, STAT_LOOP_BASE(cg->sema) + loop->id);
	cg_goto(cg, done);
	cg_place(cg, go);
	cg_emit(cg, ALU64_IMM(BPF_ADD, R1, 1));
	cg_emit(cg, STX(BPF_DW, R10, R1, (int16_t)slot));
}

/* The body with break and continue aimed at brk and next. */
static void loop_body(struct cg *cg, struct node *b, int brk, int next)
{
	int ob = cg->loop_break, on = cg->loop_next;

	cg->loop_break = brk;
	cg->loop_next = next;
	block(cg, b);
	cg->loop_break = ob;
	cg->loop_next = on;
}

static void stmt_while(struct cg *cg, struct node *n)
{
	if (cg_holds_formap(n->b)) {
		cg_loop_sub(cg, n);
		return;
	}
	int top = cg_label(cg), done = cg_label(cg), slot = trips_init(cg);

	cg_place(cg, top);
	cg_cond_false(cg, n->a, done);
	trips_check(cg, n, slot, done);
	loop_body(cg, n->b, done, top);
	cg_goto(cg, top);
	cg_place(cg, done);
}

static void stmt_unroll(struct cg *cg, struct node *n)
{
	int done = cg_label(cg);

	for (uint64_t i = 0; i < n->a->num && !cg->failed; i++) {
		int next = cg_label(cg);
		loop_body(cg, n->b, done, next);
		cg_place(cg, next);
	}
	cg_place(cg, done);
}

/* for ($i : start..end): start included, end excluded, end computed once. */
static void stmt_for(struct cg *cg, struct node *n)
{
	if (cg_holds_formap(n->b)) {
		cg_loop_sub(cg, n);
		return;
	}
	int top = cg_label(cg), next = cg_label(cg), done = cg_label(cg);
	int base = cg_local_base(cg), var = cg_local_off(cg, n->a->local);
	int end = cg_stack_alloc(cg, 8), slot;

	cg_store_value(cg, n->list, base, var);
	cg_store_value(cg, n->list->next, R10, end);
	slot = trips_init(cg);
	cg_place(cg, top);
	cg->cur = n->a->loc;
	cg_emit(cg, LDX(BPF_DW, R1, base, (int16_t)var));
	cg_emit(cg, LDX(BPF_DW, R2, R10, (int16_t)end));
	cg_jmp_reg(cg, BPF_JSGE, R1, R2, done);
	trips_check(cg, n, slot, done);
	loop_body(cg, n->b, done, next);
	cg_place(cg, next);
	cg->cur = n->a->loc;
	cg_emit(cg, LDX(BPF_DW, R1, base, (int16_t)var));
	cg_emit(cg, ALU64_IMM(BPF_ADD, R1, 1));
	cg_emit(cg, STX(BPF_DW, base, R1, (int16_t)var));
	cg_goto(cg, top);
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
	case AST_WHILE:
		stmt_while(cg, n);
		break;
	case AST_UNROLL:
		stmt_unroll(cg, n);
		break;
	case AST_FOR:
		if (n->c)
			cg_formap(cg, n);
		else
			stmt_for(cg, n);
		break;
	case AST_LET:
		break;	/* locals start at 0 */
	case AST_BREAK:
		cg_goto(cg, cg->loop_break);
		break;
	case AST_CONTINUE:
		cg_goto(cg, cg->loop_next);
		break;
	case AST_RETURN:
		cg_goto(cg, cg->exit_label);
		break;
	case AST_EXPR_STMT:
		func_of(n->a)->emit_stmt(cg, n->a);
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

/* Return from the program unless the condition holds: at once in a
 * program of many clauses (its end is too far for a 16-bit jump), else by
 * a jump to its end. */
static void quit_if(struct cg *cg, int op, int reg, int32_t imm)
{
	int go;

	if (!cg->many) {
		cg_jmp_imm(cg, op, reg, imm, cg->exit_label);
		return;
	}
	go = cg_label(cg);
	cg_jmp_imm(cg, op == BPF_JNE ? BPF_JEQ : BPF_JNE, reg, imm, go);
	cg_emit(cg, MOV64_IMM(R0, 0));
	cg_emit(cg, EXIT_INSN());
	cg_place(cg, go);
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
	quit_if(cg, BPF_JNE, R0, pid);
}

/* Once plumb stops, or a program called exit(), probes still attached do
 * nothing: the maps it prints hold still while the kernel takes its time
 * detaching, and nothing more is emitted after exit(). */
static void stopped_check(struct cg *cg)
{
	if (cg->probe->kind->flags & PK_ONCE)
		return;
	cg_ld_map(cg, R1, CG_MAP_CONFIG, true);
	cg_emit(cg, LDX(BPF_DW, R1, R1, CONFIG_STOPPED));
	quit_if(cg, BPF_JNE, R1, 0);
}

/* Lending r7 saves it first; it may not have been written yet, and the
 * verifier refuses to read an unwritten r7: give it a value at the
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
	for (size_t i = 0; i < p->starts.n; i++)
		p->starts.v[i]++;
	for (size_t i = 0; i < p->funcs.n; i++)
		p->funcs.v[i].insn++;
}

/* "SPEC (argument layout 1 of 3, 200 clauses, part 2)", the parts that
 * apply, for -d, -v and errors */
static char *prog_name(struct probe *p, int variant, size_t nclauses, int part)
{
	struct strbuf sb = {0};
	const char *sep = " (";

	sb_puts(&sb, p->spec);
	if (p->nvariants > 1) {
		sb_printf(&sb, "%sargument layout %d of %d", sep, variant + 1, p->nvariants);
		sep = ", ";
	}
	if (nclauses > 1) {
		sb_printf(&sb, "%s%zu clauses", sep, nclauses);
		sep = ", ";
	}
	if (part) {
		sb_printf(&sb, "%spart %d", sep, part);
		sep = ", ";
	}
	if (*sep == ',')
		sb_putc(&sb, ')');
	return sb.s;
}

/* One clause: its own scratch variables, its predicate, its statements.
 * Whatever ends the clause early (a false predicate, a failed map
 * update) goes on with the next one; exit() returns from the program. */
static void clause(struct cg *cg, const struct cg_part *part)
{
	struct node *c = part->clause;

	cg->probe = part->probe;
	cg->cur = part->probe->node->loc;
	cg->sp = 0;
	if (cg->many)
		vec_push(&cg->prog->starts, (int)cg->prog->insns.n);
	cg->exit_label = cg_label(cg);
	locals(cg, c);
	cg->locals = cg->sp;
	if (c->a)
		cg_cond_false(cg, c->a, cg->exit_label);
	block(cg, c->b);
	cg->cur = c->b->loc;
	cg->cur.start = cg->cur.end - 1;
	cg_place(cg, cg->exit_label);
}

static struct cg_prog *prog_new(const struct cg_part *parts, size_t n, int variant,
			       const struct cg_chain_pos *pos)
{
	struct cg_prog *prog = xcalloc(1, sizeof(*prog));

	prog->name = prog_name(parts[0].probe, variant, n, pos->chain ? pos->link + 1 : 0);
	prog->chain = pos->chain;
	prog->link = pos->link;
	prog->head = !pos->link;
	prog->clause = parts[0].clause;
	prog->probe = parts[0].probe;
	prog->nclauses = n;
	prog->variant = variant;
	prog->prog_type = parts[0].probe->kind->prog_type;
	prog->fd = -1;
	return prog;
}

/* The next program of the chain; when there is none (the slot is
 * empty), the program just ends. */
static void tail_call(struct cg *cg, const struct cg_chain_pos *pos)
{
	cg_emit(cg, MOV64_REG(R1, R6));
	cg_ld_map(cg, R2, pos->chain, false);
	cg_emit(cg, MOV64_IMM(R3, pos->link + 1));
	cg_call(cg, BPF_FUNC_tail_call);
}

struct cg_prog *cg_program(struct sema *s, const struct cg_part *parts, size_t n, int variant,
			   const struct cg_chain_pos *pos)
{
	struct cg_prog *prog = prog_new(parts, n, variant, pos);
	struct cg cg = { .sema = s, .prog = prog, .probe = parts[0].probe, .variant = variant,
			 .many = n > 1 || pos->chain, .oob = -1 };
	int end;
	bool ok;

	cg.cur = parts[0].probe->node->loc;
	cg.exit_label = end = cg_label(&cg);
	cg_emit(&cg, MOV64_REG(R6, R1));
	stopped_check(&cg);
	pid_filter(&cg);
	for (size_t i = 0; i < n && !cg.failed; i++)
		clause(&cg, &parts[i]);
	if (pos->next)
		tail_call(&cg, pos);
	cg_place(&cg, end);
	cg_emit(&cg, MOV64_IMM(R0, 0));
	cg_emit(&cg, EXIT_INSN());
	cg_formap_callbacks(&cg, loop_body);
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

/* Clauses on the same sites, in program order. The kernel runs the
 * programs attached to one uprobe newest first, so one program per clause
 * ran them backwards; it also made N uprobe consumers, each costing a
 * hit and a detach. */
struct group {
	struct probe *probe;	/* the first clause's */
	VEC(struct cg_part) parts;
};

struct groups {
	struct group *v;
	size_t n, cap;
};

static struct group *group_for(struct groups *gs, struct probe *p)
{
	for (size_t i = 0; i < gs->n; i++)
		if (probe_same_sites(gs->v[i].probe, p))
			return &gs->v[i];
	vec_push(gs, ((struct group){ .probe = p }));
	return &gs->v[gs->n - 1];
}

struct progs {
	struct cg_prog **v;
	size_t n, cap;
};

/* The programs of one group's variant: one, or a chain of them when the
 * clauses are many. */
static bool chain(struct sema *s, struct group *g, int v, int *nchains, struct progs *out)
{
	size_t n = g->parts.n, per = CG_CHAIN_CLAUSES;
	struct cg_chain_pos pos = {0};

	if (n > per * CG_CHAIN_MAX)
		per = (n + CG_CHAIN_MAX - 1) / CG_CHAIN_MAX;
	if (n > per)
		pos.chain = CG_MAP_CHAIN((*nchains)++);
	for (size_t at = 0; at < n; at += per, pos.link++) {
		size_t k = n - at < per ? n - at : per;
		pos.next = at + k < n;
		struct cg_prog *p = cg_program(s, g->parts.v + at, k, v, &pos);
		if (!p)
			return false;
		vec_push(out, p);
	}
	return true;
}

bool cg_compile(struct sema *s, struct node *clauses, struct cg_prog ***out, size_t *nout)
{
	struct groups gs = {0};
	struct progs progs = {0};
	int nchains = 0;
	bool ok = true;

	for (struct node *c = clauses; c; c = c->next)
		for (struct node *pn = c->list; pn; pn = pn->next)
			vec_push(&group_for(&gs, pn->probe)->parts,
				 ((struct cg_part){ .clause = c, .probe = pn->probe }));
	for (size_t i = 0; i < gs.n; i++) {
		for (int v = 0; ok && v < gs.v[i].probe->nvariants; v++)
			ok = chain(s, &gs.v[i], v, &nchains, &progs);
		vec_free(&gs.v[i].parts);
	}
	vec_free(&gs);
	*out = progs.v;
	*nout = progs.n;
	return ok;
}

void cg_prog_free(struct cg_prog *p)
{
	if (!p)
		return;
	free(p->name);
	vec_free(&p->insns);
	vec_free(&p->locs);
	vec_free(&p->relocs);
	vec_free(&p->starts);
	vec_free(&p->funcs);
	free(p);
}
