// SPDX-License-Identifier: GPL-2.0-only
/* Types declared in the program: "struct S { long id; char *db; };",
 * unions, enums and typedefs, for binaries without debug info. They
 * become the same ctypes as DWARF's and BTF's (ast/type.h), laid out by
 * C's rules for x86-64 (ast/layout.c), in the order written: a type is
 * known from its declaration on, as in C. */
#include <stdlib.h>
#include <string.h>

#include "ast/layout.h"
#include "sema/sema.h"

/* The largest array and record plumb takes: a bound, far above any real
 * struct, so that sizes cannot overflow. */
#define DECL_MAX_SIZE (1ull << 32)

static const struct ctype *decl_tag(struct sema *s, struct node *n);

static const char *tag_word(int op)
{
	return op == 's' ? "struct" : op == 'u' ? "union" : "enum";
}

/* A record or enum declared in the program, by tag and name. */
static struct ctype *find_tagged(struct sema *s, int op, const char *name)
{
	for (size_t i = 0; i < s->types.n; i++) {
		struct ctype *t = s->types.v[i];
		if (!t->name || strcmp(t->name, name))
			continue;
		if (op == 'e' ? t->kind == CT_ENUM
			      : t->kind == CT_RECORD && (t->tag == TAG_UNION) == (op == 'u'))
			return t;
	}
	return NULL;
}

static const struct ctype *find_typedef(struct sema *s, const char *name)
{
	for (size_t i = 0; i < s->types.n; i++) {
		const struct ctype *t = s->types.v[i];
		if (t->kind == CT_TYPEDEF && t->name && !strcmp(t->name, name))
			return t;
	}
	return NULL;
}

static const char *typedef_closest(struct sema *s, const char *name)
{
	VEC(const char *) names = {0};
	const char *best;

	for (size_t i = 0; i < s->types.n; i++)
		if (s->types.v[i]->kind == CT_TYPEDEF && s->types.v[i]->name)
			vec_push(&names, s->types.v[i]->name);
	best = closest_name(name, names.v, names.n);
	vec_free(&names);
	return best;
}

static struct ctype *new_scalar(struct sema *s, enum ctype_kind kind, const char *name,
				uint64_t size, bool sign, bool chr)
{
	struct ctype *t = ctype_new(&s->types, kind);

	t->name = xstrdup(name);
	t->size = size;
	t->align = (unsigned)size;
	t->sign = sign;
	t->chr = chr;
	return t;
}

