// SPDX-License-Identifier: GPL-2.0-only
#include <stdlib.h>

#include "parser/parse.h"
#include "parser/parser.h"
#include "util/util.h"

struct program *parse_program(const char *name, const char *text, size_t len)
{
	struct program *prog = xcalloc(1, sizeof(*prog));
	struct strbuf sb = {0};
	struct lex_state ls = { .strbuf = &sb };
	struct parse_ctx ctx = {0};
	yyscan_t scanner;
	int rc;

	prog->src.name = name;
	prog->src.text = text;
	prog->src.len = len;
	diag_init(&prog->src);
	ls.src = &prog->src;
	if (len > PARSE_MAX_BYTES) {
		struct loc l = { PARSE_MAX_BYTES, PARSE_MAX_BYTES + 1 };
		diag_error(l, "the program is larger than the %u MiB plumb accepts",
			   PARSE_MAX_BYTES >> 20);
		diag_init(NULL);
		free(prog);
		return NULL;
	}
	if (yylex_init_extra(&ls, &scanner)) {
		errmsg("cannot start the scanner");
		exit(EXIT_RUNTIME);
	}
	yy_scan_bytes(text, (int)len, scanner);
	rc = yyparse(scanner, &ctx);
	yylex_destroy(scanner);
	sb_free(&sb);
	prog->clauses = ctx.clauses;
	prog->decls = ctx.decls;
	prog->config = ctx.config;
	prog->macros = ctx.macros;
	prog->types = ctx.types;
	if (!rc && !prog->clauses) {
		struct loc l = { (int)len, (int)len };
		diag_error(l, "the program has %s but no probe: write a probe and a block, "
			   "e.g. 'BEGIN { ... }'", prog->macros ? "macros" : "type declarations");
	}
	if (rc || diag_errors()) {
		if (!diag_errors()) {
			struct loc l = { (int)len, (int)len };
			diag_error(l, "syntax error");
		}
		program_free(prog);
		return NULL;
	}
	return prog;
}

void program_free(struct program *p)
{
	if (!p)
		return;
	ast_free_list(p->clauses);
	ast_free_list(p->decls);
	ast_free_list(p->config);
	ast_free_list(p->macros);
	ast_free_list(p->types);
	free(p);
}
