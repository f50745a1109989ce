// SPDX-License-Identifier: GPL-2.0-only
/* The program's types in expressions: members (. and ->), indexing,
 * unary * through typed pointers, casts to the program's types, and C's
 * scaled pointer arithmetic. Types come from the debug info of the
 * clause's binary (binary/dwarf.c) or the program's own declarations,
 * through the compile's type table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binary/binary.h"
#include "binary/btf.h"
#include "func/func.h"
#include "sema/scope.h"

static const char *tname(struct type t, char *buf, size_t len)
{
	return type_name(t, buf, len);
}

/* The record a member access reads from, or NULL after saying why. */
static const struct ctype *member_base(struct scope *sc, struct node *n)
{
	struct type t = n->a->type;
	const struct ctype *rec;
	char buf[200];

	if (n->op == OP_ARROW || (t.kind == T_PTR && t.ref)) {
		if (t.kind == T_RECORD && n->op == OP_ARROW) {
			sc_error(sc, n->loc, "'->' on %s, which is not a pointer; use '.'",
				 tname(t, buf, sizeof(buf)));
			return NULL;
		}
		rec = t.kind == T_PTR ? ctype_strip(t.ct) : NULL;
		if (!rec || rec->kind != CT_RECORD) {
			sc_error(sc, n->loc, "'->' needs a pointer to a struct, not %s%s",
				 tname(t, buf, sizeof(buf)),
				 t.kind == T_PTR || t.kind == T_INT ? "; cast it first: (struct NAME *)" : "");
			return NULL;
		}
		return rec;
	}
	/* s.x on a pointer reads through it, as bpftrace has it ($ptr.a) */
	if (t.kind == T_PTR && (rec = ctype_strip(t.ct)) && rec->kind == CT_RECORD) {
		n->op = OP_ARROW;
		return rec;
	}
	if (t.kind != T_RECORD) {
		sc_error(sc, n->loc, "'.' needs a tuple or a record, not %s",
			 tname(t, buf, sizeof(buf)));
		return NULL;
	}
	return ctype_strip(t.ct);
}

/* A struct or array a map holds is a copy in the map, not memory a
 * member or element is read from: it is taken through a variable. */
static bool in_map(struct scope *sc, const struct node *n)
{
	const struct node *b = n->a;
	char buf[200];

	if ((b->kind != AST_MAP && b->kind != AST_SELF && b->kind != AST_CALL) ||
	    (b->type.kind != T_RECORD && b->type.kind != T_ARRAY))
		return false;
	if (b->kind == AST_CALL) {
		sc_error(sc, n->loc, "%s() gives a whole %s, not memory to read it from: copy it "
			 "into a variable first ($v = %s(...))", b->name,
			 tname(b->type, buf, sizeof(buf)), b->name);
		return true;
	}
	const char *self = b->kind == AST_SELF ? "self->" : "";
	sc_error(sc, n->loc, "%s%s holds a whole %s, not memory to read it from: copy it "
		 "into a variable first ($v = %s%s...)", self, b->name,
		 tname(b->type, buf, sizeof(buf)), self, b->name);
	return true;
}

/* An array in an expression is the address of its first element, as in
 * C: tag[1] indexes it, and a char array is a string. */
static void decay(struct node *n)
{
	if (n->type.kind != T_ARRAY)
		return;
	n->array = n->type.ct;
	n->type = type_ptr_to(ctype_strip(n->type.ct)->target);
	n->decay = true;
}

/* Where a whole value is wanted (a map key or value), an array of
 * integers is its elements, not its address: undo the decay. A char
 * array stays a string. */
void sema_array_whole(struct node *n)
{
	const struct ctype *e;

	if (!n->decay || !n->array)
		return;
	e = ctype_strip(ctype_strip(n->array)->target);
	if (!e || (e->kind == CT_INT && e->chr))
		return;
	bool kernel = n->type.kernel;
	n->type = type_from_ctype(n->array);
	n->type.kernel = kernel;
	n->decay = false;
}

