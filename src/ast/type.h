/* SPDX-License-Identifier: GPL-2.0-only */
/* The value types of the language. Everything numeric is computed in 64
 * bits; the size and signedness of an integer type say how a value is
 * truncated and extended when it comes from memory, a register or a cast,
 * and which comparisons and shifts are signed.
 *
 * Compound types. `struct type` is what sema gives every expression and
 * is copied freely: for the program's own types it holds a pointer to a
 * `struct ctype`, which describes a C type once (layout included) and is
 * shared. Every ctype lives in a `struct type_table` that the compile
 * (its sema) owns and frees at the end; nothing else frees one.
 *
 *   - a DWARF struct/class/union (binary/dwarf.c): a CT_RECORD with tag
 *     TAG_STRUCT/TAG_CLASS/TAG_UNION, its name qualified as C++ spells it
 *     ("ns::Snapshot"), a member per DW_TAG_member with its byte offset
 *     (DW_AT_data_member_location), and for a bit-field its bit offset
 *     from that byte and width; base classes are members named "" that
 *     lookups search through. Pointers, references (ref set), arrays,
 *     enums and typedefs become CT_PTR, CT_ARRAY, CT_ENUM, CT_TYPEDEF
 *     pointing at their target; const/volatile are dropped.
 *   - a struct declared in the program (struct S { ... };): the same
 *     CT_RECORD, its offsets laid out by C's rules from the members' sizes
 *     and alignments.
 *   - a kernel BTF struct: the same again, offsets from BTF's bit offsets.
 *   - a tuple or named tuple (a value, not memory): an anonymous CT_RECORD
 *     (name NULL, tag TAG_TUPLE), members named "0", "1", ... or by the
 *     names given, laid out 8-byte aligned as the map key/value holds it.
 *
 * In struct type: a pointer to a program type is T_PTR with ct its
 * pointee (size/sign/chr still describe an integer pointee, so code that
 * only knows integer pointers keeps working); a record or array value is
 * T_RECORD/T_ARRAY with ct the type itself; an enum is a T_INT with ct the
 * CT_ENUM (for its names). ct NULL is a plain integer pointer as before. */
#ifndef PLUMB_TYPE_H
#define PLUMB_TYPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum type_kind {
	T_NONE,		/* not yet known */
	T_VOID,		/* statements, printf(), ... */
	T_INT,		/* size 1/2/4/8, sign */
	T_PTR,		/* user pointer; pointee size/sign in size/sign; chr: char * */
	T_STR,		/* NUL-padded byte string of len bytes */
	T_USTACK,	/* user stack (stack id + pid); len N: ustack(N), N frames kept inline */
	T_KSTACK,	/* kernel stack (stack id) */
	T_USYM,		/* user address to symbolise (address + pid) */
	T_PROBE,	/* probe or function name, an index into a table */
	T_BOOL,		/* true or false: 0 or 1 in 64 bits, printed as a word */
	T_TUPLE,	/* a tuple or record value (not memory): ct, a TAG_TUPLE CT_RECORD */
	T_TEXT,		/* a value user space renders as text (username, strftime,
			   buf, strerror, ksym, ntop, cgroup_path): text, its
			   descriptor; len, what that descriptor says */
	T_RECORD,	/* a struct, class or union of the program (in its memory): ct */
	T_ARRAY,	/* array: ct */
};

struct ctype;
struct text_kind;

struct type {
	enum type_kind kind;
	unsigned char size;	/* T_INT, T_PTR: bytes of the (pointed-to) integer */
	bool sign;		/* T_INT, T_PTR */
	bool chr;		/* T_PTR: char *, readable as a string */
	bool ref;		/* T_PTR: a C++ reference: '.' reads through it */
	unsigned int len;	/* T_STR: bytes, including room for the NUL */
	const struct ctype *ct;	/* T_PTR: pointee; T_RECORD, T_ARRAY: itself; T_INT: enum */
	bool kernel;		/* T_PTR, T_RECORD, T_ARRAY: in kernel memory (curtask and
				 * what it leads to): read with bpf_probe_read_kernel */
	const struct text_kind *text;	/* T_TEXT: how user space renders it */
};

