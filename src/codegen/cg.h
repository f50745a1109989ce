/* SPDX-License-Identifier: GPL-2.0-only */
/* Code generation: the checked AST to BPF instructions, one program per
 * probe and variant, holding every clause on that probe in program order.
 * One emitter API; labels are patched once at
 * the end; every instruction remembers the source span it came from. */
#ifndef PLUMB_CG_H
#define PLUMB_CG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ast/ast.h"
#include "codegen/insn.h"
#include "probe/probe.h"
#include "sema/sema.h"
#include "util/util.h"

#define CG_STACK_MAX 512

/* An ld_imm64 that must receive a map's fd (or the address of its
 * value) once the map exists. */
struct cg_reloc {
	int insn;
	int map;		/* map id, or one of the CG_MAP_* internal ones */
	bool value;		/* BPF_PSEUDO_MAP_VALUE instead of _FD */
};

/* plumb's own maps, numbered after the program's */
enum {
	CG_MAP_RINGBUF = -1,	/* events */
	CG_MAP_ZERO = -2,	/* read-only zeroes to insert new values from */
	CG_MAP_STATS = -3,	/* per-CPU counters: lost events, drops, failed reads */
	CG_MAP_STACKS = -4,	/* stack traces */
	CG_MAP_CONFIG = -5,	/* values user space sets: start time */
};
#define CG_NMAPS_INTERNAL 5
/* Program arrays, one per probe whose clauses are too many for one
 * program: its programs run one after the other through tail calls. */
#define CG_MAP_CHAIN(k) (-(CG_NMAPS_INTERNAL + 1 + (k)))
#define CG_CHAIN_INDEX(id) (-(id) - CG_NMAPS_INTERNAL - 1)
/* Clauses per program: the verifier's time grows faster than linearly
 * with the branches of one program (5,000 clauses of one count(): 4.4 s
 * as one program); a tail call may follow at most 33 times. */
#define CG_CHAIN_CLAUSES 128
#define CG_CHAIN_MAX 34

/* Slots of CG_MAP_STATS: lost events, then one per map for drops, one
 * per while or for loop (sema->loops) for the times it stopped at its
 * cap, one per run-time array index (sema->indexes) for the times it was
 * out of range, then one per read site (sema->reads) for failed reads. */
enum { STAT_LOST = 0, STAT_MAP_BASE = 1 };
#define CG_LOOP_MAX 1024	/* trips of one while or for loop: codegen/stmt.c */
#define STAT_LOOP_BASE(s) (STAT_MAP_BASE + (int)(s)->maps.n)
#define STAT_INDEX_BASE(s) (STAT_LOOP_BASE(s) + (int)(s)->loops.n)
#define STAT_ARG_BASE(s) (STAT_INDEX_BASE(s) + (int)(s)->indexes.n)
#define STAT_READ_BASE(s) (STAT_ARG_BASE(s) + (int)(s)->args.n)
/* Offsets in the CG_MAP_CONFIG value, which user space and the programs
 * share: the start time; "stopped", which every program tests first (set
 * by plumb at stop, or by exit()); exit()'s status, 1 << 32 | status, the
 * first one winning; the -c command's pid (cpid); then per event id, how many print() and clear()
 * requests found the event buffer full (plumb polls these, so none is
 * lost). */
enum {
	CONFIG_START_NS = 0, CONFIG_STOPPED = 8, CONFIG_EXIT = 16, CONFIG_CPID = 24,
	CONFIG_EVENTS = 32,
};
#define CONFIG_EXITED (1ULL << 32)
#define CONFIG_EVENT(id) (CONFIG_EVENTS + 8 * ((id) - 1))
#define CONFIG_SIZE(nevents) (CONFIG_EVENTS + 8 * (nevents))

/* A clause on a probe: the clause's own probe (its signature types its
 * arguments), all of them on the same sites. */
struct cg_part {
	struct node *clause;
	struct probe *probe;
};

/* A subprogram after the program's end: a for loop's callback (static,
 * called by bpf_for_each_map_elem), or the loop's body (global, verified
 * once on its own, given the clause's locals: state bytes at a pointer). */
enum cg_func_kind { CG_FUNC_MAP_CB, CG_FUNC_LOOP_CB, CG_FUNC_BODY };
struct cg_func {
	int insn;		/* its first instruction */
	int state;		/* a body: the size of the locals it is given */
	enum cg_func_kind kind;	/* bpf_for_each_map_elem's or bpf_loop's callback, a body */
};

struct cg_prog {
	char *name;		/* for -d, -v and errors */
	struct node *clause;	/* the first clause */
	struct probe *probe;	/* ... and its probe: what is attached */
	size_t nclauses;
	bool head;		/* attached; the rest of a chain is tail-called */
	int chain;		/* CG_MAP_CHAIN id, or 0 */
	int link;		/* this program's slot in the chain */
	int variant;
	int prog_type;
	VEC(struct bpf_insn) insns;
	VEC(struct loc) locs;
	VEC(struct cg_reloc) relocs;
	VEC(int) starts;	/* where each clause begins (with several), for -d */
	VEC(struct cg_func) funcs;	/* the subprograms of for loops over maps (formap.c) */
	int fd;
};