/* A struct or array held whole by a variable, or one inside it. */
static bool on_stack(const struct node *n)
{
	bool whole = n->type.kind == T_RECORD || n->type.kind == T_ARRAY || n->decay;

	if (n->kind == AST_LOCAL)
		return n->type.kind == T_RECORD || n->type.kind == T_ARRAY;
	if (!whole || (n->kind != AST_MEMBER && n->kind != AST_INDEX) ||
	    (n->kind == AST_MEMBER && n->op != '.'))
		return false;
	return on_stack(n->a);
}

/* What a kernel pointer leads to is kernel memory too: curtask->mm is a
 * kernel pointer, curtask->comm a kernel array. */
static void in_kernel(struct node *n)
{
	if (n->a->type.kernel && (n->type.kind == T_PTR || n->type.kind == T_RECORD ||
				  n->type.kind == T_ARRAY))
		n->type.kernel = true;
	/* in a variable's copy of a struct, a char array's address (and a
	 * nested struct's) is on the BPF stack, kernel memory to str() */
	if (on_stack(n->a) && (n->decay || n->type.kind == T_RECORD || n->type.kind == T_ARRAY))
		n->type.kernel = true;
}

void sema_member(struct scope *sc, struct node *n)
{
	const struct ctype *rec;
	const struct cmember *m;
	uint64_t off = 0;
	char buf[200];

	sema_expr(sc, n->a);
	if (n->a->type.kind == T_TUPLE) {
		sema_tuple_member(sc, n);
		return;
	}
	if (type_bad(n->a->type) || in_map(sc, n) || !(rec = member_base(sc, n)))
		return;
	m = ctype_member(rec, n->name, &off);
	if (!m) {
		const char *best = ctype_member_closest(rec, n->name);
		ctype_name(rec, buf, sizeof(buf));
		if (best)
			sc_error(sc, n->loc, "%s has no member '%s'; did you mean '%s'?", buf, n->name,
				 best);
		else
			sc_error(sc, n->loc, "%s has no member '%s'", buf, n->name);
		return;
	}
	n->num = off;
	n->len = m->bit_size;
	n->id = (int)m->bit_off;
	n->type = type_from_ctype(m->type);
	if (m->bit_size && n->type.kind == T_INT)
		n->type = type_int(8, n->type.sign);
	if (type_bad(n->type))
		sc_error(sc, n->loc, "member '%s' has a type plumb cannot read", n->name);
	decay(n);
	in_kernel(n);
}

/* A constant index past the end of an array of known length is a
 * mistake found before running, as a C compiler warns of it. */
static bool index_in_range(struct scope *sc, struct node *n)
{
	const struct ctype *a = n->a->decay ? n->a->array :
				n->a->type.kind == T_ARRAY ? n->a->type.ct : NULL;
	char buf[200];

	a = ctype_strip(a);
	if (!a || !a->count || !n->b->folded ||
	    ((int64_t)n->b->num >= 0 && n->b->num < a->count))
		return true;
	sc_error(sc, n->b->loc, "index %lld is out of range for %s (0 to %llu)",
		 (long long)n->b->num, ctype_name(a, buf, sizeof(buf)),
		 (unsigned long long)a->count - 1);
	return false;
}

/* An index known only at run time is checked against the array's
 * length when the probe fires: one outside reads nothing, the element
 * reads as 0, and the place is counted (len: the site + 1). */
static void index_site(struct scope *sc, struct node *n)
{
	const struct ctype *a = n->a->decay ? n->a->array :
				n->a->type.kind == T_ARRAY ? n->a->type.ct : NULL;
	struct index_site site;

	a = ctype_strip(a);
	if (!a || !a->count || n->b->folded || !sc->report)
		return;
	site.loc = n->loc;
	site.count = a->count;
	n->len = sc->s->indexes.n + 1;
	vec_push(&sc->s->indexes, site);
}