struct out;
struct strbuf;

/* A kind of value the program keeps and user space renders as text: a
 * uid named from the password database, a time formatted by strftime(3),
 * bytes escaped, an errno's message. Its builtin or function descriptor
 * points at one; sema, codegen and output ask it and never name it, so a
 * new one is a descriptor and its render hook, with no switch to add to. */
struct text_kind {
	const char *name;	/* its type's name in messages */
	bool sized;		/* the name shows len: "buffer[16]" */
	bool word;		/* held in one 64-bit word, computed as an integer */
	bool tuple;		/* may be a tuple member */
	unsigned int head;	/* bytes kept before len bytes (buf's length word) */
	char conv;		/* its printf conversion: 's', or 'r' (%r, %rx, %rh) */
	/* The value at v as text; mode: what follows %r ('x', 'h'), else 0. */
	void (*render)(struct out *o, struct strbuf *sb, struct type t, const uint8_t *v,
		       char mode);
};

enum ctype_kind {
	CT_VOID,
	CT_INT,		/* size, sign; chr: a char type */
	CT_FLOAT,	/* size only: read as raw bits */
	CT_PTR,		/* target (NULL: void *); ref: a C++ reference */
	CT_RECORD,	/* tag, members */
	CT_ARRAY,	/* target: element; count (0: flexible/unknown) */
	CT_ENUM,	/* size, sign; enumerators */
	CT_TYPEDEF,	/* name, target */
	CT_FUNC,	/* a function type: pointers to it are code addresses */
};

enum ctype_tag { TAG_STRUCT, TAG_CLASS, TAG_UNION, TAG_TUPLE };

struct cmember {
	char *name;		/* "" for an anonymous member or a base class; "0", "1"... in a tuple */
	const struct ctype *type;	/* NULL in a tuple */
	struct type vt;		/* TAG_TUPLE: the language type of the value kept here */
	uint64_t off;		/* bytes from the start of the record */
	unsigned int bit_off;	/* bit-field: bits from off (little-endian order) */
	unsigned int bit_size;	/* bit-field width; 0: not a bit-field */
};

struct cenum {
	char *name;
	int64_t value;
};

struct ctype {
	enum ctype_kind kind;
	enum ctype_tag tag;	/* CT_RECORD */
	char *name;		/* "Snapshot", "ns::Snapshot", "uint32_t"; NULL: anonymous */
	uint64_t size;
	unsigned int align;
	bool sign, chr, ref, incomplete;
	const struct ctype *target;
	uint64_t count;
	struct cmember *members;
	size_t nmembers;
	struct cenum *enums;
	size_t nenums;
};

/* Every ctype of a compile, freed together. byname finds records, enums
 * and typedefs by name. */
struct type_table {
	struct ctype **v;
	size_t n, cap;
};

/* A new zeroed ctype owned by the table. */
struct ctype *ctype_new(struct type_table *tt, enum ctype_kind kind);
/* A pointer to `to`, and an integer type, made once per table. */
const struct ctype *ctype_ptr_of(struct type_table *tt, const struct ctype *to);
const struct ctype *ctype_int_of(struct type_table *tt, const char *name, int size, bool sign,
				 bool chr);
/* Add a member (name copied) to a record. */
void ctype_add_member(struct ctype *rec, const char *name, const struct ctype *type,
		      uint64_t off, unsigned int bit_off, unsigned int bit_size);
/* A named record/enum/typedef; tagged "struct X" / "union X" / "enum X" or
 * bare "X" / "ns::X". Complete definitions win over declarations. */
const struct ctype *ctype_find(const struct type_table *tt, const char *name);
/* Typedefs followed to what they name. */
const struct ctype *ctype_strip(const struct ctype *t);
/* A member by name, searching anonymous members and base classes; adds
 * the offsets on the way into *off. NULL when there is none. */
