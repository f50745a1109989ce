/* SPDX-License-Identifier: GPL-2.0-only */
/* The grammar. Actions only build nodes; every check happens in sema.
 * Conflicts are resolved with precedence, never accepted: %expect 0. */
%code requires {
#include <stdint.h>
#include <stddef.h>
#include "ast/ast.h"
#include "lexer/lexer.h"

struct parse_ctx {
	struct node *clauses;
	struct node *decls;	/* let @m = KIND(N); */
	struct node *config;	/* config = { ... } */
	struct node *macros;	/* macro NAME(...) { ... } */
	struct node *types;	/* struct, union, enum and typedef declarations */
};
}

%code {
#include <stdlib.h>
#include <string.h>
#include "util/util.h"

int yylex(YYSTYPE *lval, YYLTYPE *lloc, yyscan_t scanner);
static void yyerror(YYLTYPE *loc, yyscan_t scanner, struct parse_ctx *ctx, const char *msg);

#define YYLLOC_DEFAULT(Cur, Rhs, N)                                          \
	do {                                                                 \
		if (N) {                                                     \
			(Cur).start = YYRHSLOC(Rhs, 1).start;                \
			(Cur).end = YYRHSLOC(Rhs, N).end;                    \
		} else {                                                     \
			(Cur).start = (Cur).end = YYRHSLOC(Rhs, 0).end;      \
		}                                                            \
	} while (0)

/* Deep nesting is refused rather than recursed into by later passes. */
#define YYMAXDEPTH 2000

static struct node *mk(enum ast_kind k, struct loc l, struct node *a, struct node *b,
		       struct node *c)
{
	struct node *n = ast_new(k, l);

	n->a = a;
	n->b = b;
	n->c = c;
	return n;
}

/* What comes before the probes: only "config = { ... }". */
static struct node *mk_config(struct loc l, struct loc name_loc, char *name, struct node *items)
{
	struct node *n = mk(AST_CONFIG, l, NULL, NULL, NULL);

	if (strcmp(name, "config"))
		diag_error(name_loc, "unexpected '%s' before the probes: only a block "
			   "'config = { NAME = VALUE; ... }' comes there", name);
	free(name);
	n->list = items;
	return n;
}

/* bpftrace reads a config block only before the probes, and so does plumb. */
static void late_config(struct node *config, bool twice)
{
	diag_error(config->loc, twice ? "a second config block (one holds every setting)" :
		   "the config block comes before the probes");
	ast_free(config);
}

/* base.name, base->name: args.NAME is the probe's own (AST_FIELD);
 * anything else reads a member of a value ($t.0, $r.a) or of a program
 * type (args.s->ver.minor): AST_MEMBER. */
static struct node *mk_member(struct loc l, struct node *base, int op, char *name)
{
	struct node *n;

	if (base->kind == AST_IDENT && !strcmp(base->name, "args")) {
		n = ast_name(AST_FIELD, l, name);
		n->a = base;
		return n;
	}
	n = ast_name(AST_MEMBER, l, name);
	n->a = base;
	n->op = op;
	return n;
}

/* @m[(a, b)] is @m[a, b], as in bpftrace: a tuple written as the only
 * key is the keys. A record stays one key. */
static struct node *tuple_keys(struct node *keys)
{
	struct node *t = keys, *elems;

	if (t->next || t->kind != AST_TUPLE || t->list->kind == AST_FIELDINIT)
		return keys;
	elems = t->list;
	t->list = NULL;
	ast_free(t);
	return elems;
}

/* KEY in @m, (k1, k2) in @m: has_key(@m[KEY]), the element looked up
 * and nothing inserted. */
static struct node *mk_in(struct loc l, struct node *key, struct loc ml, char *map)
{
	struct node *n = ast_name(AST_CALL, l, xstrdup("has_key"));

	n->op = OP_IN;	/* for has_key()'s messages */
	n->list = ast_name(AST_MAP, ml, map);
	n->list->list = tuple_keys(key);
	return n;
}

/* "x = 1": name the kinds of variable there are. */
static struct node *bad_target(struct loc l, char *name, struct node *value)
{
	diag_error(l, "cannot assign to '%s': variables are $%s (in this clause), @%s (a map) "
		   "or self->%s (per thread)", name, name, name, name);
	free(name);
	return mk(AST_EXPR_STMT, l, value, NULL, NULL);
}

/* A tag: "struct S", "union U { ... }", "enum E { ... }". */
static struct node *mk_tag(struct loc l, int kw, char *name, struct node *body, bool has_body)
{
	struct node *n = ast_new(kw == 'e' ? AST_ENUM : AST_RECORD, l);

	n->op = kw;
	n->name = name;
	n->list = body;
	n->num = has_body;
	return n;
}

/* One declarator of a member or typedef: the name, its '*'s, its array
 * dimensions and bit-field width. The type spec hangs on the first
 * declarator of a declaration; the ones after a ',' have none and take
 * the one before them. */
static struct node *mk_declarator(struct loc l, char *name, int stars, struct node *dims,
				  struct node *bits)
{
	struct node *n = ast_new(AST_DECLARATOR, l);

	n->name = name;
	n->op = stars;
	n->list = dims;
	n->b = bits;
	return n;
}

static struct node *spec_words(struct loc l, struct node *words)
{
	struct node *n = ast_new(AST_TYPESPEC, l);

	n->list = words;
	return n;
}

/* "unsigned long x": the last word is the name when no '*' follows;
 * "unsigned :4", an unnamed bit-field, ends with a C type word. */
static struct node *words_declarator(struct loc words_loc, struct node *words, struct node *dims,
				     struct node *bits, struct loc l)
{
	struct node *last = words, *prev = NULL;

	while (last->next) {
		prev = last;
		last = last->next;
	}
	if (bits && !dims && type_is_word(last->name)) {
		struct node *d = mk_declarator(l, NULL, 0, NULL, bits);
		d->a = spec_words(words_loc, words);
		return d;
	}
	if (!prev) {
		diag_error(words_loc, "'%s' needs a type before it (e.g. 'int %s')", last->name, last->name);
		struct node *d = mk_declarator(l, xstrdup(last->name), 0, dims, bits);
		ast_free_list(words);
		return d;
	}
	prev->next = NULL;
	struct node *d = mk_declarator(last->loc, last->name, 0, dims, bits);
	(void)l;
	last->name = NULL;
	ast_free(last);
	d->a = ast_new(AST_TYPESPEC, words->loc);
	d->a->list = words;
	d->a->loc.end = prev->loc.end;
	return d;
}

static struct node *mk_assign(struct loc l, struct node *target, int op, struct node *value)
{
	struct node *n = mk(AST_ASSIGN, l, target, value, NULL);

	n->op = op;
	return n;
}
}