struct cg_fixup {
	int insn, label;
	bool imm;		/* an ld_imm64 of a callback's address (BPF_PSEUDO_FUNC) */
};

/* A for loop over a map whose callback and body are still to be emitted
 * after the program's end (formap.c). */
struct cg_formap {
	struct node *loop;
	struct probe *probe;
	int callback, body;	/* labels of their first instructions */
	int locals;		/* the clause's locals: bytes below the program's r10 */
};

struct cg {
	struct sema *sema;
	struct cg_prog *prog;
	struct probe *probe;
	int variant;
	struct loc cur;		/* source of what is being emitted */
	VEC(int) labels;
	VEC(struct cg_fixup) fixups;
	bool busy[11];		/* r7..r9 in use */
	int sp;			/* stack bytes used below r10 */
	int exit_label;		/* the end of the clause being emitted */
	bool many;		/* more than one clause in the program */
	int loop_break, loop_next;	/* labels of the innermost loop */
	bool lent_r7;		/* r7 was saved to lend it: it must hold a value */
	int oob;		/* where an index out of its array's range goes */
	VEC(struct cg_formap) formaps;	/* callbacks to emit after the program */
	int locals;		/* bytes of the clause's locals, at the top of its stack */
	bool in_body;		/* emitting a for loop's body: locals are at r9 (CG_LOCALS) */
	bool failed;
};

