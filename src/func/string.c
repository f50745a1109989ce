// SPDX-License-Identifier: GPL-2.0-only
/* Strings: str() reads one, startswith() and contains() test one. */
#include <string.h>

#include "codegen/cg.h"
#include "func/func.h"
#include "options.h"
#include "sema/scope.h"

/* str(p, n): n characters, as in bpftrace, so n + 1 bytes with the NUL,
 * n clamped to 0 .. -s minus 1. A constant n sizes the string; a run-time
 * n is clamped where it is computed (run_len below) in a string of -s. */
static void str_sema(struct scope *sc, struct node *n)
{
	struct node *p = func_arg(n, 0), *len = func_arg(n, 1);
	int64_t size = sc->s->opts->strsize;

	sema_expr(sc, p);
	if (type_bad(p->type))
		return;
	if (len) {
		sema_expr(sc, len);
		if (type_bad(len->type))
			return;
		if (!type_is_int(len->type)) {
			sc_error(sc, len->loc, "the length of str() must be an integer, not %s",
				 type_name(len->type, (char[32]){0}, 32));
			return;
		}
		if (len->folded && len->kind == AST_INT) {
			int64_t c = (int64_t)len->num;
			size = c < 0 ? 1 : c >= size ? size : c + 1;
		}
	}
	if (p->type.kind == T_STR) {
		n->type = type_str(p->type.len < size ? p->type.len : (unsigned int)size);
		return;
	}
	if (!type_is_int(p->type)) {
		sc_error(sc, p->loc, "str() needs a pointer, not %s",
			 type_name(p->type, (char[32]){0}, 32));
		return;
	}
	n->type = type_str((unsigned int)size);
}

static void addr(struct cg *cg, int reg, int base, int off)
{
	cg_emit(cg, MOV64_REG(reg, base));
	if (off)
		cg_emit(cg, ALU64_IMM(BPF_ADD, reg, off));
}

static void zero(struct cg *cg, int base, int off, int len)
{
	for (int i = 0; i < (int)ALIGN8(len); i += 8)
		cg_emit(cg, ST(BPF_DW, base, (int16_t)(off + i), 0));
}

/* A run-time n of str(p, n): bytes to keep, NUL included, clamped to
 * 1 .. size (n to 0 .. size - 1) so the verifier sees the bound; into a
 * stack slot, returned. */
static int run_len(struct cg *cg, struct node *len, int size)
{
	int slot = cg_stack_alloc(cg, 8), pos = cg_label(cg), ok = cg_label(cg);

	cg_expr_scratch(cg, len, R2);
	cg_jmp_imm(cg, BPF_JSGE, R2, 0, pos);
	cg_emit(cg, MOV64_IMM(R2, 0));
	cg_place(cg, pos);
	cg_jmp_imm(cg, BPF_JSLE, R2, size - 1, ok);
	cg_emit(cg, MOV64_IMM(R2, size - 1));
	cg_place(cg, ok);
	cg_emit(cg, ALU64_IMM(BPF_ADD, R2, 1));
	cg_emit(cg, STX(BPF_DW, R10, R2, (int16_t)slot));
	return slot;
}

static bool run_time(const struct node *len)
{
	return len && !(len->folded && len->kind == AST_INT);
}

/* Cut a string at a run-time keep (in the slot): zero each byte from
 * keep - 1 on, one compare and one store a byte. */
static void cut(struct cg *cg, int base, int off, int slot, int len)
{
	cg_emit(cg, LDX(BPF_DW, R1, R10, (int16_t)slot));
	for (int i = 0; i < len; i++) {
		int skip = cg_label(cg);
		cg_jmp_imm(cg, BPF_JGT, R1, i + 1, skip);
		cg_emit(cg, ST(BPF_B, base, (int16_t)(off + i), 0));
		cg_place(cg, skip);
	}
}

/* The size argument of a read helper: constant, or the run-time slot. */
static void size_arg(struct cg *cg, int slot, int size)
{
	if (slot)
		cg_emit(cg, LDX(BPF_DW, R2, R10, (int16_t)slot));
	else
		cg_emit(cg, MOV64_IMM(R2, size));
}

/* str(p[, n]): a user-space string (kernel probes try user memory, then
 * kernel memory: tracepoint arguments can be either). The helpers stop
 * at a NUL and end the string with one: n characters of data that is not
 * NUL-terminated come out as n characters. */