/* The C words a language type does not cover: void, bool, floats. */
static const struct ctype *other_words(struct sema *s, const char *w)
{
	static const struct { const char *w; enum ctype_kind kind; uint64_t size; } tab[] = {
		{ "bool", CT_INT, 1 }, { "_Bool", CT_INT, 1 }, { "float", CT_FLOAT, 4 },
		{ "double", CT_FLOAT, 8 }, { "long double", CT_FLOAT, 16 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(tab); i++)
		if (!strcmp(w, tab[i].w))
			return new_scalar(s, tab[i].kind, w, tab[i].size, false, false);
	return NULL;
}

/* "unsigned long", "u32", "my_typedef", "void" (NULL, *is_void set). */
static const struct ctype *decl_words(struct sema *s, struct node *spec, bool *is_void,
				      bool *ok)
{
	struct strbuf sb = {0};
	const struct ctype *t = NULL;
	struct type lt;

	for (struct node *w = spec->list; w; w = w->next)
		if (strcmp(w->name, "const") && strcmp(w->name, "volatile"))
			sb_printf(&sb, "%s%s", sb.len ? " " : "", w->name);
	const char *words = sb.s ? sb.s : "";
	if (!strcmp(words, "void")) {
		*is_void = true;
	} else if ((t = find_typedef(s, words)) || (t = other_words(s, words))) {
		/* found */
	} else if (type_parse(words, &lt) && lt.kind == T_INT) {
		t = new_scalar(s, CT_INT, words, lt.size, lt.sign, lt.size == 1 && strstr(words, "char"));
	} else {
		const char *best = typedef_closest(s, words);
		if (best)
			diag_error(spec->loc, "unknown type '%s'; did you mean '%s'?", words, best);
		else
			diag_error(spec->loc, "unknown type '%s': declare it first (typedef, struct, "
				   "union or enum) or use a C integer type", words);
		*ok = false;
	}
	sb_free(&sb);
	return t;
}

/* The type a declarator names: its spec, then '*'s, then array
 * dimensions (int a[2][3]: 2 arrays of 3 ints). */
static const struct ctype *declarator_type(struct sema *s, struct node *d, struct node *spec,
					   bool *ok)
{
	const struct ctype *t = NULL;
	bool is_void = false;

	if (spec->kind == AST_TYPESPEC)
		t = decl_words(s, spec, &is_void, ok);
	else
		t = decl_tag(s, spec);
	if (!*ok || (!t && !is_void))
		return *ok = false, NULL;
	if (d->num) {	/* a pointer to a function */
		struct ctype *f = ctype_new(&s->types, CT_FUNC);
		f->target = t;
		t = f;
		is_void = false;
	}
	for (int i = 0; i < d->op; i++) {
		struct ctype *p = ctype_new(&s->types, CT_PTR);
		p->target = t;
		p->size = p->align = 8;
		t = p;
		is_void = false;
	}
	if (is_void) {
		diag_error(d->loc, "'%s' cannot be void (only a pointer can: void *%s)",
			   d->name ? d->name : "member", d->name ? d->name : "");
		return *ok = false, NULL;
	}
	int ndims = ast_count(d->list);
	for (int i = ndims - 1; i >= 0; i--) {
		struct node *dim = d->list;
		for (int j = 0; j < i; j++)
			dim = dim->next;
		struct ctype *a = ctype_new(&s->types, CT_ARRAY);
		a->target = t;
		a->count = dim->num;
		a->align = t->align;
		if (dim->op == '[' && (i > 0 || d->next)) {
			diag_error(dim->loc, "only the last member's last dimension can be left "
				   "empty ([])");
			return *ok = false, NULL;
		}
		if (t->size && dim->num > DECL_MAX_SIZE / t->size) {
			diag_error(dim->loc, "array '%s' is too large", d->name ? d->name : "");
			return *ok = false, NULL;
		}
		a->size = t->size * dim->num;
		t = a;
	}
	return t;
}

static bool is_complete(const struct ctype *t)
{
	t = ctype_strip(t);
	return t && !t->incomplete && t->kind != CT_VOID && t->kind != CT_FUNC;
}

static bool check_member(struct node *d, const struct ctype *t, const struct ctype *rec)
{
	const struct ctype *base = ctype_strip(t);
	char buf[200], buf2[200];

	while (base && base->kind == CT_ARRAY)
		base = ctype_strip(base->target);
	if (!is_complete(base)) {
		if (base == rec)
			diag_error(d->loc, "'%s' cannot hold itself: make it a pointer (%s *%s)",
				   d->name, ctype_name(rec, buf, sizeof(buf)), d->name);
		else
			diag_error(d->loc, "member '%s' has type '%s', whose members are not "
				   "declared: declare '%s { ... };' before it", d->name ? d->name : "",
				   ctype_name(t, buf, sizeof(buf)), ctype_name(base, buf2, sizeof(buf2)));
		return false;
	}
	if (!d->b)
		return true;
	if (base->kind != CT_INT && base->kind != CT_ENUM) {
		diag_error(d->b->loc, "bit-field '%s' must have an integer type, not '%s'",
			   d->name ? d->name : "", ctype_name(t, buf, sizeof(buf)));
		return false;
	}
	if (d->b->num > base->size * 8) {
		diag_error(d->b->loc, "bit-field '%s' is wider than its type (%llu bits)",
			   d->name ? d->name : "", (unsigned long long)base->size * 8);
		return false;
	}
	if (!d->b->num && d->name) {
		diag_error(d->b->loc, "a zero-width bit-field cannot have a name (write "
			   "'int : 0;')");
		return false;
	}
	return true;
}

static bool duplicate_member(struct node *members, struct node *d)
{
	if (!d->name)
		return false;
	for (struct node *m = members; m != d; m = m->next) {
		if (m->name && !strcmp(m->name, d->name)) {
			diag_error(d->loc, "duplicate member '%s'", d->name);
			diag_note(m->loc, "'%s' is first declared here", d->name);
			return true;
		}
	}
	return false;
}

/* Resolve every member, lay them out, and fill rec. An unnamed bit-field
 * takes room but is not a member one can read. */
static bool fill_record(struct sema *s, struct ctype *rec, struct node *n)
{
	VEC(struct layout_field) f = {0};
	VEC(const struct ctype *) types = {0};
	struct node *spec = NULL;
	bool ok = true;

	for (struct node *d = n->list; d && ok; d = d->next) {
		if (d->a)
			spec = d->a;
		const struct ctype *t = declarator_type(s, d, spec, &ok);
		if (!ok || !check_member(d, t, rec) || duplicate_member(n->list, d))
			ok = false;
		else if (d->list && d->list->op == '[' && d->next)
			ok = false, diag_error(d->loc, "only the last member can be an array "
					      "without a size ([])");
		if (!ok)
			break;
		struct layout_field lf = { .size = ctype_strip(t)->size, .align = t->align,
					   .bits = d->b ? (int)d->b->num : -1,
					   .named = d->name != NULL };
		vec_push(&f, lf);
		vec_push(&types, t);
	}
	if (ok) {
		struct layout l = layout_record(f.v, f.n, rec->tag == TAG_UNION);
		size_t i = 0;
		for (struct node *d = n->list; d; d = d->next, i++) {
			uint64_t bo = f.v[i].bit_off;
			if (d->b && !d->name)
				continue;
			if (d->b) {
				/* the bits from the start of their aligned unit */
				uint64_t unit = f.v[i].size;
				uint64_t at = bo / 8 / unit * unit;
				ctype_add_member(rec, d->name, types.v[i], at, (unsigned)(bo - at * 8),
						 (unsigned)d->b->num);
			} else {
				ctype_add_member(rec, d->name, types.v[i], bo / 8, 0, 0);
			}
		}
		rec->size = l.size;
		rec->align = (unsigned)l.align;
		if (l.size > DECL_MAX_SIZE) {
			diag_error(n->loc, "%s is too large", n->name ? n->name : "the record");
			ok = false;
		}
	}
	vec_free(&f);
	vec_free(&types);
	return ok;
}

/* The ctype of "struct S", "union U { ... }": a definition fills the one
 * a forward declaration made, so pointers to it taken before see it. */
static const struct ctype *decl_record(struct sema *s, struct node *n)
{
	struct ctype *rec = n->name ? find_tagged(s, n->op, n->name) : NULL;
	char what[160];

	snprintf(what, sizeof(what), "%s %s", tag_word(n->op), n->name ? n->name : "");
	if (rec && !n->num)
		return rec;
	if (rec && !rec->incomplete) {
		diag_error(n->loc, "redefinition of '%s'", what);
		return NULL;
	}
	if (!rec) {
		rec = ctype_new(&s->types, CT_RECORD);
		rec->tag = n->op == 'u' ? TAG_UNION : TAG_STRUCT;
		rec->name = n->name ? xstrdup(n->name) : NULL;
		rec->incomplete = true;
	}
	if (!n->num)
		return rec;
	if (!fill_record(s, rec, n))
		return NULL;
	rec->incomplete = false;
	return rec;
}

static bool enumerator_taken(struct sema *s, const char *name, struct loc loc)
{
	for (size_t i = 0; i < s->types.n; i++) {
		const struct ctype *t = s->types.v[i];
		for (size_t j = 0; t->kind == CT_ENUM && j < t->nenums; j++) {
			if (!strcmp(t->enums[j].name, name)) {
				diag_error(loc, "redefinition of enumerator '%s' (it is in enum %s)",
					   name, t->name ? t->name : "(anonymous)");
				return true;
			}
		}
	}
	return false;
}

/* C's (GCC's) choice of the type under an enum: unsigned int unless a
 * value is negative, 8 bytes when a value needs them. */
static void enum_size(struct ctype *e)
{
	bool neg = false, wide = false;

	for (size_t i = 0; i < e->nenums; i++) {
		int64_t v = e->enums[i].value;
		neg |= v < 0;
		wide |= v < INT32_MIN || v > (int64_t)UINT32_MAX;
	}
	for (size_t i = 0; i < e->nenums && neg; i++)
		wide |= e->enums[i].value > INT32_MAX;
	e->sign = neg;
	e->size = e->align = wide ? 8 : 4;
}

static const struct ctype *decl_enum(struct sema *s, struct node *n)
{
	struct ctype *e = n->name ? find_tagged(s, 'e', n->name) : NULL;
	int64_t next = 0;

	if (e && !n->num)
		return e;
	if (e && !e->incomplete) {
		diag_error(n->loc, "redefinition of 'enum %s'", n->name);
		return NULL;
	}
	if (!e) {
		e = ctype_new(&s->types, CT_ENUM);
		e->name = n->name ? xstrdup(n->name) : NULL;
		e->size = e->align = 4;
		e->incomplete = true;
	}
	if (!n->num)
		return e;
	for (struct node *v = n->list; v; v = v->next) {
		if (enumerator_taken(s, v->name, v->loc))
			return NULL;
		if (v->a)
			next = (int64_t)v->a->num;
		e->enums = xrealloc(e->enums, (e->nenums + 1) * sizeof(*e->enums));
		e->enums[e->nenums].name = xstrdup(v->name);
		e->enums[e->nenums++].value = next++;
	}
	enum_size(e);
	e->incomplete = false;
	return e;
}

/* Once per node: "struct V { ... } a, b;" declares V once for both. */
static const struct ctype *decl_tag(struct sema *s, struct node *n)
{
	if (!n->type.ct)
		n->type.ct = n->kind == AST_ENUM ? decl_enum(s, n) : decl_record(s, n);
	return n->type.ct;
}

static bool decl_typedef(struct sema *s, struct node *d, struct node *spec)
{
	bool ok = true;
	const struct ctype *t, *old;
	char a[200], b[200];

	if (d->b) {
		diag_error(d->b->loc, "a typedef cannot be a bit-field");
		return false;
	}
	t = declarator_type(s, d, spec, &ok);
	if (!ok)
		return false;
	old = find_typedef(s, d->name);
	if (old && strcmp(ctype_name(old->target, a, sizeof(a)), ctype_name(t, b, sizeof(b)))) {
		diag_error(d->loc, "typedef '%s' redefined as '%s' (it was '%s')", d->name, b, a);
		return false;
	}
	struct ctype *td = ctype_new(&s->types, CT_TYPEDEF);
	td->name = xstrdup(d->name);
	td->target = t;
	td->size = t->size;
	td->align = t->align;
	return true;
}

const struct ctype *sema_enumerator(struct sema *s, const char *name, int64_t *value)
{
	for (size_t i = 0; i < s->types.n; i++) {
		const struct ctype *t = s->types.v[i];
		for (size_t j = 0; t->kind == CT_ENUM && j < t->nenums; j++) {
			if (!strcmp(t->enums[j].name, name)) {
				*value = t->enums[j].value;
				return t;
			}
		}
	}
	return NULL;
}

bool sema_types(struct sema *s)
{
	struct node *spec = NULL;

	for (struct node *n = s->prog->types; n; n = n->next) {
		if (n->kind == AST_TYPEDEF) {
			if (n->a)
				spec = n->a;
			if (!decl_typedef(s, n, spec))
				return false;
		} else if (!decl_tag(s, n)) {
			return false;
		}
	}
	return true;
}