%define api.pure full
%define api.location.type {struct loc}
%define parse.error verbose
%locations
%expect 0
%lex-param {yyscan_t scanner}
%parse-param {yyscan_t scanner} {struct parse_ctx *ctx}

%union {
	uint64_t num;
	char *str;
	struct { char *s; size_t len; } strlit;
	struct node *node;
}

%token <str> PROBE "probe" IDENT "identifier" MAP "map" LOCAL "variable"
%token <str> TYPEWORD "type name" SIGWORD "argument name" CASTTYPE "cast to a program type"
%token <str> SIZEOF_TYPE "sizeof(TYPE)" OFFSETOF "offsetof(TYPE,"
%token <strlit> STRING "string"
%token <num> BOOL "true or false"
%token <num> INT "integer" POSITIONAL "positional parameter" ASSIGNOP "compound assignment"
%token BEGIN_PROBE "BEGIN" END_PROBE "END" ENDPRED "end of predicate '/'"
%token ANGLE_OPEN "'<' block" ANGLE_CLOSE "end of '<' block '>'"
%token IF "if" ELSE "else" SELF "self" ARROW "->"
%token WHILE "while" UNROLL "unroll" FOR "for" BREAK "break" CONTINUE "continue" RETURN "return" LET "let" DOTDOT ".." IN "in"
%token EQ "==" NE "!=" LE "<=" GE ">=" AND "&&" OR "||" SHL "<<" SHR ">>"
%token INC "++" DEC "--" SIZEOF "sizeof"
%token NPARAMS "'$#'" MACRO "macro"
%token STRUCT "struct" UNION "union" ENUM "enum" TYPEDEF "typedef"

%type <node> clause probes probe sigargs sigarg_list sigarg pred block
%type <node> block_body stmts_t simple if_stmt else_opt lvalue loop body
%type <node> expr primary map call_args expr_list decl
%type <node> config config_items config_list config_item config_value
%type <node> macro macro_params macro_param_list macro_param macro_body
%type <node> fieldinits fieldinit
%type <node> member_path
%type <str> typewords sigwords name
%type <node> type_decl tag_spec members member_decl words declarators declarator more_declarators
%type <node> dims bits enumerators enumerator fn_declarator
%type <num> record_kw stars

