// SPDX-License-Identifier: GPL-2.0-only
#include "ast/type.h"

#include <stdio.h>
#include <string.h>

#include "util/util.h"

static const struct {
	const char *name;
	int size;
	bool sign;
} named_ints[] = {
	{"u8", 1, false}, {"u16", 2, false}, {"u32", 4, false}, {"u64", 8, false},
	{"s8", 1, true}, {"s16", 2, true}, {"s32", 4, true}, {"s64", 8, true},
	{"uint8", 1, false}, {"uint16", 2, false}, {"uint32", 4, false}, {"uint64", 8, false},
	{"int8", 1, true}, {"int16", 2, true}, {"int32", 4, true}, {"int64", 8, true},
	{"uint8_t", 1, false}, {"uint16_t", 2, false}, {"uint32_t", 4, false},
	{"uint64_t", 8, false}, {"int8_t", 1, true}, {"int16_t", 2, true},
	{"int32_t", 4, true}, {"int64_t", 8, true}, {"size_t", 8, false},
	{"ssize_t", 8, true}, {"pid_t", 4, true}, {"uid_t", 4, false}, {"gid_t", 4, false},
	{"off_t", 8, true}, {"uintptr_t", 8, false}, {"intptr_t", 8, true},
	{"bool", 1, false}, {"_Bool", 1, false}, {"void", 8, false},
};

static const char *const c_words[] = {
	"char", "short", "int", "long", "unsigned", "signed", "const", "volatile",
};

bool type_is_word(const char *w)
{
	for (size_t i = 0; i < ARRAY_SIZE(named_ints); i++)
		if (!strcmp(w, named_ints[i].name))
			return true;
	for (size_t i = 0; i < ARRAY_SIZE(c_words); i++)
		if (!strcmp(w, c_words[i]))
			return true;
	return false;
}

bool type_eq(struct type a, struct type b)
{
	if (a.kind != b.kind)
		return false;
	switch (a.kind) {
	case T_INT:
		return a.size == b.size && a.sign == b.sign;
	case T_PTR:
		return a.size == b.size && a.sign == b.sign && a.chr == b.chr && a.ct == b.ct &&
		       a.kernel == b.kernel;
	case T_TUPLE:
	case T_RECORD:
	case T_ARRAY:
		return a.ct == b.ct;
	case T_STR:
		return a.len == b.len;
	case T_TEXT:
		return a.text == b.text;
	default:
		return true;
	}
}

bool type_is_int(struct type t)
{
	return t.kind == T_INT || t.kind == T_PTR || t.kind == T_BOOL;
}

bool type_bad(struct type t)
{
	return t.kind == T_NONE;
}

/* C's usual conversions, done in 64 bits: the result is unsigned only
 * when an operand is a 64-bit unsigned value (or a pointer). */
struct type type_promote(struct type a, struct type b)
{
	bool ua = a.kind == T_PTR || (!a.sign && a.size == 8);
	bool ub = b.kind == T_PTR || (!b.sign && b.size == 8);

	return type_int(8, !(ua || ub));
}

const char *type_name(struct type t, char *buf, size_t len)
{
	switch (t.kind) {
	case T_NONE:
		snprintf(buf, len, "unknown");
		break;
	case T_VOID:
		snprintf(buf, len, "void");
		break;
	case T_INT:
		snprintf(buf, len, "%c%d", t.sign ? 's' : 'u', t.size * 8);
		break;
	case T_PTR:
		if (t.ct) {
			char in[200];
			snprintf(buf, len, "%s *", ctype_name(t.ct, in, sizeof(in)));
		} else if (t.chr)
			snprintf(buf, len, "char *");
		else
			snprintf(buf, len, "%c%d *", t.sign ? 's' : 'u', t.size * 8);
		break;
	case T_STR:
		snprintf(buf, len, "string[%u]", t.len);
		break;
	case T_USTACK:
		if (t.len)
			snprintf(buf, len, "ustack(%u)", t.len);
		else
			snprintf(buf, len, "ustack");
		break;
	case T_KSTACK:
		snprintf(buf, len, "kstack");
		break;
	case T_USYM:
		snprintf(buf, len, "usym");
		break;
	case T_PROBE:
		snprintf(buf, len, "probe name");
		break;
	case T_BOOL:
		snprintf(buf, len, "bool");
		break;
	case T_TUPLE:
		tuple_name(t.ct, buf, len);
		break;
	case T_TEXT:
		if (t.text && t.text->sized)
			snprintf(buf, len, "%s[%u]", t.text->name, t.len);
		else
			snprintf(buf, len, "%s", t.text ? t.text->name : "text");
		break;
	case T_RECORD:
	case T_ARRAY:
		ctype_name(t.ct, buf, len);
		break;
	}
	return buf;
}

