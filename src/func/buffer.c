// SPDX-License-Identifier: GPL-2.0-only
/* buf(p, n): n bytes of user memory as a value, printed with %r (printable
 * ASCII as itself, other bytes as \xNN), %rx (every byte \xNN) or %rh
 * ("0a fe"), as bpftrace's buf(). The value is the length in a u64, then
 * the bytes; a failed read is counted and reads as n zero bytes. */
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

static void buf_sema(struct scope *sc, struct node *n)
{
	struct node *p = func_arg(n, 0), *len = func_arg(n, 1);
	unsigned int max = sc->s->opts->strsize;
	int64_t v;

	sema_expr(sc, p);
	sema_expr(sc, len);
	if (!type_is_int(p->type)) {
		if (!type_bad(p->type))
			sc_error(sc, p->loc, "buf() reads memory at an address, not a %s",
				 p->type.kind == T_STR ? "string" : "value of this type");
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

static void buf_emit(struct cg *cg, struct node *n, int base, int off, int len)
{
	int size = (int)n->type.len;

	(void)len;
	cg_emit(cg, ST(BPF_DW, base, (int16_t)off, size));
	/* the padding after the bytes too: the value may be a key */
	for (int i = 0; i < (int)ALIGN8(size); i += 8)
		cg_emit(cg, ST(BPF_DW, base, (int16_t)(off + 8 + i), 0));
	func_emit_read(cg, n->list, base, off + 8, size);
}

const struct func_def func_buf = {
	.name = "buf", .min = 2, .max = 2, .sema = buf_sema, .emit_mem = buf_emit,
};
