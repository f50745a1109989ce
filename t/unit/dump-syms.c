// SPDX-License-Identifier: GPL-2.0-only
/* Test helper for the symbol side of src/binary:
 *   dump-syms ELF find NAME...     -> "NAME vaddr size type bind off amb"
 *                                     or "NAME notfound"
 *   dump-syms ELF match PATTERN [funcs] -> "name vaddr" per match
 *   dump-syms ELF at VADDR...      -> "VADDR name+0xoff" or "VADDR none"
 *   dump-syms ELF v2o VADDR...     -> "VADDR off" (exec preferred) or "VADDR none"
 *   dump-syms ELF all              -> every merged symbol
 * Numbers in hex with 0x. type: func/object/other; bind: global/local. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binary/binary.h"

static const char *tname(enum bin_sym_type t)
{
	return t == BIN_SYM_FUNC ? "func" : t == BIN_SYM_OBJECT ? "object" : "other";
}

static void print_sym(const struct bin *b, const struct bin_sym *s, bool amb)
{
	uint64_t off = 0;
	bool have = bin_vaddr_to_off(b, s->vaddr, s->type == BIN_SYM_FUNC, &off);

	printf("%s 0x%" PRIx64 " 0x%" PRIx64 " %s %s ", s->name, s->vaddr, s->size,
	       tname(s->type), s->global ? "global" : "local");
	if (have)
		printf("0x%" PRIx64, off);
	else
		printf("none");
	printf(" %d\n", amb);
}

int main(int argc, char **argv)
{
	char err[256];
	struct bin *b;
	int rc = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: dump-syms ELF find|match|at|v2o|all ARGS...\n");
		return 1;
	}
	if (!(b = bin_open(argv[1], err, sizeof(err)))) {
		fprintf(stderr, "%s: %s\n", argv[1], err);
		return 1;
	}
	if (!strcmp(argv[2], "find")) {
		for (int i = 3; i < argc; i++) {
			bool amb = false;
			const struct bin_sym *s = bin_sym_find(b, argv[i], &amb);
			if (s) {
				print_sym(b, s, amb);
			} else {
				printf("%s notfound\n", argv[i]);
				rc = 3;
			}
		}
	} else if (!strcmp(argv[2], "match") && argc >= 4) {
		const struct bin_sym **v;
		size_t n = bin_sym_match(b, argv[3], argc > 4 && !strcmp(argv[4], "funcs"), &v);
		for (size_t i = 0; i < n; i++)
			printf("%s 0x%" PRIx64 "\n", v[i]->name, v[i]->vaddr);
		free(v);
	} else if (!strcmp(argv[2], "at") || !strcmp(argv[2], "v2o")) {
		for (int i = 3; i < argc; i++) {
			uint64_t va = strtoull(argv[i], NULL, 0), off;
			if (!strcmp(argv[2], "v2o")) {
				if (bin_vaddr_to_off(b, va, true, &off))
					printf("0x%" PRIx64 " 0x%" PRIx64 "\n", va, off);
				else
					printf("0x%" PRIx64 " none\n", va);
				continue;
			}
			const struct bin_sym *s = bin_sym_at(b, va);
			if (s)
				printf("0x%" PRIx64 " %s+0x%" PRIx64 "\n", va, s->name, va - s->vaddr);
			else
				printf("0x%" PRIx64 " none\n", va);
		}
	} else if (!strcmp(argv[2], "all")) {
		for (size_t i = 0; i < b->nsyms; i++)
			print_sym(b, &b->syms[i], false);
	} else {
		fprintf(stderr, "dump-syms: unknown command '%s'\n", argv[2]);
		rc = 1;
	}
	bin_close(b);
	return rc;
}
