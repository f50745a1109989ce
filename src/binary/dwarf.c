// SPDX-License-Identifier: GPL-2.0-only
/* Function signatures and types from DWARF, read with elfutils' libdw
 * from the binary or its separate debug file. Only what a probe needs is
 * read: the compile unit holding the function's address, found through
 * .debug_aranges (dwarf_addrdie), and the types its parameters reach.
 * A big program's debug file (PostgreSQL's is 30 MB) is never walked
 * whole for a signature. */
#include "binary/binary.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"

/* The DWARF of the last binary asked about: probes on one binary share
 * it (and its converted types, through the memo). */
static struct {
	char *path;		/* the binary */
	Dwarf *dw;
	int fd;			/* of the debug file, or -1 */
	struct bin *bin;	/* opened here (bin_dwarf_type_path), or NULL */
	struct type_table *tt;
	VEC(struct memo { Dwarf_Off off; const struct ctype *t; }) memo;
	/* names looked up, found or not: sema asks twice (its two walks) */
	VEC(struct named { char *name; const struct ctype *t; }) named;
} cur = { .fd = -1 };

void bin_dwarf_done(void)
{
	if (cur.dw)
		dwarf_end(cur.dw);
	if (cur.fd >= 0)
		close(cur.fd);
	free(cur.path);
	bin_close(cur.bin);
	vec_free(&cur.memo);
	for (size_t i = 0; i < cur.named.n; i++)
		free(cur.named.v[i].name);
	vec_free(&cur.named);
	memset(&cur, 0, sizeof(cur));
	cur.fd = -1;
}

static Dwarf *open_dwarf(const struct bin *b, struct type_table *tt)
{
	char path[PATH_MAX];

	if (!b || (cur.path && !strcmp(cur.path, b->path) && cur.tt == tt))
		return cur.dw;
	bin_dwarf_done();
	cur.path = xstrdup(b->path);
	cur.tt = tt;
	/* its own file descriptor: the Dwarf outlives the probe's struct bin */
	for (int i = 0; i < 2 && !cur.dw; i++) {
		int fd = i == 0 ? (b->fd >= 0 ? open(b->path, O_RDONLY | O_CLOEXEC) : -1)
		       : b->debug_path ? open(b->debug_path, O_RDONLY | O_CLOEXEC)
				       : bin_debug_file(b, path, sizeof(path));
		if (fd < 0)
			continue;
		cur.dw = dwarf_begin(fd, DWARF_C_READ);
		if (cur.dw)
			cur.fd = fd;
		else
			close(fd);
	}
	return cur.dw;
}

static const struct ctype *memo_get(Dwarf_Off off)
{
	for (size_t i = cur.memo.n; i-- > 0;)
		if (cur.memo.v[i].off == off)
			return cur.memo.v[i].t;
	return NULL;
}

static void memo_put(Dwarf_Off off, const struct ctype *t)
{
	vec_push(&cur.memo, ((struct memo){ off, t }));
}

/* "ns::Outer::Name" from the DIE's enclosing namespaces and classes. */
static char *qualified_name(Dwarf_Die *die)
{
	Dwarf_Die *scopes = NULL;
	struct strbuf sb = {0};
	const char *name = dwarf_diename(die);
	int n;

	if (!name)
		return NULL;
	n = dwarf_getscopes_die(die, &scopes);
	for (int i = n - 1; i > 0; i--) {
		int tag = dwarf_tag(&scopes[i]);
		const char *s = dwarf_diename(&scopes[i]);
		if (s && (tag == DW_TAG_namespace || tag == DW_TAG_structure_type ||
			  tag == DW_TAG_class_type || tag == DW_TAG_union_type))
			sb_printf(&sb, "%s::", s);
	}
	free(scopes);
	sb_puts(&sb, name);
	return sb.s;
}

static const struct ctype *die_type(Dwarf_Die *die, int depth);

static const struct ctype *type_attr(Dwarf_Die *die, int depth)
{
	Dwarf_Attribute a;
	Dwarf_Die t;

	if (!dwarf_attr_integrate(die, DW_AT_type, &a) || !dwarf_formref_die(&a, &t))
		return NULL;	/* void */
	return die_type(&t, depth + 1);
}

static uint64_t die_size(Dwarf_Die *die)
{
	Dwarf_Word w;

	return dwarf_aggregate_size(die, &w) == 0 ? w : 0;
}