void sema_index(struct scope *sc, struct node *n)
{
	struct type t;
	const struct ctype *elem = NULL;
	char buf[200];

	sema_expr(sc, n->a);
	sema_expr(sc, n->b);
	t = n->a->type;
	if (type_bad(t) || type_bad(n->b->type))
		return;
	if (t.kind == T_TUPLE) {
		sema_tuple_index(sc, n);
		return;
	}
	if (in_map(sc, n))
		return;
	if (!type_is_int(n->b->type)) {
		sc_error(sc, n->b->loc, "an index must be an integer, not %s",
			 tname(n->b->type, buf, sizeof(buf)));
		return;
	}
	if (!index_in_range(sc, n))
		return;
	index_site(sc, n);
	if (t.kind == T_ARRAY) {
		elem = ctype_strip(t.ct)->target;
	} else if (t.kind == T_PTR && t.ct) {
		elem = t.ct;
	} else if (t.kind == T_PTR) {
		n->type = type_int(t.size, t.sign);
		n->num = t.size;
		return;
	} else {
		sc_error(sc, n->loc, "[] needs a tuple, a pointer or an array, not %s",
			 tname(t, buf, sizeof(buf)));
		return;
	}
	const struct ctype *s = ctype_strip(elem);
	if (!s || s->kind == CT_VOID || !s->size) {
		sc_error(sc, n->loc, "cannot index %s: its elements have no size",
			 tname(t, buf, sizeof(buf)));
		return;
	}
	n->num = s->size;
	n->type = type_from_ctype(elem);
	decay(n);
	in_kernel(n);
}

/* *p through a typed pointer: the pointee (a struct is read member by
 * member, so *p of one is its place in memory). */
bool sema_deref_typed(struct node *n)
{
	const struct ctype *to = n->a->type.ct;

	if (n->a->type.kind != T_PTR || !to)
		return false;
	n->type = type_from_ctype(to);
	in_kernel(n);
	return !type_bad(n->type);
}

/* p + i, p - i: i counts elements; p - q counts them between. Sets the
 * binop's scale in num (codegen multiplies, or divides for p - q). */
bool sema_ptr_arith(struct scope *sc, struct node *n)
{
	struct type a = n->a->type, b = n->b->type;

	if ((n->op != '+' && n->op != '-') || (a.kind != T_PTR && b.kind != T_PTR))
		return false;
	if (a.kind == T_PTR && b.kind == T_PTR) {
		if (n->op == '+') {
			sc_error(sc, n->loc, "cannot add two pointers");
			return true;
		}
		n->type = type_int(8, true);
		n->num = a.ct ? type_pointee_size(a) : 1;
		return true;
	}
	struct type p = a.kind == T_PTR ? a : b;
	if (n->op == '-' && b.kind == T_PTR) {
		sc_error(sc, n->loc, "cannot subtract a pointer from an integer");
		return true;
	}
	/* pointers plumb typed itself (tracepoint fields, signatures) stay
	 * byte addresses, as they always were; casts and debug info scale */
	n->num = p.ct ? type_pointee_size(p) : 1;
	n->type = p;
	n->type.ref = false;
	return true;
}

/* "struct Snapshot **" -> its base name and the count of stars. */
static int split_stars(const char *words, char *base, size_t len)
{
	int stars = 0;
	size_t n;

	snprintf(base, len, "%s", words);
	n = strlen(base);
	while (n && (base[n - 1] == '*' || base[n - 1] == ' ')) {
		stars += base[n - 1] == '*';
		base[--n] = '\0';
	}
	return stars;
}

static const char *clause_binary(struct scope *sc)
{
	for (int i = 0; i < sc_nprobes(sc); i++) {
		struct probe *p = sc_probe(sc, i);
		if (p && (p->kind->flags & PK_USER) && p->sites.n && p->sites.v[0].path)
			return p->sites.v[0].path;
	}
	return NULL;
}

/* "struct S", "union U", "enum E": a name C tags. */
static bool tagged(const char *name)
{
	return !strncmp(name, "struct ", 7) || !strncmp(name, "union ", 6) ||
	       !strncmp(name, "enum ", 5);
}

/* The kernel's type of that name, from its BTF, where a name can mean
 * one: a tagged name anywhere, a bare name (a typedef) in a clause
 * with no binary of its own. *why says why not. */
static const struct ctype *kernel_type(struct scope *sc, const char *name, const char **why)
{
	*why = NULL;
	if (clause_binary(sc) && !tagged(name))
		return NULL;
	return btf_kernel_type(&sc->s->types, name, why);
}

/* A program type by name: declared or already read, then the debug
 * info of the clause's binary, then the kernel's BTF (read only now).
 * *why: why the kernel has none, when it was asked. */