%destructor { free($$); } <str>
%destructor { free($$.s); } <strlit>
%destructor { ast_free_list($$); } <node>

%right '?' ':'
%left OR
%left AND
%left '|'
%left '^'
%left '&'
%left EQ NE
%left '<' '>' LE GE IN
%left SHL SHR
%left '+' '-'
%left '*' '/' '%'
%precedence UNARY
%precedence MAPNAME
%precedence '['

%%

/* The top level, in any order: probes, macros, type and map
 * declarations; the config block before the first probe. */
program:
	items
	;

items:
	item
	| items item
	;

item:
	clause			{ ctx->clauses = ast_append(ctx->clauses, $1); }
	| macro			{ ctx->macros = ast_append(ctx->macros, $1); }
	| type_decl		{ ctx->types = ast_append(ctx->types, $1); }
	| decl			{ ctx->decls = ast_append(ctx->decls, $1); }
	| config		{ if (ctx->clauses || ctx->config) late_config($1, ctx->config != NULL);
				  else ctx->config = $1; }
	;

decl:
	LET MAP '=' IDENT '(' expr ')' ';'
				{ $$ = mk(AST_MAP_DECL, @$, ast_name(AST_IDENT, @4, $4), $6, NULL);
				  $$->name = $2; }
	;

config:
	IDENT '=' '{' config_items '}'
				{ $$ = mk_config(@$, @1, $1, $4); }
	;

config_items:
	%empty			{ $$ = NULL; }
	| config_list		{ $$ = $1; }
	| config_list ';'	{ $$ = $1; }
	;

config_list:
	config_item		{ $$ = $1; }
	| config_list ';' config_item { $$ = ast_append($1, $3); }
	;

config_item:
	IDENT '=' config_value	{ $$ = ast_name(AST_CONFIG_ITEM, @1, $1); $$->a = $3; }
	;

config_value:
	INT			{ $$ = ast_int(@$, $1); }
	| STRING		{ $$ = ast_str(@$, $1.s, $1.len); free($1.s); }
	| IDENT			{ $$ = ast_name(AST_IDENT, @$, $1); }
	| BOOL			{ $$ = ast_new(AST_BOOL, @$); $$->num = $1; }
	;

macro:
	MACRO IDENT '(' macro_params ')' '{' macro_body '}'
				{ $$ = $7; $$->name = $2; $$->list = $4; $$->loc = @2; }
	;

macro_params:
	%empty			{ $$ = NULL; }
	| macro_param_list	{ $$ = $1; }
	;

macro_param_list:
	macro_param		{ $$ = $1; }
	| macro_param_list ',' macro_param { $$ = ast_append($1, $3); }
	;

macro_param:
	IDENT			{ $$ = ast_name(AST_IDENT, @$, $1); }
	| LOCAL			{ $$ = ast_name(AST_LOCAL, @$, $1); }
	| MAP			{ $$ = ast_name(AST_MAP, @$, $1); }
	;

/* The value of a macro is its last expression when no ';' follows it. */
macro_body:
	stmts_t			{ $$ = mk(AST_MACRO, @$, mk(AST_BLOCK, @$, NULL, NULL, NULL), NULL, NULL);
				  $$->a->list = $1; }
	| stmts_t simple	{ $$ = mk(AST_MACRO, @$, mk(AST_BLOCK, @$, NULL, NULL, NULL), NULL, NULL);
				  $$->a->list = $1;
				  if ($2->kind == AST_EXPR_STMT) { $$->b = $2->a; $2->a = NULL; ast_free($2); }
				  else $$->a->list = ast_append($1, $2); }
	;

/* ---- declarations of C types ---- */

/* bpftrace ends "struct S { ... }" at its brace; C's ';' may follow */
type_decl:
	tag_spec ';'		{ $$ = $1; }
	| tag_spec		{ $$ = $1; }
	| TYPEDEF member_decl	{ $$ = $2; for (struct node *d = $$; d; d = d->next) d->kind = AST_TYPEDEF; }
	;

record_kw:
	STRUCT			{ $$ = 's'; }
	| UNION			{ $$ = 'u'; }
	;