static void base_type(struct ctype *t, Dwarf_Die *die)
{
	Dwarf_Attribute a;
	Dwarf_Word enc = 0;

	if (dwarf_attr(die, DW_AT_encoding, &a))
		dwarf_formudata(&a, &enc);
	t->kind = enc == DW_ATE_float ? CT_FLOAT : CT_INT;
	t->sign = enc == DW_ATE_signed || enc == DW_ATE_signed_char;
	t->chr = enc == DW_ATE_signed_char || enc == DW_ATE_unsigned_char;
	t->name = xstrdup(dwarf_diename(die) ? dwarf_diename(die) : "?");
	t->size = die_size(die);
	t->align = t->size ? (unsigned int)t->size : 1;
}

static uint64_t member_off(Dwarf_Die *m)
{
	Dwarf_Attribute a;
	Dwarf_Word w = 0;

	if (dwarf_attr(m, DW_AT_data_member_location, &a))
		dwarf_formudata(&a, &w);
	return w;
}

/* A bit-field's place as DWARF 4+ says it (DW_AT_data_bit_offset: bits
 * from the record's start), or DWARF 2's big-endian-numbered
 * DW_AT_bit_offset within a storage unit of DW_AT_byte_size. */
static void add_member(struct ctype *rec, Dwarf_Die *m, int depth)
{
	Dwarf_Attribute a;
	Dwarf_Word bits = 0, dbo, bo, bsz;
	const struct ctype *mt = type_attr(m, depth);
	uint64_t off = member_off(m);
	unsigned int boff = 0;
	const char *name = dwarf_diename(m);

	if (dwarf_tag(m) == DW_TAG_inheritance)
		name = "";
	if (dwarf_attr(m, DW_AT_bit_size, &a) && dwarf_formudata(&a, &bits) == 0 && bits) {
		if (dwarf_attr(m, DW_AT_data_bit_offset, &a) && dwarf_formudata(&a, &dbo) == 0) {
			off = dbo / 8;
			boff = (unsigned int)(dbo % 8);
		} else if (dwarf_attr(m, DW_AT_bit_offset, &a) && dwarf_formudata(&a, &bo) == 0) {
			bsz = dwarf_attr(m, DW_AT_byte_size, &a) && dwarf_formudata(&a, &bsz) == 0
				      ? bsz : (mt ? mt->size : 4);
			dbo = off * 8 + bsz * 8 - bo - bits;
			off = dbo / 8;
			boff = (unsigned int)(dbo % 8);
		}
	}
	ctype_add_member(rec, name ? name : "", mt, off, boff, (unsigned int)bits);
}

static void record_type(struct ctype *t, Dwarf_Die *die, int depth)
{
	Dwarf_Die kid;
	int tag = dwarf_tag(die);

	t->kind = CT_RECORD;
	t->tag = tag == DW_TAG_union_type ? TAG_UNION
		 : tag == DW_TAG_class_type ? TAG_CLASS : TAG_STRUCT;
	t->name = qualified_name(die);
	t->incomplete = dwarf_hasattr(die, DW_AT_declaration);
	t->size = die_size(die);
	t->align = 8;
	if (dwarf_child(die, &kid) != 0)
		return;
	do {
		int kt = dwarf_tag(&kid);
		if ((kt == DW_TAG_member && !dwarf_hasattr(&kid, DW_AT_external)) ||
		    kt == DW_TAG_inheritance)
			add_member(t, &kid, depth);
	} while (dwarf_siblingof(&kid, &kid) == 0);
}

static void enum_type(struct ctype *t, Dwarf_Die *die)
{
	Dwarf_Die kid;
	Dwarf_Attribute a;

	t->kind = CT_ENUM;
	t->name = qualified_name(die);
	t->size = die_size(die);
	if (!t->size)
		t->size = 4;
	if (dwarf_child(die, &kid) != 0)
		return;
	do {
		Dwarf_Sword v = 0;
		if (dwarf_tag(&kid) != DW_TAG_enumerator || !dwarf_attr(&kid, DW_AT_const_value, &a))
			continue;
		dwarf_formsdata(&a, &v);
		if (v < 0)
			t->sign = true;
		t->enums = xrealloc(t->enums, (t->nenums + 1) * sizeof(*t->enums));
		t->enums[t->nenums].name = xstrdup(dwarf_diename(&kid) ? dwarf_diename(&kid) : "");
		t->enums[t->nenums++].value = (int64_t)v;
	} while (dwarf_siblingof(&kid, &kid) == 0);
}