/* Counts of the C words seen, to turn "unsigned long long" into a size. */
struct cwords {
	int chars, shorts, ints, longs, unsign, sign, named, stars;
	struct type named_type;
};

static bool add_word(struct cwords *w, const char *word)
{
	for (size_t i = 0; i < ARRAY_SIZE(named_ints); i++) {
		if (!strcmp(word, named_ints[i].name)) {
			w->named++;
			w->named_type = type_int(named_ints[i].size, named_ints[i].sign);
			return true;
		}
	}
	if (!strcmp(word, "char"))
		w->chars++;
	else if (!strcmp(word, "short"))
		w->shorts++;
	else if (!strcmp(word, "int"))
		w->ints++;
	else if (!strcmp(word, "long"))
		w->longs++;
	else if (!strcmp(word, "unsigned"))
		w->unsign++;
	else if (!strcmp(word, "signed"))
		w->sign++;
	else if (strcmp(word, "const") && strcmp(word, "volatile"))
		return false;
	return true;
}

static bool words_to_int(const struct cwords *w, struct type *t)
{
	int kinds = (w->chars > 0) + (w->shorts > 0) + (w->longs > 0);

	if (w->named) {
		if (w->named > 1 || kinds || w->ints || w->unsign || w->sign)
			return false;
		*t = w->named_type;
		return true;
	}
	if (kinds > 1 || w->chars > 1 || w->shorts > 1 || w->longs > 2 || w->ints > 1 ||
	    (w->unsign && w->sign) || w->unsign > 1 || w->sign > 1)
		return false;
	if (!kinds && !w->ints && !w->unsign && !w->sign)
		return false;
	int size = w->chars ? 1 : w->shorts ? 2 : w->longs ? 8 : 4;
	*t = type_int(size, !w->unsign);
	return true;
}

bool type_parse(const char *words, struct type *out)
{
	struct cwords w = {0};
	char buf[256];
	char *save = NULL;

	if (strlen(words) >= sizeof(buf))
		return false;
	strcpy(buf, words);
	for (char *p = buf; *p; p++) {
		if (*p == '*') {
			w.stars++;
			*p = ' ';
		} else if (w.stars) {
			if (*p != ' ')
				return false;	/* words after a '*' */
		}
	}
	for (char *tok = strtok_r(buf, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save))
		if (!add_word(&w, tok))
			return false;
	struct type t;
	if (!words_to_int(&w, &t))
		return false;
	if (w.stars) {
		t.kind = T_PTR;
		t.chr = w.stars == 1 && w.chars;
		if (w.stars > 1) {
			t.size = 8;
			t.sign = false;
		}
	}
	*out = t;
	return true;
}

size_t type_storage(struct type t)
{
	switch (t.kind) {
	case T_STR:
		return ALIGN8(t.len);
	case T_USTACK:
		/* ustack(N): its N frames; ustack: a stack id. Then pid and probe. */
		return t.len ? 8 * (size_t)t.len + 8 : 16;
	case T_USYM:
		return 24;	/* address; pid and probe; the probe's ip */
	case T_TUPLE:
	case T_RECORD:
	case T_ARRAY:
		return ALIGN8(t.ct->size);
	case T_TEXT:
		return !t.text || t.text->word ? 8 : t.text->head + ALIGN8(t.len);
	case T_VOID:
	case T_NONE:
		return 0;
	default:
		return 8;
	}
}

size_t type_sizeof(struct type t)
{
	switch (t.kind) {
	case T_INT:
	case T_BOOL:
		return t.size;
	case T_PTR:
		return 8;
	case T_STR:
		return t.len;
	case T_RECORD:
	case T_ARRAY:
		return t.ct->size;
	default:
		return type_storage(t);
	}
}
