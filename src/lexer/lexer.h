/* SPDX-License-Identifier: GPL-2.0-only */
/* The scanner's state and entry points (the generated lexer.c defines
 * them; this header keeps the parser and the rest away from flex's). */
#ifndef PLUMB_LEXER_H
#define PLUMB_LEXER_H

#include <stdbool.h>

#include "ast/diag.h"

/* Where the scanner is in the clause structure: probe specs are only
 * recognised at the top level, and the end of a '<' ... '>' block is a '>'
 * that follows a statement end. A declaration ("struct S { ... };") runs
 * from its keyword at the top level to the ';' outside its braces. */
enum lex_mode { LEX_TOP, LEX_PRED, LEX_BODY, LEX_DECL };

struct lex_state {
	const struct src *src;
	int offset;		/* byte offset of the next character */
	enum lex_mode mode;
	int depth;		/* '{' nesting inside a body */
	bool angle;		/* the body is a '<' ... '>' block */
	bool decl_typedef;	/* the declaration is a typedef */
	int prev;		/* the previous token returned */
	int nest;		/* '(' and '[' nesting, to refuse absurd depth */
	int str_start;		/* start offset of a string literal */
	struct strbuf *strbuf;	/* bytes of the string literal being read */
	bool fatal;		/* stopped on an error already reported */
};

#define LEX_MAX_NEST 64

typedef void *yyscan_t;
struct yy_buffer_state;

int yylex_init_extra(struct lex_state *extra, yyscan_t *scanner);
int yylex_destroy(yyscan_t scanner);
struct lex_state *yyget_extra(yyscan_t scanner);
struct yy_buffer_state *yy_scan_bytes(const char *bytes, int len, yyscan_t scanner);

#endif
