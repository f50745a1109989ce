// SPDX-License-Identifier: GPL-2.0-only
/* Network addresses: ntop([af, ] addr), an IPv4 or IPv6 address kept in
 * the probe and written out by inet_ntop(3) in user space; pton("addr"),
 * the address's bytes as an array (uint8[4] or uint8[16]), found when the
 * program is made. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "codegen/cg.h"
#include "func/func.h"
#include "sema/scope.h"

static const struct text_kind ntop_text;

extern const struct func_def func_ntop;

/* The kept value: the family, then 16 bytes of address. */
#define NTOP_SIZE 24

/* An array member of bytes (a char array too, which elsewhere is a
 * string) is an address's bytes, not its address: 4 or 16 of them. */
static void bytes_whole(struct node *addr)
{
	const struct ctype *a = addr->decay ? ctype_strip(addr->array) : NULL;
	const struct ctype *e = a ? ctype_strip(a->target) : NULL;
	bool kernel = addr->type.kernel;

	if (!e || e->kind != CT_INT || e->size != 1 || !a->count)
		return;
	addr->type = type_from_ctype(addr->array);
	addr->type.kernel = kernel;
	addr->decay = false;
}

/* ntop([af, ] bytes): an array of 4 bytes is IPv4, of 16 bytes IPv6, as
 * in bpftrace (pton()'s, or a member such as u8 saddr_v6[16]); a family
 * given must agree. */
static void ntop_array(struct scope *sc, struct node *n, const int64_t *fam,
		       struct node *addr)
{
	const struct ctype *a = ctype_strip(addr->type.ct);
	uint64_t size = a ? a->size : 0;
	int want = size == 4 ? AF_INET : size == 16 ? AF_INET6 : 0;
	char buf[64];

	if (!want) {
		sc_error(sc, addr->loc, "ntop() of an array needs 4 bytes (IPv4) or 16 (IPv6); "
			 "%s is %llu", type_name(addr->type, buf, sizeof(buf)),
			 (unsigned long long)size);
		return;
	}
	if (fam && *fam != want) {
		sc_error(sc, n->list->loc, "ntop(): family %lld with an address of %llu bytes; "
			 "%s is %d", (long long)*fam, (unsigned long long)size,
			 want == AF_INET ? "AF_INET" : "AF_INET6", want);
		return;
	}
	if (!sema_record_storable(sc, addr))
		return;
	n->num = (uint64_t)want;
	n->type = type_text(&ntop_text, NTOP_SIZE);
}

/* ntop(addr): IPv4, addr the 4 bytes of the address as an integer (as a
 * struct in_addr holds them); ntop(AF_INET, addr) the same; ntop(AF_INET6,
 * p): the 16 bytes at p. A constant family is in n->num; a run-time one
 * (0 there) picks one of the two in the probe, and any other family is
 * counted and prints as nothing, as bpftrace prints it. An array's
 * size gives the family, whatever a run-time one says. */
static void ntop_sema(struct scope *sc, struct node *n)
{
	struct node *af = n->list->next ? n->list : NULL, *addr = af ? af->next : n->list;
	int64_t fam = AF_INET;
	char given[80];

	if (af) {
		sema_expr(sc, af);
		if (type_bad(af->type))
			return;
		if (!af->folded || af->kind != AST_INT) {
			if (!type_is_int(af->type)) {
				sc_error(sc, af->loc, "the family of ntop() must be an integer, not %s",
					 type_name(af->type, (char[32]){0}, 32));
				return;
			}
			fam = 0;
		} else if (!func_const_int(sc, af, "the family of ntop()", &fam)) {
			return;
		} else if (fam != AF_INET && fam != AF_INET6) {
			sc_error(sc, af->loc, "ntop() takes AF_INET (%d) or AF_INET6 (%d), not %lld",
				 AF_INET, AF_INET6, (long long)fam);
			return;
		}
	}
	sema_expr(sc, addr);
	if (type_bad(addr->type))
		return;
	bytes_whole(addr);	/* u8 addr[16]: the bytes, not their address */
	if (addr->type.kind == T_ARRAY) {
		ntop_array(sc, n, af && fam ? &fam : NULL, addr);
		return;
	}
	if (!type_is_int(addr->type)) {
		sc_error(sc, addr->loc, "ntop() needs %s, not a %s", fam == AF_INET6 ?
			 "the address of 16 bytes" : fam ? "an IPv4 address as an integer" :
			 "an IPv4 address as an integer or the address of 16 bytes (IPv6)",
			 type_name(addr->type, (char[32]){0}, 32));
		return;
	}
	if (!fam) {
		snprintf(given, sizeof(given), "a family neither AF_INET (%d) nor AF_INET6 (%d)",
			 AF_INET, AF_INET6);
		sema_arg_site(sc, n, given, "it printed an empty string");
	}
	n->num = (uint64_t)fam;
	n->type = type_text(&ntop_text, NTOP_SIZE);
}

/* The IPv4 address, the value of addr, into the first 4 bytes. */
static void ntop_v4(struct cg *cg, struct node *addr, int base, int off)
{
	int r = cg_reg_alloc(cg);
	int v = r < 0 ? R0 : r;

	cg_expr(cg, addr, v);
	cg_emit(cg, STX(BPF_W, base, v, (int16_t)off));
	cg_reg_free(cg, r);
}

/* A run-time family, already kept at base + off: IPv6 or IPv4 by it,
 * anything else counted, its address left zero. */