static void array_type(struct ctype *t, Dwarf_Die *die, int depth)
{
	Dwarf_Die kid;
	Dwarf_Attribute a;
	Dwarf_Word n = 0;

	t->kind = CT_ARRAY;
	t->target = type_attr(die, depth);
	if (dwarf_child(die, &kid) == 0 && dwarf_tag(&kid) == DW_TAG_subrange_type) {
		if (dwarf_attr(&kid, DW_AT_count, &a))
			dwarf_formudata(&a, &n);
		else if (dwarf_attr(&kid, DW_AT_upper_bound, &a) && dwarf_formudata(&a, &n) == 0)
			n++;
	}
	t->count = n;
	t->size = t->target ? n * t->target->size : n;
}

/* A type DIE into a ctype, each DIE once. const, volatile and the like
 * are looked through: a probe only reads. */
static const struct ctype *die_type(Dwarf_Die *die, int depth)
{
	Dwarf_Off off = dwarf_dieoffset(die);
	const struct ctype *seen = memo_get(off);
	struct ctype *t;
	int tag = dwarf_tag(die);

	if (seen || depth > 200)
		return seen;
	switch (tag) {
	case DW_TAG_const_type: case DW_TAG_volatile_type: case DW_TAG_restrict_type:
	case DW_TAG_atomic_type: case DW_TAG_immutable_type:
		return type_attr(die, depth);
	}
	t = ctype_new(cur.tt, CT_VOID);
	memo_put(off, t);	/* before the members: records may point to themselves */
	switch (tag) {
	case DW_TAG_base_type:
		base_type(t, die);
		break;
	case DW_TAG_pointer_type: case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type: case DW_TAG_ptr_to_member_type:
		t->kind = CT_PTR;
		t->ref = tag != DW_TAG_pointer_type && tag != DW_TAG_ptr_to_member_type;
		t->size = t->align = 8;
		t->target = type_attr(die, depth);
		break;
	case DW_TAG_structure_type: case DW_TAG_class_type: case DW_TAG_union_type:
		record_type(t, die, depth);
		break;
	case DW_TAG_enumeration_type:
		enum_type(t, die);
		break;
	case DW_TAG_array_type:
		array_type(t, die, depth);
		break;
	case DW_TAG_typedef:
		t->kind = CT_TYPEDEF;
		t->name = qualified_name(die);
		t->target = type_attr(die, depth);
		t->size = t->target ? t->target->size : 0;
		break;
	case DW_TAG_subroutine_type:
		t->kind = CT_FUNC;
		break;
	default:
		t->kind = CT_VOID;
	}
	return t;
}

/* The outermost function scope holding pc in its CU. */
static bool function_die(Dwarf *dw, uint64_t pc, Dwarf_Die *out)
{
	Dwarf_Die cu, *scopes = NULL;
	int n;
	bool found = false;

	if (!dwarf_addrdie(dw, pc, &cu))
		return false;
	n = dwarf_getscopes(&cu, pc, &scopes);
	for (int i = n - 1; i >= 0 && !found; i--) {
		if (dwarf_tag(&scopes[i]) == DW_TAG_subprogram) {
			*out = scopes[i];
			found = true;
		}
	}
	free(scopes);
	return found;
}

static void add_param(struct bin_sig *s, Dwarf_Die *p)
{
	Dwarf_Attribute a;
	bool flag = false;
	struct bin_param *bp;

	s->params = xrealloc(s->params, (s->nparams + 1) * sizeof(*s->params));
	bp = &s->params[s->nparams++];
	bp->type = type_attr(p, 0);
	if (dwarf_attr_integrate(p, DW_AT_artificial, &a))
		dwarf_formflag(&a, &flag);
	bp->name = xstrdup(dwarf_diename(p) ? dwarf_diename(p) : "");
	if (flag && s->nparams == 1) {
		s->has_this = true;
		free(bp->name);
		bp->name = xstrdup("this");
	}
}

bool bin_dwarf_sig(const struct bin *b, uint64_t vaddr, struct type_table *tt,
		   struct bin_sig *s)
{
	Dwarf *dw = open_dwarf(b, tt);
	Dwarf_Die fn, kid;

	memset(s, 0, sizeof(*s));
	if (!dw)
		return false;
	if (!function_die(dw, vaddr, &fn))
		return false;
	s->ret = type_attr(&fn, 0);
	if (dwarf_child(&fn, &kid) == 0) {
		do {
			if (dwarf_tag(&kid) == DW_TAG_formal_parameter)
				add_param(s, &kid);
			else if (dwarf_tag(&kid) == DW_TAG_unspecified_parameters)
				s->varargs = true;
		} while (dwarf_siblingof(&kid, &kid) == 0);
	}
	return true;
}

