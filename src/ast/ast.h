/* SPDX-License-Identifier: GPL-2.0-only */
/* The syntax tree. The parser only builds it; sema annotates it (types,
 * resolved symbols, folded constants); codegen walks it. */
#ifndef PLUMB_AST_H
#define PLUMB_AST_H

#include <stdbool.h>
#include <stdint.h>

#include "ast/diag.h"
#include "ast/type.h"

enum ast_kind {
	AST_CLAUSE,	/* list: probes; a: predicate or NULL; b: AST_BLOCK */
	AST_MAP_DECL,	/* let @m = KIND(N): name "@m"; a: AST_IDENT KIND; b: N */
	AST_PROBE,	/* name: spec text; list: AST_SIGARG; probe: resolved */
	AST_SIGARG,	/* name: words of the signature item ("char * query") */
	AST_BLOCK,	/* list: statements */
	AST_EXPR_STMT,	/* a: the expression */
	AST_ASSIGN,	/* a: target (map, local, self); b: value; op: '=' or a binop */
	AST_LET,	/* let $x; (no value): name "$x"; declares, does nothing */
	AST_IF,		/* a: condition; b: then block; c: else block / AST_IF or NULL */
	AST_WHILE,	/* a: condition; b: block; id: its loop (sema->loops) */
	AST_UNROLL,	/* a: the count (a constant); b: block */
	AST_FOR,	/* a: the AST_LOCAL; list: start, end; b: block; id: as while */
	AST_BREAK,
	AST_CONTINUE,
	AST_RETURN,	/* ends the clause; a: a value, refused */
	AST_INT,	/* num */
	AST_STR,	/* name: bytes, len */
	AST_IDENT,	/* name: builtin or argument name */
	AST_POSITIONAL,	/* num: the N of $N */
	AST_LOCAL,	/* name: "$x" */
	AST_MAP,	/* name: "@x" or "@"; list: keys */
	AST_SELF,	/* name: the variable of self->name */
	AST_FIELD,	/* a: base (AST_IDENT "args"); name: field */
	AST_CALL,	/* name: function; list: arguments */
	AST_BINOP,	/* op; a, b */
	AST_UNOP,	/* op: '-', '~', '!', '*' (deref); a */
	AST_TERNARY,	/* a ? b : c */
	AST_CAST,	/* name: type words; a: operand */
	AST_BOOL,	/* num: true (1) or false (0); sema makes it a bool AST_INT */
	AST_SIZEOF,	/* name: type words, or a: an expression (not evaluated) */
	AST_MACRO,	/* macro NAME(params) { ... }: name; list: params (AST_IDENT, AST_LOCAL,
			   AST_MAP); a: AST_BLOCK, its statements; b: its value or NULL */
	AST_CONFIG,	/* config = { ... }: list: AST_CONFIG_ITEM */
	AST_CONFIG_ITEM, /* name: the setting; a: its value (AST_INT, AST_STR, AST_IDENT) */
	AST_MEMBER,	/* a: base; name: member ("0" or a record's name); op: '.' or
			   OP_ARROW. sema: num: the member's byte offset; a bit-field:
			   len bits at bit id */
	AST_INDEX,	/* a: base; b: index. $t[0] of a tuple: as $t.0; a pointer or an
			   array: sema: num: the element's size */
	AST_TUPLE,	/* list: the elements, AST_FIELDINIT for a record (a=1, b="x") */
	AST_FIELDINIT,	/* name = a: a record's member */
	AST_LAYOUT,	/* sizeof(TYPE) of a program type (list NULL), offsetof(TYPE,
			   m.n) (list: AST_IDENT per member); name: the type words */
	/* Declarations of C types (parse_ctx.types, program.types). */
	AST_RECORD,	/* op 's' struct, 'u' union; name (NULL: anonymous);
			 * num: has a body; list: AST_DECLARATOR */
	AST_ENUM,	/* name; num: has a body; list: AST_ENUMERATOR */
	AST_ENUMERATOR,	/* name; a: AST_INT value or NULL (the previous + 1) */
	AST_DECLARATOR,	/* name (NULL: an anonymous struct/union member);
			 * a: AST_TYPESPEC, AST_RECORD or AST_ENUM, NULL: the
			 * previous member's; op: '*'s; list: AST_INT array
			 * dimensions (op '[': "[]"); b: AST_INT bit width;
			 * num 1: a pointer to a function */
	AST_TYPEDEF,	/* like AST_DECLARATOR: the name it gives to the type */
	AST_TYPESPEC,	/* list: AST_IDENT words ("unsigned", "long", "u32_t") */
};

/* Operator codes: single characters as themselves, the rest from here. */
enum ast_op {
	OP_EQ = 256, OP_NE, OP_LE, OP_GE, OP_AND, OP_OR, OP_SHL, OP_SHR,
	OP_INC, OP_DEC, OP_ARROW, OP_IN,
};

struct map;
struct local;
struct probe;

struct node {
	enum ast_kind kind;
	struct loc loc;
	int op;
	char *name;
	size_t len;		/* AST_STR: bytes in name (no NUL counted) */
	uint64_t num;		/* AST_INT, AST_POSITIONAL */
	struct node *a, *b, *c;
	struct node *list;	/* keys, arguments, statements, probes */
	struct node *next;	/* sibling in a list */

	/* Filled in by sema. */
	struct type type;
	int id;			/* builtin or function id */
	struct map *map;	/* AST_MAP, AST_SELF; AST_CALL on a map */
	struct local *local;	/* AST_LOCAL */
	struct probe *probe;	/* AST_PROBE */
	bool folded;		/* a constant: value in num */
	bool spread;		/* AST_MAP: its lone key is a tuple, whose members are the keys */
	bool decay;		/* AST_MEMBER, AST_INDEX: an array, whose value is its address */
	const struct ctype *array;	/* decay: the array's own type, for a whole-array value */
};

struct program {
	struct src src;
	struct node *clauses;
	struct node *decls;	/* AST_MAP_DECL */
	struct node *config;	/* AST_CONFIG or NULL */
	struct node *macros;	/* AST_MACRO, expanded away before sema */
	struct node *types;	/* AST_RECORD, AST_ENUM, AST_TYPEDEF, in order */
};

struct node *ast_new(enum ast_kind kind, struct loc loc);
struct node *ast_int(struct loc loc, uint64_t v);
struct node *ast_str(struct loc loc, const char *s, size_t len);
struct node *ast_name(enum ast_kind kind, struct loc loc, char *name);
struct node *ast_binop(struct loc loc, int op, struct node *a, struct node *b);
struct node *ast_unop(struct loc loc, int op, struct node *a);
/* Append b's list to a's list; either may be NULL. */
struct node *ast_append(struct node *list, struct node *item);
int ast_count(const struct node *list);
void ast_free(struct node *n);
void ast_free_list(struct node *n);
/* "==" for OP_EQ, "+" for '+', ... */
const char *ast_op_name(int op);

#endif
