// SPDX-License-Identifier: GPL-2.0-only
/* buf(p, n): n bytes of user memory as a value, printed with %r (printable
 * ASCII as itself, other bytes as \xNN), %rx (every byte \xNN) or %rh
 * ("0a fe"), as bpftrace's buf(). The value is the length in a u64, then
 * the bytes; a failed read is counted and reads as n zero bytes. n is a
 * constant or a run-time expression, as in bpftrace. */
#include <stdio.h>
#include <string.h>

#include "codegen/cg.h"
#include "func/func.h"
#include "options.h"
#include "probe/probe.h"
#include "sema/scope.h"

/* The bytes kept, up to t.len: as %r (mode 0 too), %rx ('x') or %rh ('h'). */
static void buf_render(struct out *o, struct strbuf *sb, struct type t, const uint8_t *v,
		       char mode)
{
	uint64_t n;

	(void)o;
	memcpy(&n, v, 8);
	if (n > t.len)
		n = t.len;
	for (uint64_t i = 0; i < n; i++) {
		uint8_t c = v[8 + i];
		if (mode == 'h')
			sb_printf(sb, i ? " %02x" : "%02x", c);
		else if (mode != 'x' && c >= 32 && c <= 126)
			sb_putc(sb, (char)c);
		else
			sb_printf(sb, "\\x%02x", c);
	}
}

/* len: the bytes read, after their count in a u64 */
static const struct text_kind buffer_text = {
	.name = "buffer", .sized = true, .head = 8, .conv = 'r', .render = buf_render,
};

/* A length known when the program is made. */
static bool const_len(const struct node *len)
{
	return len->folded && len->kind == AST_INT;
}

/* A constant length sizes the value: 1 to -s bytes. A run-time one
 * (bpftrace takes any expression) gives a value of -s bytes, of which
 * the probe keeps as many as the length says; a length above -s (or
 * below 0: it is taken as unsigned, as bpftrace takes it) keeps -s, and
 * each time is counted and reported. */
static void buf_sema(struct scope *sc, struct node *n)
{
	struct node *p = func_arg(n, 0), *len = func_arg(n, 1);
	unsigned int max = sc->s->opts->strsize;
	char given[64], done[64];
	int64_t v;

	sema_expr(sc, p);
	sema_expr(sc, len);
	if (!type_is_int(p->type)) {
		if (!type_bad(p->type))
			sc_error(sc, p->loc, "buf() reads memory at an address, not a %s",
				 p->type.kind == T_STR ? "string" : "value of this type");
		return;
	}
	if (type_bad(len->type))
		return;
	if (!const_len(len)) {
		if (!type_is_int(len->type)) {
			sc_error(sc, len->loc, "buf()'s length must be an integer, not %s",
				 type_name(len->type, (char[32]){0}, 32));
			return;
		}
		snprintf(given, sizeof(given), "a length above its %u bytes", max);
		snprintf(done, sizeof(done), "it kept %u bytes", max);
		sema_arg_site(sc, n, given, done);
		n->type = type_text(&buffer_text, max);
		return;
	}
	if (!func_const_int(sc, len, "buf()'s length", &v))
		return;
	if (v < 1 || v > (int64_t)max) {
		sc_error(sc, len->loc, "buf()'s length must be 1 to %u bytes (the string size: -s, "
			 "max_strlen)", max);
		return;
	}
	n->type = type_text(&buffer_text, (unsigned int)v);
}

/* A run-time length: clamped to size (unsigned, so a negative one too),
 * the clamp counted; kept as the value's count and in a stack slot for
 * the read, where the verifier sees its bound. */
static int run_len(struct cg *cg, struct node *n, int base, int off, int size)
{
	int slot = cg_stack_alloc(cg, 8), ok = cg_label(cg);

	cg_expr_scratch(cg, n->list->next, R2);
	cg_jmp_imm(cg, BPF_JLE, R2, size, ok);
	cg_arg_site_inc(cg, n);
	cg_emit(cg, MOV64_IMM(R2, size));
	cg_place(cg, ok);
	cg_emit(cg, STX(BPF_DW, R10, R2, (int16_t)slot));
	cg_emit(cg, STX(BPF_DW, base, R2, (int16_t)off));
	return slot;
}

static void buf_emit(struct cg *cg, struct node *n, int base, int off, int len)
{
	int size = (int)n->type.len, slot = 0;

	(void)len;
	/* the padding after the bytes too, and what a shorter run-time
	 * length leaves: the value may be a key */
	for (int i = 0; i < (int)ALIGN8(size); i += 8)
		cg_emit(cg, ST(BPF_DW, base, (int16_t)(off + 8 + i), 0));
	if (const_len(n->list->next))
		cg_emit(cg, ST(BPF_DW, base, (int16_t)off, size));
	else
		slot = run_len(cg, n, base, off, size);
	func_emit_read_n(cg, n->list, base, off + 8, size, slot);
}

const struct func_def func_buf = {
	.name = "buf", .min = 2, .max = 2, .sema = buf_sema, .emit_mem = buf_emit,
};
