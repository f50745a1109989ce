// SPDX-License-Identifier: GPL-2.0-only
/* The x86-64 USDT argument-spec parser: "SIZE@OPERAND" where OPERAND is
 * whatever GAS printed for an "nor" asm constraint. */
#include "usdt/usdt.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

struct x86_reg {
	const char *name;
	int off;	/* into struct pt_regs */
	int width;	/* bytes */
	int shift;	/* 8 for the high-byte registers */
};

/* struct pt_regs (x86-64): r15 r14 r13 r12 bp bx r11 r10 r9 r8 ax cx dx
 * si di orig_ax ip cs flags sp ss, 8 bytes each. */
#define R_R15 0
#define R_R14 8
#define R_R13 16
#define R_R12 24
#define R_BP 32
#define R_BX 40
#define R_R11 48
#define R_R10 56
#define R_R9 64
#define R_R8 72
#define R_AX 80
#define R_CX 88
#define R_DX 96
#define R_SI 104
#define R_DI 112
#define R_IP USDT_REG_IP
#define R_SP 152

#define NUMBERED(n, off)                                                     \
	{"r" #n, off, 8, 0}, {"r" #n "d", off, 4, 0}, {"r" #n "w", off, 2, 0}, \
	{"r" #n "b", off, 1, 0}

static const struct x86_reg regs[] = {
	{"rax", R_AX, 8, 0}, {"eax", R_AX, 4, 0}, {"ax", R_AX, 2, 0}, {"al", R_AX, 1, 0},
	{"ah", R_AX, 1, 8},
	{"rbx", R_BX, 8, 0}, {"ebx", R_BX, 4, 0}, {"bx", R_BX, 2, 0}, {"bl", R_BX, 1, 0},
	{"bh", R_BX, 1, 8},
	{"rcx", R_CX, 8, 0}, {"ecx", R_CX, 4, 0}, {"cx", R_CX, 2, 0}, {"cl", R_CX, 1, 0},
	{"ch", R_CX, 1, 8},
	{"rdx", R_DX, 8, 0}, {"edx", R_DX, 4, 0}, {"dx", R_DX, 2, 0}, {"dl", R_DX, 1, 0},
	{"dh", R_DX, 1, 8},
	{"rsi", R_SI, 8, 0}, {"esi", R_SI, 4, 0}, {"si", R_SI, 2, 0}, {"sil", R_SI, 1, 0},
	{"rdi", R_DI, 8, 0}, {"edi", R_DI, 4, 0}, {"di", R_DI, 2, 0}, {"dil", R_DI, 1, 0},
	{"rbp", R_BP, 8, 0}, {"ebp", R_BP, 4, 0}, {"bp", R_BP, 2, 0}, {"bpl", R_BP, 1, 0},
	{"rsp", R_SP, 8, 0}, {"esp", R_SP, 4, 0}, {"sp", R_SP, 2, 0}, {"spl", R_SP, 1, 0},
	NUMBERED(8, R_R8), NUMBERED(9, R_R9), NUMBERED(10, R_R10), NUMBERED(11, R_R11),
	NUMBERED(12, R_R12), NUMBERED(13, R_R13), NUMBERED(14, R_R14), NUMBERED(15, R_R15),
	{"rip", R_IP, 8, 0},
};

static bool is_ident_start(char c)
{
	return isalpha((unsigned char)c) || c == '_' || c == '.';
}

static bool is_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '$';
}

/* "%name": looks the register up; *p is advanced past the name. */
static const struct x86_reg *parse_reg(const char **p, char *err, size_t errlen)
{
	const char *s = *p + 1, *e = s;
	size_t n;

	while (isalnum((unsigned char)*e))
		e++;
	n = (size_t)(e - s);
	if (n == 0) {
		errf(err, errlen, "'%%' not followed by a register name");
		return NULL;
	}
	for (size_t i = 0; i < ARRAY_SIZE(regs); i++) {
		if (strlen(regs[i].name) == n && !memcmp(regs[i].name, s, n)) {
			*p = e;
			return &regs[i];
		}
	}
	errf(err, errlen, "unknown register '%%%.*s'", (int)(n > 16 ? 16 : n), s);
	return NULL;
}

/* An unsigned decimal or 0x-hex literal; *p is advanced. */
static bool parse_uint(const char **p, uint64_t *v, char *err, size_t errlen)
{
	const char *s = *p;
	uint64_t x = 0;
	int base = 10, digits = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (;; s++, digits++) {
		int d;
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			break;
		if (x > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			return errf(err, errlen, "number out of range");
		x = x * (uint64_t)base + (uint64_t)d;
	}
	if (digits == 0)
		return errf(err, errlen, base == 16 ? "'0x' without hex digits" : "number expected");
	if (is_ident_char(*s))
		return errf(err, errlen, "malformed number");
	*p = s;
	*v = x;
	return true;
}

/* A signed literal: [+-]uint. Accepts the full u64 range for positive
 * values (stored as the same bit pattern) and down to INT64_MIN. */
static bool parse_int(const char **p, int64_t *v, char *err, size_t errlen)
{
	bool neg = false;
	uint64_t u;

	if (**p == '-' || **p == '+') {
		neg = **p == '-';
		(*p)++;
	}
	if (!parse_uint(p, &u, err, errlen))
		return false;
	if (neg) {
		if (u > (uint64_t)INT64_MAX + 1)
			return errf(err, errlen, "number out of range");
		*v = (int64_t)(0 - u);
	} else {
		*v = (int64_t)u;
	}
	return true;
}

/* The displacement in front of a memory operand's '(' (or a whole
 * absolute operand): terms joined by '+'/'-', numbers and at most one
 * symbol, e.g. "-16", "NBuffers", "40+CheckpointStats", "gst+8",
 * "0x10". Stops at '(' or the end. */
static bool parse_disp(const char **p, int64_t *disp, char **sym, char *err, size_t errlen)
{
	const char *s = *p;
	int64_t total = 0;
	bool first = true;

	*sym = NULL;
	while (*s && *s != '(') {
		bool neg = false;
		if (!first) {
			if (*s != '+' && *s != '-') {
				free(*sym);
				*sym = NULL;
				return errf(err, errlen, "unexpected '%c' in displacement", *s);
			}
			neg = *s == '-';
			s++;
		} else if (*s == '-' || *s == '+') {
			neg = *s == '-';
			s++;
		}
		first = false;
		if (is_ident_start(*s)) {
			const char *b = s;
			if (neg || *sym) {
				free(*sym);
				*sym = NULL;
				return errf(err, errlen, neg ? "negated symbol in displacement"
							    : "more than one symbol in displacement");
			}
			while (is_ident_char(*s))
				s++;
			*sym = xstrndup(b, (size_t)(s - b));
		} else {
			uint64_t u;
			if (!parse_uint(&s, &u, err, errlen)) {
				free(*sym);
				*sym = NULL;
				return false;
			}
			/* wrap like the assembler would: the sum is modulo 2^64 */
			total = (int64_t)(neg ? (uint64_t)total - u : (uint64_t)total + u);
		}
	}
	*p = s;
	*disp = total;
	return true;
}

static bool parse_mem(const char *s, struct usdt_arg *a, char *err, size_t errlen)
{
	const struct x86_reg *r;

	a->kind = USDT_ARG_MEM;
	a->reg = USDT_REG_NONE;
	a->index = USDT_REG_NONE;
	a->scale = 1;
	if (!parse_disp(&s, &a->imm, &a->sym, err, errlen))
		return false;
	if (!*s) {
		/* an absolute address: "sym", "0x601040", "sym+8" */
		return true;
	}
	/* *s == '(' */
	s++;
	if (*s == '%') {
		if (!(r = parse_reg(&s, err, errlen)))
			return false;
		if (r->width != 8)
			return errf(err, errlen, "base register '%%%s' is not a 64-bit register",
				    r->name);
		a->reg = r->off;
	} else if (*s != ',') {
		return errf(err, errlen, *s ? "register or ',' expected after '('"
					    : "missing ')'");
	}
	if (*s == ',') {
		s++;
		if (*s != '%')
			return errf(err, errlen, "index register expected after ','");
		if (!(r = parse_reg(&s, err, errlen)))
			return false;
		if (r->width != 8)
			return errf(err, errlen, "index register '%%%s' is not a 64-bit register",
				    r->name);
		if (r->off == R_SP || r->off == R_IP)
			return errf(err, errlen, "'%%%s' cannot be an index register", r->name);
		if (a->reg == R_IP)
			return errf(err, errlen, "a %%rip base cannot have an index register");
		a->index = r->off;
		if (*s == ',') {
			uint64_t sc;
			s++;
			if (!parse_uint(&s, &sc, err, errlen))
				return errf(err, errlen, "scale expected after index register");
			if (sc != 1 && sc != 2 && sc != 4 && sc != 8)
				return errf(err, errlen, "scale must be 1, 2, 4 or 8, not %llu",
					    (unsigned long long)sc);
			a->scale = (int)sc;
		}
	}
	if (*s != ')')
		return errf(err, errlen, *s ? "unexpected '%c' in memory operand" : "missing ')'",
			    *s);
	s++;
	if (*s)
		return errf(err, errlen, "trailing characters after ')'");
	if (a->reg == R_IP) {
		if (!a->sym)
			return errf(err, errlen,
				    "%%rip-relative operand without a symbol cannot be evaluated "
				    "at the probe site");
	} else if (a->reg == USDT_REG_NONE && a->index == USDT_REG_NONE) {
		return errf(err, errlen, "empty memory operand '()'");
	}
	return true;
}

/* GAS prints an immediate as a signed number whatever its C type: a
 * uint8_t 240 is "1@$-16", a uint16_t 61936 "2@$-3600". The value is the
 * one the probe passed: the low size bytes, extended by the spec's sign. */
static int64_t const_value(int64_t imm, int size, bool sign)
{
	uint64_t v = (uint64_t)imm;
	int bits = size * 8;

	if (bits == 64)
		return imm;
	v &= (1ULL << bits) - 1;
	if (sign && (v >> (bits - 1)))
		v |= ~0ULL << bits;
	return (int64_t)v;
}

bool usdt_parse_arg(const char *text, struct usdt_arg *out, char *err, size_t errlen)
{
	struct usdt_arg a = {0};
	const char *s = text;
	int size = 0;
	bool neg = false;

	memset(out, 0, sizeof(*out));
	if (err && errlen)
		err[0] = '\0';
	if (!text || !*text)
		return errf(err, errlen, "empty argument spec");
	for (const char *q = text; *q; q++)
		if (isspace((unsigned char)*q) || !isprint((unsigned char)*q))
			return errf(err, errlen, "whitespace or control character in spec");
	if (*s == '-') {
		neg = true;
		s++;
	}
	if (*s >= '0' && *s <= '9' && s[1] == '@')
		size = *s - '0';
	if (!strchr(text, '@'))
		return errf(err, errlen, "missing '@' (expected SIZE@OPERAND)");
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return errf(err, errlen, "size must be 1, 2, 4 or 8 (negative for signed)");
	s += 2;
	a.size = size;
	a.is_signed = neg;
	a.reg = USDT_REG_NONE;
	a.index = USDT_REG_NONE;
	a.scale = 1;

	if (*s == '\0') {
		return errf(err, errlen, "empty operand after '@'");
	} else if (*s == '$') {
		s++;
		if (!*s)
			return errf(err, errlen, "'$' without a constant");
		if (is_ident_start(*s))
			return errf(err, errlen, "symbolic constant '$%s' (an address) is not supported",
				    s);
		a.kind = USDT_ARG_CONST;
		if (!parse_int(&s, &a.imm, err, errlen))
			return false;
		if (*s)
			return errf(err, errlen, "trailing characters after constant");
		a.imm = const_value(a.imm, size, neg);
	} else if (*s == '%') {
		const struct x86_reg *r;
		if (strlen(s) >= 4 && strchr("cdefgs", s[1]) && s[2] == 's' && s[3] == ':')
			return errf(err, errlen, "segment-prefixed operands (%.3s:) are not supported",
				    s);
		if (!(r = parse_reg(&s, err, errlen)))
			return false;
		if (*s)
			return errf(err, errlen, "trailing characters after register '%%%s'",
				    r->name);
		if (r->off == R_IP)
			return errf(err, errlen, "'%%rip' is only valid as a memory base");
		a.kind = USDT_ARG_REG;
		a.reg = r->off;
		a.shift = r->shift;
	} else {
		if (!parse_mem(s, &a, err, errlen)) {
			free(a.sym);
			return false;
		}
	}
	a.text = xstrdup(text);
	*out = a;
	return true;
}

void usdt_arg_free(struct usdt_arg *a)
{
	if (!a)
		return;
	free(a->text);
	free(a->sym);
	a->text = NULL;
	a->sym = NULL;
}