tag_spec:
	record_kw IDENT		{ $$ = mk_tag(@$, (int)$1, $2, NULL, false); }
	| record_kw IDENT '{' members '}' { $$ = mk_tag(@$, (int)$1, $2, $4, true); }
	| record_kw '{' members '}' { $$ = mk_tag(@$, (int)$1, NULL, $3, true); }
	| ENUM IDENT		{ $$ = mk_tag(@$, 'e', $2, NULL, false); }
	| ENUM IDENT '{' enumerators '}' { $$ = mk_tag(@$, 'e', $2, $4, true); }
	| ENUM IDENT '{' enumerators ',' '}' { $$ = mk_tag(@$, 'e', $2, $4, true); }
	| ENUM '{' enumerators '}' { $$ = mk_tag(@$, 'e', NULL, $3, true); }
	| ENUM '{' enumerators ',' '}' { $$ = mk_tag(@$, 'e', NULL, $3, true); }
	;

enumerators:
	enumerator		{ $$ = $1; }
	| enumerators ',' enumerator { $$ = ast_append($1, $3); }
	;

enumerator:
	IDENT			{ $$ = ast_name(AST_ENUMERATOR, @$, $1); }
	| IDENT '=' INT		{ $$ = ast_name(AST_ENUMERATOR, @$, $1); $$->a = ast_int(@3, $3); }
	| IDENT '=' '-' INT	{ $$ = ast_name(AST_ENUMERATOR, @$, $1); $$->a = ast_int(@4, -$4); $$->a->loc.start = @3.start; }
	;

members:
	%empty			{ $$ = NULL; }
	| members member_decl	{ $$ = ast_append($1, $2); }
	;

member_decl:
	tag_spec declarators ';' { $$ = $2; $$->a = $1; }
	| tag_spec ';'		{ $$ = mk_declarator(@1, NULL, 0, NULL, NULL); $$->a = $1; }
	| words dims bits more_declarators ';'
				{ $$ = ast_append(words_declarator(@1, $1, $2, $3, @$), $4); }
	| words fn_declarator more_declarators ';'
				{ $$ = ast_append($2, $3); $$->a = spec_words(@1, $1); }
	| words stars IDENT dims bits more_declarators ';'
				{ $$ = mk_declarator(@3, $3, (int)$2, $4, $5); $$->a = spec_words(@1, $1);
				  $$ = ast_append($$, $6); }
	;

words:
	IDENT			{ $$ = ast_name(AST_IDENT, @$, $1); }
	| words IDENT		{ $$ = ast_append($1, ast_name(AST_IDENT, @2, $2)); }
	;

stars:
	'*'			{ $$ = 1; }
	| stars '*'		{ $$ = $1 + 1; }
	;

declarators:
	declarator		{ $$ = $1; }
	| declarators ',' declarator { $$ = ast_append($1, $3); }
	;

more_declarators:
	%empty			{ $$ = NULL; }
	| more_declarators ',' declarator { $$ = ast_append($1, $3); }
	;

declarator:
	IDENT dims bits		{ $$ = mk_declarator(@1, $1, 0, $2, $3); }
	| stars IDENT dims bits	{ $$ = mk_declarator(@2, $2, (int)$1, $3, $4); }
	| fn_declarator		{ $$ = $1; }
	;

/* "void (*cb)(int, char *)": a pointer to code, which is all a probe can
 * do with it; the parameters are skipped. */
fn_declarator:
	'(' stars IDENT ')' '(' fn_params ')'
				{ $$ = mk_declarator(@3, $3, (int)$2, NULL, NULL); $$->num = 1; }
	;

fn_params:
	%empty
	| fn_params IDENT	{ free($2); }
	| fn_params '*'
	| fn_params ','
	| fn_params STRUCT
	| fn_params UNION
	| fn_params ENUM
	;

dims:
	%empty			{ $$ = NULL; }
	| dims '[' INT ']'	{ $$ = ast_append($1, ast_int(@3, $3)); }
	| dims '[' ']'		{ struct node *d = ast_int(@2, 0); d->op = '['; $$ = ast_append($1, d); }
	;

bits:
	%empty			{ $$ = NULL; }
	| ':' INT		{ $$ = ast_int(@2, $2); }
	;

clause:
	probes pred block	{ $$ = mk(AST_CLAUSE, @$, $2, $3, NULL); $$->list = $1; }
	;

probes:
	probe			{ $$ = $1; }
	| probes ',' probe	{ $$ = ast_append($1, $3); }
	;