static const struct ctype *find_type(struct scope *sc, const char *name, const char **why)
{
	const struct ctype *t = ctype_find(&sc->s->types, name);
	const char *bin = clause_binary(sc);
	const char *bare = strchr(name, ' ');
	const struct ctype *d = NULL;

	*why = NULL;
	if (t && !t->incomplete)
		return t;
	/* DWARF names carry no "struct": look for the bare name */
	if (bin)
		d = bin_dwarf_type_path(bin, bare ? bare + 1 : name, &sc->s->types);
	if (!d)
		d = kernel_type(sc, name, why);
	return d ? d : t;
}

static const char *kernel_none(const char *why)
{
	return strstr(why, "no such") ? "the kernel's BTF has none" : why;
}

/* The type the words name, or NULL after saying why. */
static const struct ctype *named_type(struct scope *sc, struct node *n, const char *base)
{
	const char *why;
	const struct ctype *t = find_type(sc, base, &why);

	if (!t) {
		const char *bin = clause_binary(sc);
		if (bin && !bin_dwarf_type_path(bin, NULL, &sc->s->types))
			sc_error(sc, n->loc, "unknown type '%s': %s has no debug info; declare it, or "
				 "install the binary's debug package", base, bin);
		else if (why && bin)
			sc_error(sc, n->loc, "unknown type '%s': not declared, not in the debug info of "
				 "%s, and %s", base, bin, kernel_none(why));
		else if (why)
			sc_error(sc, n->loc, "unknown type '%s': not declared, and %s", base,
				 kernel_none(why));
		else
			sc_error(sc, n->loc, "unknown type '%s'", base);
	}
	return t;
}

/* Whether t came from the kernel's BTF: a cast of an integer to a
 * pointer to it, in a clause with no binary of its own, points into
 * kernel memory. */
static bool from_kernel(struct scope *sc, const struct ctype *t)
{
	return !clause_binary(sc) && btf_kernel_owns(&sc->s->types, t);
}

static void become_const(struct node *n, uint64_t v)
{
	ast_free_list(n->list);
	n->list = NULL;
	n->kind = AST_INT;
	n->num = v;
	n->folded = true;
	n->type = type_int(8, false);
}

/* sizeof(struct S) and offsetof(struct S, a.b): constants. */
void sema_layout_of(struct scope *sc, struct node *n)
{
	char base[256], buf[200];
	int stars = split_stars(n->name, base, sizeof(base));
	const struct ctype *t = named_type(sc, n, base);
	uint64_t off = 0;

	if (!t)
		return;
	if (!n->list) {
		const struct ctype *s = ctype_strip(t);
		become_const(n, stars ? 8 : s ? s->size : 0);
		return;
	}
	if (stars) {
		sc_error(sc, n->loc, "offsetof() takes a struct, not a pointer");
		return;
	}
	for (struct node *m = n->list; m; m = m->next) {
		const struct cmember *f = ctype_member(t, m->name, &off);
		if (!f) {
			const char *best = ctype_member_closest(t, m->name);
			ctype_name(ctype_strip(t), buf, sizeof(buf));
			if (best)
				sc_error(sc, m->loc, "%s has no member '%s'; did you mean '%s'?", buf,
					 m->name, best);
			else
				sc_error(sc, m->loc, "%s has no member '%s'", buf, m->name);
			return;
		}
		if (f->bit_size) {
			sc_error(sc, m->loc, "offsetof() of a bit-field");
			return;
		}
		t = f->type;
	}
	become_const(n, off);
}

bool sema_cast_program_type(struct scope *sc, struct node *n, struct type *out)
{
	char base[256];
	int stars = split_stars(n->name, base, sizeof(base));
	const struct ctype *t = named_type(sc, n, base);

	if (!t)
		return false;
	if (!stars && ctype_strip(t)->kind == CT_ENUM) {
		*out = type_from_ctype(t);	/* (enum Kind)x: prints by name */
		return true;
	}
	if (!stars) {
		sc_error(sc, n->loc, "a value cannot be cast to %s; cast to a pointer: (%s *)", base,
			 base);
		return false;
	}
	bool kernel = stars == 1 && from_kernel(sc, t);
	for (int i = 1; i < stars; i++)
		t = ctype_ptr_of(&sc->s->types, t);
	*out = type_ptr_to(t);
	out->kernel = kernel;
	return true;
}