const struct cmember *ctype_member(const struct ctype *rec, const char *name, uint64_t *off);
/* The member name closest to name, for "did you mean". */
const char *ctype_member_closest(const struct ctype *rec, const char *name);
/* "struct Snapshot", "ns::Snapshot *", "char[8]", "int" into buf. */
const char *ctype_name(const struct ctype *t, char *buf, size_t len);
/* The language's type of a value of type t (pointers keep their pointee). */
struct type type_from_ctype(const struct ctype *t);
/* A pointer to t. */
struct type type_ptr_to(const struct ctype *t);
/* Bytes of what a pointer of type t points to (1 for void and unknown). */
uint64_t type_pointee_size(struct type t);
void type_table_free(struct type_table *tt);

static inline struct type type_int(int size, bool sign)
{
	struct type t = { .kind = T_INT, .size = (unsigned char)size, .sign = sign };
	return t;
}

static inline struct type type_str(unsigned int len)
{
	struct type t = { .kind = T_STR, .len = len };
	return t;
}

/* bool: an integer for arithmetic and conditions (size 1, unsigned),
 * kept as 0 or 1, and printed "true" or "false" as bpftrace does. */
static inline struct type type_bool(void)
{
	struct type t = { .kind = T_BOOL, .size = 1 };
	return t;
}

static inline struct type type_of(enum type_kind k)
{
	struct type t = { .kind = k };
	return t;
}

/* A value of kind k, rendered in user space; len as k's descriptor says. */
static inline struct type type_text(const struct text_kind *k, unsigned int len)
{
	struct type t = { .kind = T_TEXT, .len = len, .text = k };
	return t;
}

/* A T_TEXT value held in one 64-bit word (computed as an integer). */
static inline bool type_text_word(struct type t)
{
	return t.kind == T_TEXT && t.text && t.text->word;
}

bool type_eq(struct type a, struct type b);
/* An integer, a bool or a pointer: what arithmetic takes. */
bool type_is_int(struct type t);
/* The type of an expression whose error was reported already: stay quiet
 * about it. */
bool type_bad(struct type t);
/* The type of a binary arithmetic result: 64 bits, signed unless an
 * operand is a 64-bit unsigned value or a pointer (C's rules). */
struct type type_promote(struct type a, struct type b);
/* "u64", "s32", "char *", "string[64]", "ustack" ... into buf. */
const char *type_name(struct type t, char *buf, size_t len);
/* Parse C-ish type words: "unsigned long", "u32", "char *", "int64_t",
 * "const char*". Returns false when they do not form a type. */
bool type_parse(const char *words, struct type *out);
/* Whether a word can be part of a type ("int", "u64", "unsigned", ...). */
bool type_is_word(const char *word);
/* Bytes a value of this type takes in a map key or an event record. */
size_t type_storage(struct type t);
/* sizeof: the bytes of a value of this type as the program sees it (an
 * s32 is 4, a string its length), not what plumb keeps it in. */
size_t type_sizeof(struct type t);

/* Tuples and records as values (ast/tuple.c): a TAG_TUPLE CT_RECORD
 * whose members hold language values (vt), each at an 8-byte aligned
 * offset, laid out as a map keeps several keys: (pid, comm) and
 * @m[pid, comm] are the same bytes. Members are named "0", "1", ...,
 * or by the names of a record (a=1, b="x"). One ctype per shape: equal
 * tuple types are the same pointer. */
const struct ctype *ctype_tuple(struct type_table *tt, size_t n, const struct type *vts,
				char *const *names);
static inline struct type type_tuple(const struct ctype *ct)
{
	struct type t = { .kind = T_TUPLE, .ct = ct };
	return t;
}
/* "(s64, string[64])", "(a: s64, b: bool)" into buf. */
const char *tuple_name(const struct ctype *ct, char *buf, size_t len);
/* A record (named members) rather than a tuple. */
bool tuple_is_record(const struct ctype *ct);
/* The member called name ("0", "a"), or NULL. */
const struct cmember *tuple_member(const struct ctype *ct, const char *name);

#endif