/* emit.c */
void cg_emit(struct cg *cg, struct bpf_insn insn);
void cg_ld_imm64(struct cg *cg, int reg, uint64_t v);
void cg_mov_imm(struct cg *cg, int reg, int64_t v);
void cg_ld_map(struct cg *cg, int reg, int map_id, bool value);
/* reg = the address of the subprogram at label, for a helper's callback. */
void cg_ld_func(struct cg *cg, int reg, int label);
/* A call of the subprogram at label (a for loop's body). */
void cg_call_func(struct cg *cg, int label);
int cg_label(struct cg *cg);
void cg_place(struct cg *cg, int label);
/* Conditional jump to a label: op is BPF_JEQ, ... src_reg < 0 means imm. */
void cg_jmp_imm(struct cg *cg, int op, int reg, int32_t imm, int label);
void cg_jmp_reg(struct cg *cg, int op, int reg, int src, int label);
void cg_goto(struct cg *cg, int label);
void cg_call(struct cg *cg, int helper);
bool cg_finish(struct cg *cg);
void cg_prune(struct cg_prog *p);
/* At most CG_MAX_MAPS distinct maps in a program: false after saying so. */
#define CG_MAX_MAPS 64
bool cg_check_maps(const struct cg_prog *p);
void cg_error(struct cg *cg, struct loc loc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Where the clause's locals are. In the clause they are on its stack at
 * r10 + slot. A for loop's body, a subprogram, reaches the same bytes
 * through a pointer to them kept in r9 (CG_LOCALS), at r9 + slot +
 * locals: nothing is copied, and the body's own frame holds only its
 * scratch. cg_local_base gives the register, cg_local_off the offset. */
#define CG_LOCALS R9
int cg_local_base(const struct cg *cg);
int cg_local_off(const struct cg *cg, const struct local *l);

/* regs.c: r7..r9 hold values across helper calls; r6 is the context. */
int cg_reg_alloc(struct cg *cg);
void cg_reg_free(struct cg *cg, int reg);
/* Stack: a bump allocator; callers restore cg->sp when done. */
int cg_stack_alloc(struct cg *cg, int size);
void cg_stack_zero(struct cg *cg, int off, int size);
/* Sign- or zero-extend the low size bytes of reg to 64 bits. */
void cg_extend(struct cg *cg, int reg, int size, bool sign);
/* dst = *(size *)(address in addr_reg), extended, read through the stack:
 * user memory, and for kernel probes kernel memory when that fails. */
void cg_read_mem(struct cg *cg, int dst, int addr_reg, int size, bool sign);
/* The same through a pointer into kernel memory (type.kernel). */
void cg_read_kernel_mem(struct cg *cg, int dst, int addr_reg, int size, bool sign);
/* After a read helper: count a failure (r0 not ok_op ok_imm) against the
 * source at cg->cur. The success path costs one jump. */
void cg_count_failed_read(struct cg *cg, int ok_op, int32_t ok_imm);

/* member.c: the program's types in memory. */
void cg_addr(struct cg *cg, struct node *n, int reg);
void cg_member_read(struct cg *cg, struct node *n, int reg);
void cg_record_store(struct cg *cg, struct node *n, int base, int off);

/* expr.c */
void cg_expr(struct cg *cg, struct node *n, int reg);
bool cg_pure(struct cg *cg, const struct node *n);
/* Jump to label when n is false. */
void cg_cond_false(struct cg *cg, struct node *n, int label);
/* Write a value of any type at [base + off] (size type_storage()). */
void cg_store_value(struct cg *cg, struct node *n, int base, int off);

/* str.c: strings are len bytes (NUL included) in ALIGN8(len) bytes of
 * memory, always zero after the NUL, so that words compare. */
void cg_str(struct cg *cg, struct node *n, int base, int off, int len);
/* Evaluate an integer into a scratch register r1..r5, for a helper call. */
void cg_expr_scratch(struct cg *cg, struct node *n, int scratch);
void cg_str_cmp(struct cg *cg, struct node *n, int label_false, bool negate);
/* A string operand into a fresh stack buffer of len bytes; its offset. */
int cg_str_materialize(struct cg *cg, struct node *n, int len);
/* Cut a copied string to keep bytes (NUL at keep - 1) in its len bytes. */
void cg_str_terminate(struct cg *cg, int base, int off, int keep, int len);
/* The 8 bytes of s (n long) from at, as a little-endian word. */
uint64_t cg_str_lit_word(const char *s, size_t n, size_t at);
/* Jump to ne when the words of [r10 + off] differ from the literal's. */
void cg_str_cmp_literal(struct cg *cg, int off, const struct node *lit, int words, int ne);

/* builtin.c */
void cg_builtin(struct cg *cg, struct node *n, int reg);
void cg_builtin_mem(struct cg *cg, struct node *n, int base, int off);

/* tuple.c: tuples and records, values on the stack */
void cg_tuple_store(struct cg *cg, struct node *n, int base, int off);
/* $t.0 of an integer (or bool, probe...) member into reg. */
void cg_tuple_member(struct cg *cg, struct node *n, int reg);
/* $t.0 of any member into size bytes at [base + off], zero-padded. */
void cg_tuple_member_mem(struct cg *cg, struct node *n, int base, int off, int size);
bool cg_is_tuple_member(const struct node *n);
/* An array of 1, 2, 4 or 8 bytes as an integer (a cast), into reg. */
void cg_array_as_int(struct cg *cg, struct node *n, int reg);
/* (a, b) == (c, d) or !=: jump to label_false when it does not hold. */
void cg_tuple_cmp(struct cg *cg, struct node *n, int label_false);
/* The members of the tuple t as the keys of m, at [r10 + koff]. */
void cg_tuple_keys(struct cg *cg, struct node *t, const struct map *m, int koff);

/* map.c: map reads, writes and aggregations */
void cg_map_read(struct cg *cg, struct node *n, int reg);
/* Copy a map's string/stack value into size bytes at [base + off]. */
void cg_map_read_mem(struct cg *cg, struct node *n, int base, int off, int size);
void cg_assign(struct cg *cg, struct node *stmt);
/* Build n's keys on the stack; returns the offset (or 0 for keyless). */
int cg_map_key(struct cg *cg, struct node *n);
void cg_delete(struct cg *cg, struct node *call);
void cg_has_key(struct cg *cg, struct node *call, int reg);
void cg_stat_inc(struct cg *cg, int slot);
/* Count the run-time argument site of the call (sema_arg_site). */
void cg_arg_site_inc(struct cg *cg, const struct node *call);

/* An aggregation's value at the key at [r10 + koff], folded over every
 * CPU's copy, into reg. */
void cg_agg_read_key(struct cg *cg, struct map *m, int koff, int reg);

/* formap.c: for ($kv : @m) through bpf_for_each_map_elem */
void cg_formap(struct cg *cg, struct node *n);
/* Does the block hold a for over a map, at any depth? */
bool cg_holds_formap(const struct node *b);
/* A while or a for over a range that does, through bpf_loop. */
void cg_loop_sub(struct cg *cg, struct node *n);
/* Emit the callbacks the program's for loops need, after its end. */
void cg_formap_callbacks(struct cg *cg, void (*body)(struct cg *, struct node *, int, int));

/* event.c: printf, exit, print, clear */
void cg_event_call(struct cg *cg, struct node *call);

/* stmt.c */
/* The program of one variant for clauses on the same sites, run in the
 * order given; in a chain (chain != 0), it tail-calls slot link + 1 of
 * the chain at its end when next is set. */
struct cg_chain_pos {
	int chain, link;
	bool next;
};
struct cg_prog *cg_program(struct sema *s, const struct cg_part *parts, size_t n, int variant,
			   const struct cg_chain_pos *pos);
void cg_prog_free(struct cg_prog *p);
/* Every program of a checked program: one per distinct set of sites and
 * variant. false after reporting an error; *out holds what was made. */
bool cg_compile(struct sema *s, struct node *clauses, struct cg_prog ***out, size_t *nout);

/* dump.c */
void cg_dump(FILE *f, const struct cg_prog *p, const struct sema *s, const char *verifier_log);
/* One instruction as text; returns the slots it used (2 for ld_imm64). */
int cg_insn_str(char *buf, size_t len, const struct bpf_insn *insns, size_t i, size_t n,
		const struct cg_prog *p, const struct sema *s);

#endif