static void str_emit(struct cg *cg, struct node *n, int base, int off, int len)
{
	int size = (int)n->type.len < len ? (int)n->type.len : len;
	bool user = cg->probe->kind->flags & PK_USER;
	struct node *nlen = n->list->next;
	int slot = run_time(nlen) ? run_len(cg, nlen, size) : 0;

	if (n->list->type.kind == T_STR) {
		cg_str(cg, n->list, base, off, len);
		if ((int)n->type.len < len)
			cg_str_terminate(cg, base, off, (int)n->type.len, len);
		if (slot)
			cut(cg, base, off, slot, size);
		return;
	}
	if (n->list->type.kernel) {	/* curtask->comm: kernel memory, in any probe */
		zero(cg, base, off, len);
		cg_expr_scratch(cg, n->list, R3);
		addr(cg, R1, base, off);
		size_arg(cg, slot, size);
		cg_call(cg, BPF_FUNC_probe_read_kernel_str);
		cg_count_failed_read(cg, BPF_JSGE, 0);
		return;
	}
	int saved = user ? 0 : cg_stack_alloc(cg, 8);

	zero(cg, base, off, len);
	cg_expr_scratch(cg, n->list, R3);
	if (!user)
		cg_emit(cg, STX(BPF_DW, R10, R3, (int16_t)saved));
	addr(cg, R1, base, off);
	size_arg(cg, slot, size);
	cg_call(cg, BPF_FUNC_probe_read_user_str);
	if (user) {
		cg_count_failed_read(cg, BPF_JSGE, 0);
		return;
	}
	int done = cg_label(cg);
	cg_jmp_imm(cg, BPF_JSGE, R0, 0, done);
	cg_emit(cg, LDX(BPF_DW, R3, R10, (int16_t)saved));
	addr(cg, R1, base, off);
	size_arg(cg, slot, size);
	cg_call(cg, BPF_FUNC_probe_read_kernel_str);
	cg_count_failed_read(cg, BPF_JSGE, 0);
	cg_place(cg, done);
}

/* startswith(s, "lit"), contains(s, "lit"): a string and a constant. */
static void strtest_sema(struct scope *sc, struct node *n)
{
	struct node *needle;

	sema_expr(sc, n->list);
	sema_charp_to_str(sc, &n->list);
	needle = func_arg(n, 1);
	sema_expr(sc, needle);
	if (type_bad(n->list->type))
		return;
	if (n->list->type.kind != T_STR)
		sc_error(sc, n->list->loc, "%s() needs a string", n->name);
	else if (needle->kind != AST_STR)
		sc_error(sc, needle->loc, "the second argument of %s() must be a constant string",
			 n->name);
	else if (needle->len == 0 || memchr(needle->name, 0, needle->len))
		sc_error(sc, needle->loc, "%s() needs a non-empty string without NUL bytes",
			 n->name);
	else
		n->type = type_bool();
}

static void startswith_emit(struct cg *cg, struct node *n, int reg)
{
	struct node *s = n->list, *p = s->next;
	int mark = cg->sp, no = cg_label(cg), done = cg_label(cg);
	int full = (int)p->len / 8, rest = (int)p->len % 8;

	if (p->len + 1 > s->type.len) {
		cg_mov_imm(cg, reg, 0);
		return;
	}
	int off = cg_str_materialize(cg, s, (int)s->type.len);
	cg_str_cmp_literal(cg, off, p, full, no);
	if (rest) {
		uint64_t mask = (1ULL << (8 * rest)) - 1;
		cg_emit(cg, LDX(BPF_DW, R1, R10, (int16_t)(off + full * 8)));
		cg_ld_imm64(cg, R2, mask);
		cg_emit(cg, ALU64_REG(BPF_AND, R1, R2));
		cg_ld_imm64(cg, R2, cg_str_lit_word(p->name, p->len, (size_t)full * 8) & mask);
		cg_jmp_reg(cg, BPF_JNE, R1, R2, no);
	}
	cg_mov_imm(cg, reg, 1);
	cg_goto(cg, done);
	cg_place(cg, no);
	cg_mov_imm(cg, reg, 0);
	cg_place(cg, done);
	cg->sp = mark;
}

/* The head of a bounded loop over the bytes of a string at [r10 + off]:
 * r4 counts from 0 and the loop leaves for out once r4 op bound holds;
 * r2 is the address of byte r4. Returns where a trip starts again. */
