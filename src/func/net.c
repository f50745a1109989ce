// SPDX-License-Identifier: GPL-2.0-only
/* Network addresses: ntop([af, ] addr), an IPv4 or IPv6 address kept in
 * the probe and written out by inet_ntop(3) in user space; pton("a.b.c.d"),
 * an IPv4 address as the integer it is in memory, found when the program
 * is made. */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "codegen/cg.h"
#include "func/func.h"
#include "sema/scope.h"

static const struct text_kind ntop_text;

extern const struct func_def func_ntop;

/* The kept value: the family, then 16 bytes of address. */
#define NTOP_SIZE 24

/* ntop(addr): IPv4, addr the 4 bytes of the address as an integer (as a
 * struct in_addr holds them); ntop(AF_INET, addr) the same; ntop(AF_INET6,
 * p): the 16 bytes at p. The family is a constant, in n->num. */
static void ntop_sema(struct scope *sc, struct node *n)
{
	struct node *af = n->list->next ? n->list : NULL, *addr = af ? af->next : n->list;
	int64_t fam = AF_INET;

	if (af) {
		sema_expr(sc, af);
		if (type_bad(af->type) || !func_const_int(sc, af, "the family of ntop()", &fam))
			return;
		if (fam != AF_INET && fam != AF_INET6) {
			sc_error(sc, af->loc, "ntop() takes AF_INET (%d) or AF_INET6 (%d), not %lld",
				 AF_INET, AF_INET6, (long long)fam);
			return;
		}
	}
	sema_expr(sc, addr);
	if (type_bad(addr->type))
		return;
	if (!type_is_int(addr->type)) {
		sc_error(sc, addr->loc, "ntop() needs %s, not a %s", fam == AF_INET6 ?
			 "the address of 16 bytes" : "an IPv4 address as an integer",
			 type_name(addr->type, (char[32]){0}, 32));
		return;
	}
	n->num = (uint64_t)fam;
	n->type = type_text(&ntop_text, NTOP_SIZE);
}

static void ntop_emit(struct cg *cg, struct node *n, int base, int off, int len)
{
	struct node *addr = n->list->next ? n->list->next : n->list;

	(void)len;
	cg_emit(cg, ST(BPF_DW, base, (int16_t)off, (int32_t)n->num));
	cg_emit(cg, ST(BPF_DW, base, (int16_t)(off + 8), 0));
	cg_emit(cg, ST(BPF_DW, base, (int16_t)(off + 16), 0));
	if (n->num == AF_INET6) {
		func_emit_read(cg, addr, base, off + 8, 16);
		return;
	}
	int r = cg_reg_alloc(cg);
	int v = r < 0 ? R0 : r;

	cg_expr(cg, addr, v);
	cg_emit(cg, STX(BPF_W, base, v, (int16_t)(off + 8)));
	cg_reg_free(cg, r);
}

static void ntop_render(struct out *o, struct strbuf *sb, struct type t, const uint8_t *v,
			 char mode)
{
	char text[INET6_ADDRSTRLEN];
	int64_t af;

	(void)o, (void)t, (void)mode;

	memcpy(&af, v, 8);
	if (inet_ntop((int)af, v + 8, text, sizeof(text)))
		sb_puts(sb, text);
}

/* pton("a.b.c.d"): the address's 4 bytes, in memory order, as an integer,
 * to compare with an address a probe sees. */
static void pton_sema(struct scope *sc, struct node *n)
{
	struct node *a = n->list;
	struct in_addr in;
	struct in6_addr in6;

	sema_expr(sc, a);
	if (a->kind != AST_STR || strlen(a->name) != a->len) {
		sc_error(sc, a->loc, "pton() takes an address: pton(\"10.0.0.1\")");
		return;
	}
	if (inet_pton(AF_INET6, a->name, &in6) == 1) {
		sc_error(sc, a->loc, "pton() of an IPv6 address is 16 bytes, and plumb has no "
			 "arrays yet: only IPv4 addresses");
		return;
	}
	if (inet_pton(AF_INET, a->name, &in) != 1) {
		sc_error(sc, a->loc, "pton(): '%s' is not an IPv4 address", a->name);
		return;
	}
	n->num = in.s_addr;
	n->type = type_int(4, false);
}

static void pton_emit(struct cg *cg, struct node *n, int reg)
{
	cg_ld_imm64(cg, reg, n->num);
}

static const struct text_kind ntop_text = {
	.name = "ntop", .conv = 's', .render = ntop_render,
};

const struct func_def func_ntop = {
	.name = "ntop", .min = 1, .max = 2, .sema = ntop_sema, .emit_mem = ntop_emit,
};
const struct func_def func_pton = {
	.name = "pton", .min = 1, .max = 1, .pure = true, .sema = pton_sema, .emit = pton_emit,
};
