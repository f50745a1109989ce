// SPDX-License-Identifier: GPL-2.0-only
/* printf formats: checked against the arguments at compile time; the
 * event record carries only the values, formatted in user space. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sema/scope.h"

#define FMT_MAX_ARGS 31

struct conv {
	const char *start;	/* at the '%' */
	size_t len;
	char flags[8], width[8], prec[8];
	int lenmod;		/* 0, 1 (hh), 2 (h), 8 (l, ll, z, j, t) */
	char c;
	char sub;		/* %r: 'x' (%rx), 'h' (%rh) or 0 */
};

/* Source offset of byte off of a string literal, stepping over escapes. */
static int src_offset(const struct node *lit, size_t off)
{
	const struct src *src = diag_src();
	int i = lit->loc.start + 1;

	for (size_t b = 0; b < off && i < lit->loc.end - 1; b++) {
		if (src->text[i] != '\\') {
			i++;
			continue;
		}
		i++;
		if (src->text[i] == 'x') {
			i++;
			for (int k = 0; k < 2 && isxdigit((unsigned char)src->text[i]); k++)
				i++;
		} else if (src->text[i] >= '0' && src->text[i] <= '7') {
			for (int k = 0; k < 3 && src->text[i] >= '0' && src->text[i] <= '7'; k++)
				i++;
		} else {
			i++;
		}
	}
	return i;
}

static struct loc sub_loc(const struct node *fmt, size_t off, size_t len)
{
	struct loc l;

	if (!diag_src() || fmt->loc.end - fmt->loc.start < 2)
		return fmt->loc;
	l.start = src_offset(fmt, off);
	l.end = src_offset(fmt, off + len);
	return l;
}

static bool take_digits(const char **p, char *out, size_t max)
{
	size_t n = 0;

	while (**p >= '0' && **p <= '9') {
		if (n + 1 >= max)
			return false;
		out[n++] = *(*p)++;
	}
	out[n] = '\0';
	return true;
}

/* Parse one conversion at p (just past '%'); false with *why set. */
static bool parse_conv(const char *p, struct conv *cv, const char **why)
{
	size_t n = 0;

	memset(cv, 0, sizeof(*cv));
	cv->start = p - 1;
	while (strchr("-+ #0", *p) && *p && n < sizeof(cv->flags) - 1)
		cv->flags[n++] = *p++;
	if (*p == '*') {
		*why = "'*' widths are not supported";
		return false;
	}
	if (!take_digits(&p, cv->width, sizeof(cv->width))) {
		*why = "width too large";
		return false;
	}
	if (*p == '.') {
		p++;
		cv->prec[0] = '.';
		if (!take_digits(&p, cv->prec + 1, sizeof(cv->prec) - 1)) {
			*why = "precision too large";
			return false;
		}
	}
	if (p[0] == 'h' && p[1] == 'h')
		cv->lenmod = 1, p += 2;
	else if (p[0] == 'h')
		cv->lenmod = 2, p++;
	else if (p[0] == 'l' && p[1] == 'l')
		cv->lenmod = 8, p += 2;
	else if (strchr("lzjt", p[0]) && p[0])
		cv->lenmod = 8, p++;
	cv->c = *p;
	if (cv->c == 'r' && (p[1] == 'x' || p[1] == 'h'))
		cv->sub = *++p;
	if (!cv->c || !strchr("diuxXocspr", cv->c)) {
		*why = cv->c && strchr("feEgGaA", cv->c) ? "floating point is not supported"
							  : "unknown conversion";
		cv->len = (size_t)(p - cv->start) + (cv->c ? 1 : 0);
		return false;
	}
	cv->len = (size_t)(p + 1 - cv->start);
	return true;
}

static bool conv_fits(struct scope *sc, struct node *a, const struct conv *cv,
		      struct fmt_arg *fa)
{
	struct type t = a->type;
	char tn[32];

	if (cv->c == 'r') {
		if (t.kind == T_TEXT && t.text->conv == 'r') {
			fa->conv = FC_TEXT;
			fa->mode = cv->sub;
			return true;
		}
		sc_error(sc, a->loc, "%%r%s needs a buffer (buf()), but this is a %s",
			 cv->sub == 'x' ? "x" : cv->sub == 'h' ? "h" : "", type_name(t, tn, sizeof(tn)));
		return false;
	}
	if (cv->c == 's') {
		/* FC_TEXT: a value user space renders (a user, a time, an
		 * errno), as its descriptor says */
		bool text = t.kind == T_TEXT && t.text->conv == 's';
		if (t.kind == T_ARRAY) {
			fa->conv = FC_VALUE;
			return true;
		}
		if (t.kind == T_STR || t.kind == T_PROBE || t.kind == T_USYM || t.kind == T_USTACK ||
		    t.kind == T_KSTACK || text) {
			fa->conv = t.kind == T_STR ? FC_STR : t.kind == T_PROBE ? FC_PROBE :
				   t.kind == T_USYM ? FC_USYM : text ? FC_TEXT : FC_USTACK;
			return true;
		}
	} else if (type_is_int(t)) {
		fa->conv = cv->c == 'c' ? FC_CHAR : cv->c == 'p' ? FC_PTR :
			   (cv->c == 'd' || cv->c == 'i') ? FC_INT : FC_UINT;
		return true;
	}
	sc_error(sc, a->loc, "%%%c needs %s, but this is a %s", cv->c,
		 cv->c == 's' ? "a string" : "an integer", type_name(t, tn, sizeof(tn)));
	return false;
}

