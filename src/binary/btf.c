// SPDX-License-Identifier: GPL-2.0-only
/* Kernel BTF into ctypes. A type is imported with everything it reaches
 * (struct task_struct: about 4,700 types, a few milliseconds), so member
 * access needs no lazy loading; each BTF id becomes one ctype of the
 * table, made first as a shell with its kind, name and size (so cycles
 * through pointers close on it), then filled from a work list rather
 * than by recursion, whose depth the kernel's type graph would set. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "binary/btf.h"
#include "util/util.h"

static struct {
	struct btf *btf;
	bool tried;
	const char *why;
	struct type_table *tt;	/* the table memo's ctypes are in */
	struct ctype **memo;	/* by BTF id */
	unsigned char *aligns;	/* by BTF id: 0 not known yet */
	VEC(uint32_t) todo;	/* ids whose shells are not filled yet */
} kb;

/* Every type id a type names exists, and a member that is not a
 * bit-field starts on a byte, as the kernel's own BTF check demands:
 * libbpf 1.1 (Debian 12) checks neither when it parses, and its size and
 * alignment walks then read through a missing type (a file given as
 * $PLUMB_BTF may be anything). 0: sound; else the first bad type. */
static uint32_t btf_malformed(const struct btf *btf)
{
	uint32_t cnt = btf__type_cnt(btf);

	for (uint32_t id = 1; id < cnt; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		bool ok = true;
		switch (btf_kind(t)) {
		case BTF_KIND_PTR: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE:
		case BTF_KIND_CONST: case BTF_KIND_RESTRICT: case BTF_KIND_TYPE_TAG:
		case BTF_KIND_FUNC: case BTF_KIND_VAR: case BTF_KIND_DECL_TAG:
			ok = t->type < cnt;
			break;
		case BTF_KIND_ARRAY:
			ok = btf_array(t)->type < cnt && btf_array(t)->index_type < cnt;
			break;
		case BTF_KIND_STRUCT: case BTF_KIND_UNION:
			for (uint32_t i = 0; i < btf_vlen(t); i++)
				ok = ok && btf_members(t)[i].type < cnt &&
				     (btf_member_bitfield_size(t, i) ||
				      btf_member_bit_offset(t, i) % 8 == 0);
			break;
		case BTF_KIND_FUNC_PROTO:
			ok = t->type < cnt;
			for (uint32_t i = 0; i < btf_vlen(t); i++)
				ok = ok && btf_params(t)[i].type < cnt;
			break;
		case BTF_KIND_DATASEC:
			for (uint32_t i = 0; i < btf_vlen(t); i++)
				ok = ok && btf_var_secinfos(t)[i].type < cnt;
			break;
		default:
			break;
		}
		if (!ok)
			return id;
	}
	return 0;
}

/* $PLUMB_BTF (bpftrace's $BPFTRACE_BTF) names another file to read (a
 * kernel built without BTF has its types in a file made by pahole; tests
 * use it to see plumb without BTF). */
static bool btf_load(void)
{
	static char why[300];
	const char *path = getenv("PLUMB_BTF");

	if (!path)
		path = getenv("BPFTRACE_BTF");

	if (kb.tried)
		return kb.btf != NULL;
	kb.tried = true;
	/* libbpf would print its own complaint; ours says what it means */
	libbpf_print_fn_t old = libbpf_set_print(NULL);
	kb.btf = path && *path ? btf__parse(path, NULL) : btf__load_vmlinux_btf();
	int err = errno;
	libbpf_set_print(old);
	uint32_t bad = kb.btf ? btf_malformed(kb.btf) : 0;
	if (bad) {
		if (!path || !*path)
			path = "/sys/kernel/btf/vmlinux";
		snprintf(why, sizeof(why), "cannot read BTF from %s: type %u is malformed",
			 path, bad);
		btf__free(kb.btf);
		kb.btf = NULL;
		kb.why = why;
		return false;
	}
	if (!kb.btf) {
		if (!path || !*path)
			path = "/sys/kernel/btf/vmlinux";
		if (err == ENOENT)
			snprintf(why, sizeof(why), "no BTF at %s (a kernel built with "
				 "CONFIG_DEBUG_INFO_BTF has it)", path);
		else {
			char msg[128];
			libbpf_strerror(err, msg, sizeof(msg));
			snprintf(why, sizeof(why), "cannot read BTF from %s: %s", path, msg);
		}
		kb.why = why;
		return false;
	}
	return true;
}

/* const, volatile, restrict and type tags are not types of their own. */
static uint32_t skip_mods(uint32_t id)
{
	for (int i = 0; id && i < 32; i++) {
		const struct btf_type *t = btf__type_by_id(kb.btf, id);
		if (!t || !btf_is_mod(t))
			break;
		id = t->type;
	}
	return id;
}

static const char *btf_name(const struct btf_type *t)
{
	const char *n = btf__name_by_offset(kb.btf, t->name_off);
	return n && *n ? n : NULL;
}

/* A member's or enumerator's name; "" when its offset is past the
 * strings (libbpf then has none to give). */