probe:
	PROBE			{ $$ = ast_name(AST_PROBE, @$, $1); }
	| PROBE '(' sigargs ')'	{ $$ = ast_name(AST_PROBE, @1, $1); $$->list = $3; }
	| BEGIN_PROBE		{ $$ = ast_name(AST_PROBE, @$, xstrdup("BEGIN")); }
	| END_PROBE		{ $$ = ast_name(AST_PROBE, @$, xstrdup("END")); }
	;

sigargs:
	%empty			{ $$ = NULL; }
	| sigarg_list		{ $$ = $1; }
	;

sigarg_list:
	sigarg			{ $$ = $1; }
	| sigarg_list ',' sigarg { $$ = ast_append($1, $3); }
	;

sigarg:
	sigwords		{ $$ = ast_name(AST_SIGARG, @$, $1); }
	;

sigwords:
	SIGWORD			{ $$ = $1; }
	| '*'			{ $$ = xstrdup("*"); }
	| sigwords SIGWORD	{ $$ = xasprintf("%s %s", $1, $2); free($1); free($2); }
	| sigwords '*'		{ $$ = xasprintf("%s *", $1); free($1); }
	;

pred:
	%empty			{ $$ = NULL; }
	| '/' expr ENDPRED	{ $$ = $2; }
	;

block:
	'{' block_body '}'	{ $$ = mk(AST_BLOCK, @$, NULL, NULL, NULL); $$->list = $2; }
	| ANGLE_OPEN stmts_t ANGLE_CLOSE
				{ $$ = mk(AST_BLOCK, @$, NULL, NULL, NULL); $$->list = $2; }
	;

block_body:
	stmts_t			{ $$ = $1; }
	| stmts_t simple	{ $$ = ast_append($1, $2); }
	;

stmts_t:
	%empty			{ $$ = NULL; }
	| stmts_t simple ';'	{ $$ = ast_append($1, $2); }
	| stmts_t if_stmt	{ $$ = ast_append($1, $2); }
	| stmts_t loop		{ $$ = ast_append($1, $2); }
	| stmts_t ';'		{ $$ = $1; }
	| stmts_t error ';'	{ $$ = $1; yyerrok; }
	;

simple:
	expr			{ $$ = mk(AST_EXPR_STMT, @$, $1, NULL, NULL); }
	| lvalue '=' expr	{ $$ = mk_assign(@$, $1, '=', $3); }
	| lvalue ASSIGNOP expr	{ $$ = mk_assign(@$, $1, (int)$2, $3); }
	| lvalue INC		{ $$ = mk_assign(@$, $1, '+', ast_int(@2, 1)); }
	| lvalue DEC		{ $$ = mk_assign(@$, $1, '-', ast_int(@2, 1)); }
	| INC lvalue		{ $$ = mk_assign(@$, $2, '+', ast_int(@1, 1)); }
	| DEC lvalue		{ $$ = mk_assign(@$, $2, '-', ast_int(@1, 1)); }
	| LET LOCAL		{ $$ = ast_name(AST_LET, @$, $2); }
	| LET LOCAL '=' expr	{ $$ = mk_assign(@$, ast_name(AST_LOCAL, @2, $2), '=', $4); }
	| BREAK			{ $$ = ast_new(AST_BREAK, @$); }
	| CONTINUE		{ $$ = ast_new(AST_CONTINUE, @$); }
	| RETURN		{ $$ = ast_new(AST_RETURN, @$); }
	| RETURN expr		{ $$ = mk(AST_RETURN, @$, $2, NULL, NULL); }
	| IDENT '=' expr	{ $$ = bad_target(@1, $1, $3); }
	| IDENT ASSIGNOP expr	{ $$ = bad_target(@1, $1, $3); }
	;

lvalue:
	map			{ $$ = $1; }
	| LOCAL			{ $$ = ast_name(AST_LOCAL, @$, $1); }
	| SELF ARROW name	{ $$ = ast_name(AST_SELF, @$, $3); }
	;

if_stmt:
	IF '(' expr ')' '{' block_body '}' else_opt
				{ $$ = mk(AST_IF, @$, $3, mk(AST_BLOCK, @5, NULL, NULL, NULL), $8);
				  $$->b->list = $6; $$->b->loc.end = @7.end; }
	;