static int byte_loop(struct cg *cg, int op, int bound, int off, int out)
{
	int loop = cg_label(cg);

	cg_emit(cg, MOV64_IMM(R4, 0));
	cg_place(cg, loop);
	cg_jmp_imm(cg, op, R4, bound, out);
	cg_emit(cg, MOV64_REG(R2, R10));
	cg_emit(cg, ALU64_IMM(BPF_ADD, R2, off));
	cg_emit(cg, ALU64_REG(BPF_ADD, R2, R4));
	return loop;
}

/* A bounded loop over start positions; the needle is compared unrolled. */
static void contains_emit(struct cg *cg, struct node *n, int reg)
{
	struct node *s = n->list, *p = s->next;
	int len = (int)s->type.len, L = (int)p->len;
	int mark = cg->sp, next = cg_label(cg), no = cg_label(cg), done = cg_label(cg);

	if (L > len - 1) {
		cg_mov_imm(cg, reg, 0);
		return;
	}
	int off = cg_str_materialize(cg, s, len);
	int loop = byte_loop(cg, BPF_JGT, len - 1 - L, off, no);
	cg_emit(cg, LDX(BPF_B, R3, R2, 0));
	cg_jmp_imm(cg, BPF_JEQ, R3, 0, no);
	for (int j = 0; j < L; j++) {
		if (j)
			cg_emit(cg, LDX(BPF_B, R3, R2, (int16_t)j));
		cg_jmp_imm(cg, BPF_JNE, R3, (unsigned char)p->name[j], next);
	}
	cg_mov_imm(cg, reg, 1);
	cg_goto(cg, done);
	cg_place(cg, next);
	cg_emit(cg, ALU64_IMM(BPF_ADD, R4, 1));
	cg_goto(cg, loop);
	cg_place(cg, no);
	cg_mov_imm(cg, reg, 0);
	cg_place(cg, done);
	cg->sp = mark;
}

/* strncmp(a, b, n): 0 when the first n characters of a and b are the
 * same (up to the NUL that ends both), 1 when not, as bpftrace 0.17 gives
 * it. n is a constant, as bpftrace has it, or a run-time expression (a
 * plumb extension): one above the strings' size compares them whole, as
 * does a negative one (C's size_t n), which is counted and reported (a
 * negative constant is an error, as in bpftrace). */
static void strncmp_sema(struct scope *sc, struct node *n)
{
	struct node *a, *b, *len;
	int64_t k;

	sema_expr(sc, n->list);
	sema_charp_to_str(sc, &n->list);
	sema_expr(sc, n->list->next);
	sema_charp_to_str(sc, &n->list->next);
	a = n->list, b = a->next, len = b->next;
	sema_expr(sc, len);
	if (type_bad(a->type) || type_bad(b->type) || type_bad(len->type))
		return;
	for (struct node *s = a; s != len; s = s->next)
		if (s->type.kind != T_STR) {
			sc_error(sc, s->loc, "strncmp() compares strings, not a %s",
				 type_name(s->type, (char[32]){0}, 32));
			return;
		}
	if (run_time(len)) {
		if (!type_is_int(len->type)) {
			sc_error(sc, len->loc, "the length of strncmp() must be an integer, not %s",
				 type_name(len->type, (char[32]){0}, 32));
			return;
		}
		if (len->type.sign)
			sema_arg_site(sc, n, "a negative length", "it compared the whole strings");
		n->type = type_int(8, true);
		return;
	}
	if (!func_const_int(sc, len, "the length of strncmp()", &k))
		return;
	if (k < 0) {
		sc_error(sc, len->loc, "the length of strncmp() must not be negative");
		return;
	}
	n->type = type_int(8, true);
}

/* A run-time n into R5: 0 .. len; a negative one (of a signed type: an
 * unsigned one is only large) len and counted. */
static void strncmp_len(struct cg *cg, struct node *n, int len)
{
	struct node *k = n->list->next->next;
	int pos = cg_label(cg), ok = cg_label(cg);

	cg_expr_scratch(cg, k, R5);
	if (k->type.sign) {
		cg_jmp_imm(cg, BPF_JSGE, R5, 0, pos);
		cg_arg_site_inc(cg, n);
		cg_emit(cg, MOV64_IMM(R5, len));
	}
	cg_place(cg, pos);
	cg_jmp_imm(cg, BPF_JLE, R5, len, ok);
	cg_emit(cg, MOV64_IMM(R5, len));
	cg_place(cg, ok);
}