static const char *btf_str(uint32_t off)
{
	const char *n = btf__name_by_offset(kb.btf, off);
	return n ? n : "";
}

static enum ctype_kind shell_kind(const struct btf_type *t)
{
	switch (btf_kind(t)) {
	case BTF_KIND_INT: return CT_INT;
	case BTF_KIND_FLOAT: return CT_FLOAT;
	case BTF_KIND_PTR: return CT_PTR;
	case BTF_KIND_ARRAY: return CT_ARRAY;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_FWD: return CT_RECORD;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64: return CT_ENUM;
	case BTF_KIND_TYPEDEF: return CT_TYPEDEF;
	case BTF_KIND_FUNC_PROTO:
	case BTF_KIND_FUNC: return CT_FUNC;
	default: return CT_VOID;
	}
}

/* A type's alignment, each id's once (btf__align_of in libbpf 1.1 walks
 * members again for every use, and has no end on a struct that holds
 * itself). A cycle closes on 1. */
static unsigned int align_of(uint32_t id)
{
	const struct btf_type *t = btf__type_by_id(kb.btf, id);
	unsigned int a = 1;

	if (!id || !t)
		return 1;
	if (kb.aligns[id])
		return kb.aligns[id];
	kb.aligns[id] = 1;	/* while in progress */
	switch (btf_kind(t)) {
	case BTF_KIND_INT: case BTF_KIND_ENUM: case BTF_KIND_ENUM64: case BTF_KIND_FLOAT:
		a = t->size >= 8 ? 8 : t->size >= 4 ? 4 : t->size >= 2 ? 2 : 1;
		break;
	case BTF_KIND_PTR:
		a = 8;
		break;
	case BTF_KIND_ARRAY:
		a = align_of(btf_array(t)->type);
		break;
	case BTF_KIND_STRUCT: case BTF_KIND_UNION:
		for (uint32_t i = 0; i < btf_vlen(t); i++) {
			unsigned int m = align_of(btf_members(t)[i].type);
			if (btf_member_bit_offset(t, i) % (8 * m)) {
				a = 1;	/* packed */
				break;
			}
			a = m > a ? m : a;
		}
		break;
	case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE: case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT: case BTF_KIND_TYPE_TAG:
		a = align_of(t->type);
		break;
	default:
		break;
	}
	kb.aligns[id] = (unsigned char)a;
	return a;
}

/* The ctype of a BTF id (NULL: void), made now as a shell when new. */
static const struct ctype *shell(uint32_t id)
{
	const struct btf_type *t;
	struct ctype *c;

	id = skip_mods(id);
	if (!id || !(t = btf__type_by_id(kb.btf, id)))
		return NULL;
	if (kb.memo[id])
		return kb.memo[id];
	c = ctype_new(kb.tt, shell_kind(t));
	kb.memo[id] = c;
	if (btf_name(t))
		c->name = xstrdup(btf_name(t));
	long long size = btf__resolve_size(kb.btf, id);
	unsigned int align = align_of(id);
	c->size = size > 0 ? (uint64_t)size : 0;
	c->align = align;
	c->tag = btf_kind(t) == BTF_KIND_UNION ? TAG_UNION : TAG_STRUCT;
	c->incomplete = btf_kind(t) == BTF_KIND_FWD;
	if (btf_kind(t) == BTF_KIND_FWD && btf_kflag(t))
		c->tag = TAG_UNION;
	vec_push(&kb.todo, id);
	return c;
}

static void fill_int(struct ctype *c, const struct btf_type *t)
{
	uint8_t enc = btf_int_encoding(t);

	c->sign = enc & BTF_INT_SIGNED;
	c->chr = (enc & BTF_INT_CHAR) || (c->size == 1 && c->name && strstr(c->name, "char"));
}

/* A bit-field's offset is kept from the start of the aligned unit of its
 * type's size that holds it, as for declared structs. */
static void fill_record(struct ctype *c, const struct btf_type *t)
{
	const struct btf_member *m = btf_members(t);

	for (uint32_t i = 0; i < btf_vlen(t); i++) {
		const struct ctype *mt = shell(m[i].type);
		uint64_t bo = btf_member_bit_offset(t, i);
		uint32_t bits = btf_member_bitfield_size(t, i);
		const char *name = btf_str(m[i].name_off);
		uint64_t at = bo / 8;

		if (bits && mt && mt->size) {
			uint64_t unit = mt->size;
			at = bo / 8 / unit * unit;
			if ((bo + bits + 7) / 8 > at + unit)	/* packed: not in one unit */
				at = bo / 8;
		}
		ctype_add_member(c, name, mt, at, (unsigned)(bo - at * 8), bits);
	}
}