/* (u32 *)p: an integer pointer that scales as C's does. Its pointee is
 * named as plumb names integers ("u32"), so messages read as before. */
struct type sema_int_ptr(struct scope *sc, struct type t, const char *words)
{
	const struct ctype *c;
	struct type base;
	char name[256];
	int stars = split_stars(words, name, sizeof(name));
	bool chr;

	if (t.kind != T_PTR || !stars || !type_parse(name, &base))
		return t;
	chr = base.size == 1 && strstr(name, "char");
	type_name(base, name, sizeof(name));
	c = ctype_int_of(&sc->s->types, chr ? "char" : name, base.size, base.sign, chr);
	for (int i = 1; i < stars; i++)
		c = ctype_ptr_of(&sc->s->types, c);
	struct type r = type_ptr_to(c);
	r.chr = t.chr;
	return r;
}

/* A pointer to one of the program's types, kept in a map (as value or
 * key), stays that pointer: its pointee and its address space (user or
 * kernel memory) go with it, so @p->x reads in another probe what $p->x
 * reads in this one. A pointer plumb never typed stays an integer, as
 * it always was. */
bool sema_kept_pointer(struct type t)
{
	return t.kind == T_PTR && t.ct;
}

/* What a map holds of an integer or pointer value of type t: a typed
 * pointer as it is, else 64 bits with t's sign and enum. */
struct type sema_kept_int(struct type t)
{
	struct type w = type_int(8, t.kind == T_INT && t.sign);

	if (sema_kept_pointer(t)) {
		/* an address is unsigned, whatever it points to (size and sign
		 * of a typed pointer's pointee come from ct) */
		t.sign = false;
		return t;
	}
	if (t.kind == T_INT)
		w.ct = t.ct;
	return w;
}

/* Whether a map that holds a of type a may take b: an integer map takes
 * any integer or pointer, a pointer map an integer (0, say) or a pointer
 * to the same type in the same memory. A value rendered as text takes
 * only one rendered the same way: len is part of how (strftime's format,
 * buf's size), and the value does not carry it. */
bool sema_kept_agree(struct type a, struct type b)
{
	if (a.kind == T_TEXT || b.kind == T_TEXT)
		return a.kind == b.kind && a.text == b.text && a.len == b.len;
	if (!sema_kept_pointer(a) || !sema_kept_pointer(b))
		return true;
	return a.ct == b.ct && a.kernel == b.kernel && a.ref == b.ref;
}

/* For "X holds A values, not B" where A and B read alike (two strftime()
 * formats): what tells them apart. */
const char *sema_kept_differ(struct type a, struct type b)
{
	char x[200], y[200];

	if (strcmp(type_name(a, x, sizeof(x)), type_name(b, y, sizeof(y))))
		return "";
	return " made another way (as strftime() with another format): each needs its own "
	       "variable or map";
}

/* A struct kept whole (a map value) is read into the BPF stack first:
 * it must be a struct in memory and fit there. */
#define RECORD_KEEP_MAX 256

/* An array kept whole has a known count of integer (or enum) elements:
 * plumb prints those, as bpftrace does. */
static bool array_elems_ok(struct scope *sc, struct node *n, const struct ctype *t)
{
	char buf[200];
	const struct ctype *e = t ? ctype_strip(t->target) : NULL;

	if (!t || !t->count) {
		sc_error(sc, n->loc, "an array of unknown length (a flexible array member) "
			 "cannot be kept whole");
		return false;
	}
	if (!e || (e->kind != CT_INT && e->kind != CT_ENUM)) {
		sc_error(sc, n->loc, "%s: only an array of integers can be kept whole",
			 ctype_name(t, buf, sizeof(buf)));
		return false;
	}
	return true;
}

/* An array a local variable keeps whole ($a = s->ints), as bpftrace
 * does: integers, of a known count, that fit. Any other array (of
 * chars, of structs, too long) stays its address, as in C. */
bool sema_array_keepable(const struct node *n)
{
	const struct ctype *t = n->decay ? ctype_strip(n->array) : NULL;
	const struct ctype *e = t ? ctype_strip(t->target) : NULL;

	return e && t->count && t->size <= RECORD_KEEP_MAX &&
	       ((e->kind == CT_INT && !e->chr) || e->kind == CT_ENUM);
}