static void conv_spec(const struct conv *cv, struct fmt_arg *fa)
{
	const char *len = "";
	char c = cv->c;

	if (fa->conv == FC_INT || fa->conv == FC_UINT)
		len = "ll";
	if (c == 'i')
		c = 'd';
	if (fa->conv == FC_PTR) {
		/* formatted as "0x..." text, then padded like a string */
		snprintf(fa->spec, sizeof(fa->spec), "%%%s%ss", strchr(cv->flags, '-') ? "-" : "",
			 cv->width);
		return;
	}
	if (fa->conv == FC_PROBE || fa->conv == FC_USYM || fa->conv == FC_USTACK ||
	    fa->conv == FC_TEXT || fa->conv == FC_VALUE)
		c = 's';
	snprintf(fa->spec, sizeof(fa->spec), "%%%s%s%s%s%c", cv->flags, cv->width, cv->prec,
		 len, c);
	/* as bpftrace: no length modifier prints the value whole, widened
	 * to 64 bits by its type's sign ((uint32)-1 is 4294967295), as do l,
	 * ll, z, j and t; hh and h take its low 8 and 16 bits, as C does.
	 * (bpftrace 0.17 took an int's 32 bits, as C's printf.) */
	fa->trunc = cv->lenmod ? cv->lenmod : 8;
	fa->sign = cv->c == 'd' || cv->c == 'i';
}

static void add_lit(struct fmt *f, const char *s, size_t n)
{
	struct strbuf sb = {0};

	for (size_t i = 0; i < n; i++) {
		sb_putc(&sb, s[i]);
		if (s[i] == '%' && i + 1 < n && s[i + 1] == '%')
			i++;
	}
	f->lits = xrealloc(f->lits, sizeof(char *) * (size_t)(f->nlits + 1));
	f->lits[f->nlits++] = sb.s ? sb.s : xstrdup("");
}

void fmt_free(struct fmt *f)
{
	if (!f)
		return;
	for (int i = 0; i < f->nlits; i++)
		free(f->lits[i]);
	free(f->lits);
	free(f->args);
	free(f);
}

/* One conversion and its argument; false stops the walk. */
static bool one_arg(struct scope *sc, struct fmt *f, struct node **ap, const struct conv *cv,
		    struct node *fmtn, uint32_t *off)
{
	struct fmt_arg *fa;

	if (!*ap) {
		sc_error(sc, sub_loc(fmtn, (size_t)(cv->start - fmtn->name), cv->len),
			 "this conversion has no argument");
		return false;
	}
	if (f->nargs >= FMT_MAX_ARGS) {
		sc_error(sc, (*ap)->loc, "printf() takes at most %d arguments", FMT_MAX_ARGS);
		return false;
	}
	if (cv->c == 's') {
		sema_charp_to_str(sc, ap);
		/* an array of integers prints whole, [1,2,3], as print() shows it */
		sema_array_whole(*ap);
		if ((*ap)->type.kind == T_ARRAY && !sema_record_storable(sc, *ap))
			return false;
	}
	f->args = xrealloc(f->args, sizeof(*f->args) * (size_t)(f->nargs + 1));
	fa = &f->args[f->nargs];
	memset(fa, 0, sizeof(*fa));
	if (type_bad((*ap)->type) || !conv_fits(sc, *ap, cv, fa))
		return false;
	conv_spec(cv, fa);
	fa->type = (*ap)->type;
	fa->off = *off;
	*off += (uint32_t)type_storage(fa->type);
	f->nargs++;
	return true;
}

struct fmt *sema_printf(struct scope *sc, struct node *call)
{
	struct node *fmtn = call->list;
	struct fmt *f = xcalloc(1, sizeof(*f));
	struct node **ap = &fmtn->next;
	const char *p = fmtn->name, *lit = p, *end = p + fmtn->len;
	uint32_t off = 8;
	bool failed = false;

	while (p < end) {
		struct conv cv;
		const char *why;

		if (*p != '%' || (p + 1 < end && p[1] == '%')) {
			p += *p == '%' ? 2 : 1;
			continue;
		}
		if (!parse_conv(p + 1, &cv, &why)) {
			sc_error(sc, sub_loc(fmtn, (size_t)(p - fmtn->name), cv.len ? cv.len : 1),
				 "bad conversion in format: %s", why);
			failed = true;
			break;
		}
		add_lit(f, lit, (size_t)(p - lit));
		if (!one_arg(sc, f, ap, &cv, fmtn, &off)) {
			failed = true;
			break;
		}
		ap = &(*ap)->next;
		p += cv.len;
		lit = p;
	}
	add_lit(f, lit, (size_t)(end - lit));
	if (!failed && *ap) {
		sc_error(sc, (*ap)->loc, "argument not used by the format");
		failed = true;
	}
	f->size = off;
	if (failed) {
		fmt_free(f);
		return NULL;
	}
	return f;
}