/* Word i of a run-time n (in R5), of the two words' XOR in R1: when
 * they differ in the first n - i bytes, to ne; when n ends in this word
 * and they do not, to eq. */
static void strncmp_word(struct cg *cg, int i, int eq, int ne)
{
	int next = cg_label(cg);

	cg_jmp_imm(cg, BPF_JEQ, R1, 0, next);
	cg_emit(cg, MOV64_REG(R3, R5));
	cg_emit(cg, ALU64_IMM(BPF_SUB, R3, i));
	cg_jmp_imm(cg, BPF_JGE, R3, 8, ne);
	cg_emit(cg, ALU64_IMM(BPF_LSH, R3, 3));
	cg_emit(cg, MOV64_IMM(R4, 1));
	cg_emit(cg, ALU64_REG(BPF_LSH, R4, R3));
	cg_emit(cg, ALU64_IMM(BPF_SUB, R4, 1));
	cg_emit(cg, ALU64_REG(BPF_AND, R1, R4));
	cg_jmp_imm(cg, BPF_JNE, R1, 0, ne);
	cg_goto(cg, eq);
	cg_place(cg, next);
}

/* Both strings are zero after their NUL, so the first k bytes are alike
 * exactly when the strings are alike in their first k characters: words,
 * the last one masked. A run-time k: every word, while k is past it. */
static void strncmp_emit(struct cg *cg, struct node *n, int reg)
{
	struct node *a = n->list, *b = a->next;
	int len = (int)(a->type.len > b->type.len ? a->type.len : b->type.len);
	bool rt = run_time(b->next);
	int k = rt ? len : (int)b->next->num < len ? (int)b->next->num : len;
	int mark = cg->sp, ne = cg_label(cg), eq = cg_label(cg), done = cg_label(cg);
	int oa = cg_str_materialize(cg, a, len), ob = cg_str_materialize(cg, b, len);

	if (rt)
		strncmp_len(cg, n, len);
	for (int i = 0; i < k; i += 8) {
		if (rt)
			cg_jmp_imm(cg, BPF_JLE, R5, i, eq);
		cg_emit(cg, LDX(BPF_DW, R1, R10, (int16_t)(oa + i)));
		cg_emit(cg, LDX(BPF_DW, R2, R10, (int16_t)(ob + i)));
		if (rt) {
			cg_emit(cg, ALU64_REG(BPF_XOR, R1, R2));
			strncmp_word(cg, i, eq, ne);
		} else if (k - i < 8) {
			cg_emit(cg, ALU64_REG(BPF_XOR, R1, R2));
			cg_ld_imm64(cg, R2, (1ULL << (8 * (k - i))) - 1);
			cg_emit(cg, ALU64_REG(BPF_AND, R1, R2));
			cg_jmp_imm(cg, BPF_JNE, R1, 0, ne);
		} else {
			cg_jmp_reg(cg, BPF_JNE, R1, R2, ne);
		}
	}
	cg_place(cg, eq);
	cg_mov_imm(cg, reg, 0);
	cg_goto(cg, done);
	cg_place(cg, ne);
	cg_mov_imm(cg, reg, 1);
	cg_place(cg, done);
	cg->sp = mark;
}

/* strcontains(haystack, needle): 1 when needle occurs in haystack; the
 * empty needle occurs everywhere. A constant needle is compared unrolled
 * (contains()); a run-time one in a second bounded loop. */
static void strcontains_sema(struct scope *sc, struct node *n)
{
	for (struct node **a = &n->list; *a; a = &(*a)->next) {
		sema_expr(sc, *a);
		sema_charp_to_str(sc, a);
	}
	for (struct node *a = n->list; a; a = a->next) {
		if (type_bad(a->type))
			return;
		if (a->type.kind != T_STR) {
			sc_error(sc, a->loc, "strcontains() searches strings, not a %s",
				 type_name(a->type, (char[32]){0}, 32));
			return;
		}
	}
	n->type = type_bool();
}

/* Each position i of the haystack (a bounded loop), the needle compared
 * there unrolled: at the needle's NUL it is found, a byte that differs
 * moves i on. The haystack's buffer has the needle's length of zeroes
 * after it, so hay[i + j] is always in it; past the haystack's NUL no
 * byte of a needle matches. */