static void fill_enum(struct ctype *c, const struct btf_type *t)
{
	uint32_t n = btf_vlen(t);

	c->sign = btf_kflag(t);
	c->enums = xcalloc(n ? n : 1, sizeof(*c->enums));
	for (uint32_t i = 0; i < n; i++) {
		uint32_t name_off;
		int64_t v;
		if (btf_is_enum64(t)) {
			const struct btf_enum64 *e = btf_enum64(t) + i;
			name_off = *(const uint32_t *)e;
			v = (int64_t)btf_enum64_value(e);
		} else {
			name_off = btf_enum(t)[i].name_off;
			v = c->sign ? (int64_t)btf_enum(t)[i].val : (int64_t)(uint32_t)btf_enum(t)[i].val;
		}
		c->enums[c->nenums].name = xstrdup(btf_str(name_off));
		c->enums[c->nenums++].value = v;
	}
}

static void fill(uint32_t id)
{
	const struct btf_type *t = btf__type_by_id(kb.btf, id);
	struct ctype *c = kb.memo[id];

	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		fill_int(c, t);
		break;
	case BTF_KIND_PTR:
	case BTF_KIND_TYPEDEF:
		c->target = shell(t->type);
		break;
	case BTF_KIND_ARRAY:
		c->target = shell(btf_array(t)->type);
		c->count = btf_array(t)->nelems;
		break;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		fill_record(c, t);
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		fill_enum(c, t);
		break;
	default:
		break;
	}
}

static void start_table(struct type_table *tt)
{
	if (kb.tt == tt)
		return;
	free(kb.memo);
	free(kb.aligns);
	kb.memo = xcalloc(btf__type_cnt(kb.btf), sizeof(*kb.memo));
	kb.aligns = xcalloc(btf__type_cnt(kb.btf), 1);
	kb.tt = tt;
}

static int32_t find_named(const char *name)
{
	static const struct { const char *word; int kind; } tags[] = {
		{ "struct ", BTF_KIND_STRUCT }, { "union ", BTF_KIND_UNION },
		{ "enum ", BTF_KIND_ENUM },
	};

	for (size_t i = 0; i < ARRAY_SIZE(tags); i++) {
		size_t l = strlen(tags[i].word);
		if (strncmp(name, tags[i].word, l))
			continue;
		int32_t id = btf__find_by_name_kind(kb.btf, name + l, tags[i].kind);
		if (id < 0 && tags[i].kind == BTF_KIND_ENUM)
			id = btf__find_by_name_kind(kb.btf, name + l, BTF_KIND_ENUM64);
		return id;
	}
	int32_t id = btf__find_by_name_kind(kb.btf, name, BTF_KIND_TYPEDEF);
	if (id < 0)
		id = btf__find_by_name_kind(kb.btf, name, BTF_KIND_STRUCT);
	if (id < 0)
		id = btf__find_by_name_kind(kb.btf, name, BTF_KIND_UNION);
	if (id < 0)
		id = btf__find_by_name_kind(kb.btf, name, BTF_KIND_INT);
	return id;
}

const struct ctype *btf_kernel_type(struct type_table *tt, const char *name, const char **why)
{
	const struct ctype *c;
	int32_t id;

	if (!btf_load()) {
		*why = kb.why;
		return NULL;
	}
	id = find_named(name);
	if (id <= 0) {
		*why = "the kernel's BTF has no such type";
		return NULL;
	}
	start_table(tt);
	c = shell((uint32_t)id);
	while (kb.todo.n)
		fill(kb.todo.v[--kb.todo.n]);
	return c;
}

/* "struct mm_struct *", "const struct iovec *": "struct mm_struct". */
static bool struct_pointee(const char *type, char *name, size_t len)
{
	const char *p = type, *star;
	size_t n;

	while (!strncmp(p, "const ", 6) || !strncmp(p, "volatile ", 9))
		p += *p == 'c' ? 6 : 9;
	if (strncmp(p, "struct ", 7) && strncmp(p, "union ", 6))
		return false;
	star = strchr(p, '*');
	if (!star || strchr(star + 1, '*'))
		return false;
	for (const char *q = star + 1; *q; q++)
		if (*q != ' ')
			return false;
	n = (size_t)(star - p);
	while (n && p[n - 1] == ' ')
		n--;
	if (n >= len)
		return false;
	memcpy(name, p, n);
	name[n] = '\0';
	return true;
}

bool btf_kernel_pointer(struct type_table *tt, const char *ctype, bool kernel, struct type *out)
{
	char name[128];
	const char *why;
	const struct ctype *ct;

	if (!struct_pointee(ctype, name, sizeof(name)))
		return false;
	ct = btf_kernel_type(tt, name, &why);
	if (!ct)
		return false;
	*out = type_ptr_to(ct);
	out->kernel = kernel;
	return true;
}

bool btf_kernel_owns(const struct type_table *tt, const struct ctype *ct)
{
	if (!kb.btf || kb.tt != tt || !kb.memo)
		return false;
	for (uint32_t id = 1; id < btf__type_cnt(kb.btf); id++)
		if (kb.memo[id] == ct)
			return true;
	return false;
}

void btf_kernel_done(void)
{
	btf__free(kb.btf);
	free(kb.memo);
	free(kb.aligns);
	vec_free(&kb.todo);
	memset(&kb, 0, sizeof(kb));
}