/* Arrays of one element type and length: what == compares. */
static bool same_array(const struct ctype *a, const struct ctype *b)
{
	const struct ctype *ea, *eb;

	a = ctype_strip(a);
	b = ctype_strip(b);
	if (!a || !b || a->count != b->count)
		return false;
	ea = ctype_strip(a->target);
	eb = ctype_strip(b->target);
	return ea && eb && ea->kind == eb->kind && ea->size == eb->size &&
	       ea->sign == eb->sign && (ea->kind != CT_ENUM || ea == eb);
}

/* arg0 == pton("10.1.2.3"): an integer compared with a function's
 * array of at most 8 bytes that the function can also give as the
 * integer those bytes make in memory (its emit hook) compares with that
 * integer, as an IPv4 address a probe sees is one. */
static bool as_number(struct node *arr, const struct node *other)
{
	const struct func_def *f = arr->kind == AST_CALL ? func_of(arr) : NULL;
	size_t size = type_storage(arr->type);

	if (!f || !f->emit || arr->type.kind != T_ARRAY || size > 8 ||
	    !type_is_int(other->type))
		return false;
	arr->type = type_int((int)ctype_strip(arr->type.ct)->size, false);
	return true;
}

/* $a == $b, s->a != s->b: two arrays compare by their elements, as in
 * bpftrace (not by their addresses, as in C), when either is a whole
 * array or both are arrays that can be kept whole. False: not arrays. */
bool sema_array_cmp(struct scope *sc, struct node *n)
{
	char a[200], b[200];

	bool cmp = n->op == OP_EQ || n->op == OP_NE || n->op == '<' || n->op == '>' ||
		   n->op == OP_LE || n->op == OP_GE;

	if (!cmp || (n->a->type.kind != T_ARRAY && n->b->type.kind != T_ARRAY &&
		     !(sema_array_keepable(n->a) && sema_array_keepable(n->b))))
		return false;
	if (as_number(n->a, n->b) || as_number(n->b, n->a))
		return false;
	if (sema_array_keepable(n->a))
		sema_array_whole(n->a);
	if (sema_array_keepable(n->b))
		sema_array_whole(n->b);
	if (n->op != OP_EQ && n->op != OP_NE) {
		struct node *t = n->a->type.kind == T_ARRAY ? n->a : n->b;
		sc_error(sc, n->loc, "arrays compare only with == and !=, not %s (%s)",
			 ast_op_name(n->op), tname(t->type, a, sizeof(a)));
		return true;
	}
	if (n->a->type.kind != T_ARRAY || n->b->type.kind != T_ARRAY ||
	    !same_array(n->a->type.ct, n->b->type.ct)) {
		sc_error(sc, n->loc, "cannot compare %s with %s: an array compares only with "
			 "an array of the same element type and length",
			 tname(n->a->type, a, sizeof(a)), tname(n->b->type, b, sizeof(b)));
		return true;
	}
	if (!sema_record_storable(sc, n->a) || !sema_record_storable(sc, n->b))
		return true;
	n->type = type_bool();
	return true;
}

bool sema_record_storable(struct scope *sc, struct node *n)
{
	char buf[200];
	const struct ctype *t = ctype_strip(n->type.ct);

	/* a variable or a map element holds one already, checked when kept;
	 * a function's (pton()'s) is made whole */
	if (n->kind == AST_LOCAL || n->kind == AST_MAP || n->kind == AST_SELF ||
	    n->kind == AST_CALL)
		return true;
	if (n->kind != AST_MEMBER && n->kind != AST_INDEX && n->kind != AST_UNOP) {
		sc_error(sc, n->loc, "only a %s in the traced program's memory can be kept",
			 n->type.kind == T_ARRAY ? "array" : "struct");
		return false;
	}
	if (n->type.kind == T_ARRAY && !array_elems_ok(sc, n, t))
		return false;
	if (!t || !t->size || t->size > RECORD_KEEP_MAX) {
		sc_error(sc, n->loc, "%s is %llu bytes; at most %d can be kept",
			 ctype_name(t, buf, sizeof(buf)), (unsigned long long)(t ? t->size : 0),
			 RECORD_KEEP_MAX);
		return false;
	}
	return true;
}