static void search_emit(struct cg *cg, int hay, int hlen, int ndl, int nlen, int reg)
{
	int next = cg_label(cg), yes = cg_label(cg), no = cg_label(cg), done = cg_label(cg);
	int loop = byte_loop(cg, BPF_JGT, hlen - 1, hay, no);

	for (int j = 0; j < nlen; j++) {
		cg_emit(cg, LDX(BPF_B, R3, R10, (int16_t)(ndl + j)));
		cg_jmp_imm(cg, BPF_JEQ, R3, 0, yes);
		cg_emit(cg, LDX(BPF_B, R1, R2, (int16_t)j));
		cg_jmp_reg(cg, BPF_JNE, R1, R3, next);
	}
	cg_goto(cg, yes);
	cg_place(cg, next);
	cg_emit(cg, ALU64_IMM(BPF_ADD, R4, 1));
	cg_goto(cg, loop);
	cg_place(cg, yes);
	cg_mov_imm(cg, reg, 1);
	cg_goto(cg, done);
	cg_place(cg, no);
	cg_mov_imm(cg, reg, 0);
	cg_place(cg, done);
}

static void strcontains_emit(struct cg *cg, struct node *n, int reg)
{
	struct node *s = n->list, *p = s->next;
	int mark = cg->sp;

	if (p->kind == AST_STR && (p->len == 0 || p->name[0] == 0)) {
		cg_mov_imm(cg, reg, 1);	/* "" occurs everywhere */
		return;
	}
	if (p->kind == AST_STR && !memchr(p->name, 0, p->len)) {
		contains_emit(cg, n, reg);
		return;
	}
	int hlen = (int)s->type.len, nlen = (int)p->type.len;
	int hay = cg_stack_alloc(cg, (int)ALIGN8(hlen) + (int)ALIGN8(nlen));

	cg_str(cg, s, R10, hay, hlen);
	cg_stack_zero(cg, hay + (int)ALIGN8(hlen), (int)ALIGN8(nlen));
	int ndl = cg_str_materialize(cg, p, nlen);
	search_emit(cg, hay, hlen, ndl, nlen, reg);
	cg->sp = mark;
}

/* strlen(s): the bytes before the string's NUL, as bpftrace's. */
static void strlen_sema(struct scope *sc, struct node *n)
{
	sema_expr(sc, n->list);
	sema_charp_to_str(sc, &n->list);
	if (type_bad(n->list->type))
		return;
	if (n->list->type.kind != T_STR) {
		sc_error(sc, n->list->loc, "strlen() measures a string, not a %s",
			 type_name(n->list->type, (char[32]){0}, 32));
		return;
	}
	n->type = type_int(8, false);
}

/* A bounded loop to the first NUL; a string fills at most len - 1 bytes. */
static void strlen_emit(struct cg *cg, struct node *n, int reg)
{
	struct node *s = n->list;
	int len = (int)s->type.len, mark = cg->sp, done = cg_label(cg);
	int off = cg_str_materialize(cg, s, len);
	int loop = byte_loop(cg, BPF_JGE, len - 1, off, done);

	cg_emit(cg, LDX(BPF_B, R3, R2, 0));
	cg_jmp_imm(cg, BPF_JEQ, R3, 0, done);
	cg_emit(cg, ALU64_IMM(BPF_ADD, R4, 1));
	cg_goto(cg, loop);
	cg_place(cg, done);
	cg_emit(cg, MOV64_REG(reg, R4));
	cg->sp = mark;
}

const struct func_def func_str = {
	.name = "str", .min = 1, .max = 2, .sema = str_sema, .emit_mem = str_emit,
};
const struct func_def func_startswith = {
	.name = "startswith", .min = 2, .max = 2, .sema = strtest_sema, .emit = startswith_emit,
};
const struct func_def func_contains = {
	.name = "contains", .min = 2, .max = 2, .sema = strtest_sema, .emit = contains_emit,
};
const struct func_def func_strncmp = {
	.name = "strncmp", .min = 3, .max = 3, .sema = strncmp_sema, .emit = strncmp_emit,
};
const struct func_def func_strcontains = {
	.name = "strcontains", .min = 2, .max = 2, .sema = strcontains_sema,
	.emit = strcontains_emit,
};
const struct func_def func_strlen = {
	.name = "strlen", .min = 1, .max = 1, .sema = strlen_sema, .emit = strlen_emit,
};