loop:
	WHILE '(' expr ')' body	{ $$ = mk(AST_WHILE, @$, $3, $5, NULL); }
	| UNROLL '(' expr ')' body { $$ = mk(AST_UNROLL, @$, $3, $5, NULL); }
	| FOR '(' LOCAL ':' expr DOTDOT expr ')' body
				{ $$ = mk(AST_FOR, @$, ast_name(AST_LOCAL, @3, $3), $9, NULL);
				  $$->list = ast_append($5, $7); }
	| FOR '(' LOCAL ':' expr ')' body
				{ $$ = mk(AST_FOR, @$, ast_name(AST_LOCAL, @3, $3), $7, $5); }
	/* bpftrace's docs write them without the parentheses too */
	| FOR LOCAL ':' expr DOTDOT expr body
				{ $$ = mk(AST_FOR, @$, ast_name(AST_LOCAL, @2, $2), $7, NULL);
				  $$->list = ast_append($4, $6); }
	| FOR LOCAL ':' expr body
				{ $$ = mk(AST_FOR, @$, ast_name(AST_LOCAL, @2, $2), $5, $4); }
	;

body:
	'{' block_body '}'	{ $$ = mk(AST_BLOCK, @$, NULL, NULL, NULL); $$->list = $2; }
	;

else_opt:
	%empty			{ $$ = NULL; }
	| ELSE '{' block_body '}' { $$ = mk(AST_BLOCK, @$, NULL, NULL, NULL); $$->list = $3; }
	| ELSE if_stmt		{ $$ = $2; }
	;

expr:
	primary			{ $$ = $1; }
	| expr '?' expr ':' expr { $$ = mk(AST_TERNARY, @$, $1, $3, $5); }
	| expr OR expr		{ $$ = ast_binop(@$, OP_OR, $1, $3); }
	| expr AND expr		{ $$ = ast_binop(@$, OP_AND, $1, $3); }
	| expr '|' expr		{ $$ = ast_binop(@$, '|', $1, $3); }
	| expr '^' expr		{ $$ = ast_binop(@$, '^', $1, $3); }
	| expr '&' expr		{ $$ = ast_binop(@$, '&', $1, $3); }
	| expr EQ expr		{ $$ = ast_binop(@$, OP_EQ, $1, $3); }
	| expr NE expr		{ $$ = ast_binop(@$, OP_NE, $1, $3); }
	| expr '<' expr		{ $$ = ast_binop(@$, '<', $1, $3); }
	| expr '>' expr		{ $$ = ast_binop(@$, '>', $1, $3); }
	| expr LE expr		{ $$ = ast_binop(@$, OP_LE, $1, $3); }
	| expr GE expr		{ $$ = ast_binop(@$, OP_GE, $1, $3); }
	| expr IN MAP		{ $$ = mk_in(@$, $1, @3, $3); }
	| expr SHL expr		{ $$ = ast_binop(@$, OP_SHL, $1, $3); }
	| expr SHR expr		{ $$ = ast_binop(@$, OP_SHR, $1, $3); }
	| expr '+' expr		{ $$ = ast_binop(@$, '+', $1, $3); }
	| expr '-' expr		{ $$ = ast_binop(@$, '-', $1, $3); }
	| expr '*' expr		{ $$ = ast_binop(@$, '*', $1, $3); }
	| expr '/' expr		{ $$ = ast_binop(@$, '/', $1, $3); }
	| expr '%' expr		{ $$ = ast_binop(@$, '%', $1, $3); }
	| '-' expr %prec UNARY	{ $$ = ast_unop(@$, '-', $2); }
	| '+' expr %prec UNARY	{ $$ = $2; $$->loc = @$; }
	| '!' expr %prec UNARY	{ $$ = ast_unop(@$, '!', $2); }
	| '~' expr %prec UNARY	{ $$ = ast_unop(@$, '~', $2); }
	| '*' expr %prec UNARY	{ $$ = ast_unop(@$, '*', $2); }
	| '(' typewords ')' expr %prec UNARY
				{ $$ = mk(AST_CAST, @$, $4, NULL, NULL); $$->name = $2; }
	| CASTTYPE expr %prec UNARY
				{ $$ = mk(AST_CAST, @$, $2, NULL, NULL); $$->name = $1; }
	;

typewords:
	TYPEWORD		{ $$ = $1; }
	| typewords TYPEWORD	{ $$ = xasprintf("%s %s", $1, $2); free($1); free($2); }
	| typewords '*'		{ $$ = xasprintf("%s *", $1); free($1); }
	;

