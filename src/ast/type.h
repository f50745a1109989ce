/* SPDX-License-Identifier: GPL-2.0-only */
/* The value types of the language. Everything numeric is computed in 64
 * bits; the size and signedness of an integer type say how a value is
 * truncated and extended when it comes from memory, a register or a cast,
 * and which comparisons and shifts are signed. */
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
	T_USERNAME,	/* a uid, printed as its user's name (username) */
	T_TIMESTAMP,	/* nsecs, printed by strftime(3); len: its format (sema->timefmts) + 1 */
	T_BUF,		/* buf(p, n): its length in a u64, then len bytes */
	T_TUPLE,	/* a tuple or record value (not memory): ct, a TAG_TUPLE CT_RECORD */
	T_TEXT,		/* what a function (strerror, ksym, ntop, cgroup_path) keeps for
			   user space to render as text: len: the function (its
			   func_id), size: bytes kept */
};

struct ctype;

struct type {
	enum type_kind kind;
	unsigned char size;	/* T_INT, T_PTR: bytes of the (pointed-to) integer */
	bool sign;		/* T_INT, T_PTR */
	bool chr;		/* T_PTR: char *, readable as a string */
	unsigned int len;	/* T_STR: bytes, including room for the NUL */
	const struct ctype *ct;	/* T_TUPLE: its layout */
};

/* Compound types: the minimal part of the compound-type model that
 * tuples need, with the names and layout of the full model (records,
 * arrays, pointers to any type) that the program types bring: a ctype
 * describes a type once and is shared by pointer from struct type; every
 * ctype lives in the compile's type_table (sema's), freed together. A
 * tuple or named tuple is an anonymous CT_RECORD tagged TAG_TUPLE whose
 * members hold language values (vt). */
enum ctype_kind { CT_VOID, CT_INT, CT_FLOAT, CT_PTR, CT_RECORD, CT_ARRAY, CT_ENUM, CT_TYPEDEF,
		  CT_FUNC };

enum ctype_tag { TAG_STRUCT, TAG_CLASS, TAG_UNION, TAG_TUPLE };

struct cmember {
	char *name;		/* "0", "1", ... or a record's member name */
	const struct ctype *type;	/* a C member's type; NULL in a tuple */
	struct type vt;		/* TAG_TUPLE: the language type of the value kept here */
	uint64_t off;		/* bytes from the start of the record */
	unsigned int bit_off, bit_size;	/* bit-fields; 0 in a tuple */
};

struct ctype {
	enum ctype_kind kind;
	enum ctype_tag tag;	/* CT_RECORD */
	char *name;		/* NULL: anonymous */
	uint64_t size;
	unsigned int align;
	struct cmember *members;
	size_t nmembers;
};

struct type_table {
	struct ctype **v;
	size_t n, cap;
};

/* A new zeroed ctype owned by the table. */
struct ctype *ctype_new(struct type_table *tt, enum ctype_kind kind);
/* Add a member (name copied) to a record. */
void ctype_add_member(struct ctype *rec, const char *name, const struct ctype *type,
		      uint64_t off, unsigned int bit_off, unsigned int bit_size);
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