void bin_sig_free(struct bin_sig *s)
{
	for (size_t i = 0; i < s->nparams; i++)
		free(s->params[i].name);
	free(s->params);
	memset(s, 0, sizeof(*s));
}

/* A named type in one unit: its top level, namespaces and classes. */
/* "shop::Snapshot" ends in the component "Snapshot" */
static bool is_suffix(const char *full, const char *name)
{
	size_t fl = strlen(full), nl = strlen(name);

	return fl > nl + 2 && !strcmp(full + fl - nl, name) && full[fl - nl - 1] == ':';
}

static bool suffix;	/* find_in: an unqualified name matches in a namespace */

static const struct ctype *find_in(Dwarf_Die *scope, const char *name, const char *prefix, int depth)
{
	Dwarf_Die kid;

	if (depth > 8 || dwarf_child(scope, &kid) != 0)
		return NULL;
	do {
		int tag = dwarf_tag(&kid);
		const char *n = dwarf_diename(&kid);
		char full[512];
		if (!n)
			continue;
		snprintf(full, sizeof(full), "%s%s", prefix, n);
		bool typeish = tag == DW_TAG_structure_type || tag == DW_TAG_class_type ||
			       tag == DW_TAG_union_type || tag == DW_TAG_enumeration_type ||
			       tag == DW_TAG_typedef || tag == DW_TAG_base_type;
		if (typeish && !dwarf_hasattr(&kid, DW_AT_declaration) &&
		    (!strcmp(full, name) || (suffix && is_suffix(full, name))))
			return die_type(&kid, 0);
		size_t fl = strlen(full);
		if ((tag == DW_TAG_namespace || tag == DW_TAG_structure_type ||
		     tag == DW_TAG_class_type) &&
		    (suffix || (!strncmp(name, full, fl) && !strncmp(name + fl, "::", 2)))) {
			char pre[520];
			snprintf(pre, sizeof(pre), "%s::", full);
			const struct ctype *t = find_in(&kid, name, pre, depth + 1);
			if (t)
				return t;
		}
	} while (dwarf_siblingof(&kid, &kid) == 0);
	return NULL;
}

static const struct ctype *find_named(Dwarf *dw, const char *name);

const struct ctype *bin_dwarf_type(const struct bin *b, const char *name, struct type_table *tt)
{
	Dwarf *dw = open_dwarf(b, tt);
	const struct ctype *t;

	if (!dw)
		return NULL;
	for (size_t i = 0; i < cur.named.n; i++)
		if (!strcmp(cur.named.v[i].name, name))
			return cur.named.v[i].t;
	t = find_named(dw, name);
	vec_push(&cur.named, ((struct named){ xstrdup(name), t }));
	return t;
}

/* Every unit in turn, till one has it. */
static const struct ctype *find_named(Dwarf *dw, const char *name)
{
	Dwarf_Off off = 0, next;
	size_t hsize;

	/* the name as written first; then, for "Snapshot", "ns::Snapshot" */
	for (int pass = 0; pass < 2; pass++) {
		suffix = pass == 1 && !strstr(name, "::");
		if (pass == 1 && !suffix)
			break;
		for (off = 0; dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0;
		     off = next) {
			Dwarf_Die cu;
			const struct ctype *t;
			if (dwarf_offdie(dw, off + hsize, &cu) && (t = find_in(&cu, name, "", 0))) {
				suffix = false;
				return t;
			}
		}
	}
	suffix = false;
	return NULL;
}

/* The same by the binary's path, the one a probe resolved: the DWARF
 * already open when it is that binary's. name NULL: whether there is
 * debug info at all. */
const struct ctype *bin_dwarf_type_path(const char *path, const char *name,
					struct type_table *tt)
{
	char err[256];
	struct bin *b;
	const struct ctype *t;

	if (cur.path && !strcmp(cur.path, path) && cur.tt == tt) {
		if (!cur.dw)
			return NULL;
		return name ? bin_dwarf_type(NULL, name, tt) : (const struct ctype *)1;
	}
	b = bin_open(path, err, sizeof(err));
	if (!b)
		return NULL;
	if (!open_dwarf(b, tt)) {
		bin_close(b);
		return NULL;
	}
	cur.bin = b;
	t = name ? bin_dwarf_type(NULL, name, tt) : (const struct ctype *)1;
	return t;
}