primary:
	INT			{ $$ = ast_int(@$, $1); }
	| BOOL			{ $$ = ast_new(AST_BOOL, @$); $$->num = $1; }
	| STRING		{ $$ = ast_str(@$, $1.s, $1.len); free($1.s); }
	| IDENT			{ $$ = ast_name(AST_IDENT, @$, $1); }
	| IN			{ $$ = ast_name(AST_IDENT, @$, xstrdup("in")); }	/* an argument named in */
	| POSITIONAL		{ $$ = ast_new(AST_POSITIONAL, @$); $$->num = $1; }
	| NPARAMS		{ $$ = ast_new(AST_POSITIONAL, @$); $$->op = '#'; }
	| LOCAL			{ $$ = ast_name(AST_LOCAL, @$, $1); }
	| map			{ $$ = $1; }
	| SELF ARROW name	{ $$ = ast_name(AST_SELF, @$, $3); }
	| primary '.' name	{ $$ = mk_member(@$, $1, '.', $3); }
	| primary '.' INT	{ $$ = mk_member(@$, $1, '.', xasprintf("%llu", (unsigned long long)$3)); }
	| primary ARROW name	{ $$ = mk_member(@$, $1, OP_ARROW, $3); }
	| primary '[' expr ']'	{ $$ = mk(AST_INDEX, @$, $1, $3, NULL); }
	| IDENT '(' call_args ')' { $$ = ast_name(AST_CALL, @$, $1); $$->list = $3; }
	| SIZEOF_TYPE		{ $$ = ast_name(AST_LAYOUT, @$, $1); }
	| OFFSETOF member_path ')' { $$ = ast_name(AST_LAYOUT, @$, $1); $$->list = $2; }
	| '(' expr ')'		{ $$ = $2; }
	| '(' expr ',' ')'	{ $$ = mk(AST_TUPLE, @$, NULL, NULL, NULL); $$->list = $2; }
	| '(' expr ',' expr_list ')' { $$ = mk(AST_TUPLE, @$, NULL, NULL, NULL); $$->list = ast_append($2, $4); }
	| '(' fieldinits ')'	{ $$ = mk(AST_TUPLE, @$, NULL, NULL, NULL); $$->list = $2; }
	| '(' fieldinits ',' ')' { $$ = mk(AST_TUPLE, @$, NULL, NULL, NULL); $$->list = $2; }
	| SIZEOF '(' typewords ')' { $$ = ast_name(AST_SIZEOF, @$, $3); }
	| SIZEOF '(' expr ')'	{ $$ = mk(AST_SIZEOF, @$, $3, NULL, NULL); }
	;

fieldinits:
	fieldinit		{ $$ = $1; }
	| fieldinits ',' fieldinit { $$ = ast_append($1, $3); }
	;

fieldinit:
	name '=' expr		{ $$ = ast_name(AST_FIELDINIT, @$, $1); $$->a = $3; }
	;

member_path:
	name			{ $$ = ast_name(AST_IDENT, @$, $1); }
	| member_path '.' name	{ $$ = ast_append($1, ast_name(AST_IDENT, @3, $3)); }
	;

/* A member's name: 'in' is an operator, and a member too (self->in) */
name:
	IDENT			{ $$ = $1; }
	| IN			{ $$ = xstrdup("in"); }
	;

map:
	MAP %prec MAPNAME	{ $$ = ast_name(AST_MAP, @$, $1); }
	| MAP '[' expr_list ']'	{ $$ = ast_name(AST_MAP, @$, $1); $$->list = tuple_keys($3); }
	;

call_args:
	%empty			{ $$ = NULL; }
	| expr_list		{ $$ = $1; }
	;

expr_list:
	expr			{ $$ = $1; }
	| expr_list ',' expr	{ $$ = ast_append($1, $3); }
	;

%%

static void yyerror(YYLTYPE *loc, yyscan_t scanner, struct parse_ctx *ctx, const char *msg)
{
	(void)ctx;
	if (yyget_extra(scanner)->fatal)
		return;
	if (!strcmp(msg, "memory exhausted"))
		msg = "program nested too deeply";
	if (!yyget_extra(scanner)->prev)
		msg = "the program is empty: write a probe and a block, e.g. "
		      "'BEGIN { printf(\"hello\\n\"); }'";
	diag_error(*loc, "%s", msg);
}