static void ntop_run(struct cg *cg, struct node *n, struct node *addr, int base, int off)
{
	int v4 = cg_label(cg), v6 = cg_label(cg), done = cg_label(cg);

	cg_emit(cg, LDX(BPF_DW, R1, base, (int16_t)off));
	cg_jmp_imm(cg, BPF_JEQ, R1, AF_INET, v4);
	cg_jmp_imm(cg, BPF_JEQ, R1, AF_INET6, v6);
	cg_arg_site_inc(cg, n);
	cg_goto(cg, done);
	cg_place(cg, v6);
	func_emit_read(cg, addr, base, off + 8, 16);
	cg_goto(cg, done);
	cg_place(cg, v4);
	ntop_v4(cg, addr, base, off + 8);
	cg_place(cg, done);
}

static void ntop_emit(struct cg *cg, struct node *n, int base, int off, int len)
{
	struct node *addr = n->list->next ? n->list->next : n->list;

	(void)len;
	cg_emit(cg, ST(BPF_DW, base, (int16_t)(off + 8), 0));
	cg_emit(cg, ST(BPF_DW, base, (int16_t)(off + 16), 0));
	if (addr->type.kind == T_ARRAY) {
		cg_emit(cg, ST(BPF_DW, base, (int16_t)off, (int32_t)n->num));
		cg_store_value(cg, addr, base, off + 8);	/* 4 or 16 bytes, whole */
		return;
	}
	if (!n->num) {
		cg_expr_scratch(cg, n->list, R1);
		cg_emit(cg, STX(BPF_DW, base, R1, (int16_t)off));
		ntop_run(cg, n, addr, base, off);
		return;
	}
	cg_emit(cg, ST(BPF_DW, base, (int16_t)off, (int32_t)n->num));
	if (n->num == AF_INET6)
		func_emit_read(cg, addr, base, off + 8, 16);
	else
		ntop_v4(cg, addr, base, off + 8);
}

static void ntop_render(struct out *o, struct strbuf *sb, struct type t, const uint8_t *v,
			 char mode)
{
	char text[INET6_ADDRSTRLEN];
	int64_t af;

	(void)o, (void)t, (void)mode;

	memcpy(&af, v, 8);
	/* a run-time family that is neither prints nothing, as in bpftrace */
	if ((af == AF_INET || af == AF_INET6) && inet_ntop((int)af, v + 8, text, sizeof(text)))
		sb_puts(sb, text);
}

/* The address pton() was given, as bytes: 4 for IPv4, 16 for IPv6, 0
 * when it is neither. */
static int pton_bytes(const char *text, uint8_t out[16])
{
	if (inet_pton(AF_INET, text, out) == 1)
		return 4;
	if (inet_pton(AF_INET6, text, out) == 1)
		return 16;
	return 0;
}

/* uint8[n], one type per length, so that two pton() values of a length
 * are one type as map keys. */
static const struct ctype *bytes_type(struct type_table *tt, int n)
{
	const struct ctype *u8 = ctype_int_of(tt, "uint8", 1, false, false);
	struct ctype *t;

	for (size_t i = 0; i < tt->n; i++) {
		t = tt->v[i];
		if (t->kind == CT_ARRAY && t->target == u8 && t->count == (uint64_t)n)
			return t;
	}
	t = ctype_new(tt, CT_ARRAY);
	t->target = u8;
	t->count = (uint64_t)n;
	t->size = (uint64_t)n;
	t->align = 1;
	return t;
}

/* pton("a.b.c.d") or pton("::1"): the address's bytes in network order,
 * as bpftrace gives them, an array of 4 or 16 (found when the program is
 * made); n->num keeps an IPv4 address's 4 bytes as the integer they make
 * in memory, for comparing with one (sema_array_cmp). */
static void pton_sema(struct scope *sc, struct node *n)
{
	struct node *a = n->list;
	uint8_t bytes[16];
	int len;

	sema_expr(sc, a);
	if (a->kind != AST_STR || strlen(a->name) != a->len) {
		sc_error(sc, a->loc, "pton() takes an address: pton(\"10.0.0.1\"), pton(\"::1\")");
		return;
	}
	len = pton_bytes(a->name, bytes);
	if (!len) {
		sc_error(sc, a->loc, "pton(): '%s' is not an IPv4 or IPv6 address", a->name);
		return;
	}
	n->num = 0;
	if (len == 4)
		memcpy(&n->num, bytes, 4);
	n->type = type_from_ctype(bytes_type(&sc->s->types, len));
}

/* An IPv4 pton() compared with an integer: the number its bytes make. */
static void pton_emit(struct cg *cg, struct node *n, int reg)
{
	cg_ld_imm64(cg, reg, n->num);
}

/* The bytes, zero-padded to whole words, as constants. */
static void pton_emit_mem(struct cg *cg, struct node *n, int base, int off, int len)
{
	uint8_t bytes[16] = {0};
	int size = pton_bytes(n->list->name, bytes);

	(void)len;
	for (int i = 0; i < size; i += 8) {
		uint64_t w = 0;
		memcpy(&w, bytes + i, size - i < 8 ? (size_t)(size - i) : 8);
		cg_ld_imm64(cg, R1, w);
		cg_emit(cg, STX(BPF_DW, base, R1, (int16_t)(off + i)));
	}
}

static const struct text_kind ntop_text = {
	.name = "ntop", .conv = 's', .render = ntop_render,
};

const struct func_def func_ntop = {
	.name = "ntop", .min = 1, .max = 2, .sema = ntop_sema, .emit_mem = ntop_emit,
};
const struct func_def func_pton = {
	.name = "pton", .min = 1, .max = 1, .pure = true, .sema = pton_sema, .emit = pton_emit,
	.emit_mem = pton_emit_mem,
};
