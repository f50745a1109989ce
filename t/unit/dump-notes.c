// SPDX-License-Identifier: GPL-2.0-only
/* Test helper: print the USDT notes of a binary as usdt_read_notes sees
 * them, one line per note:
 *   provider name pc base sem pc_off sem_off nargs args_text
 * (numbers in hex with 0x, nargs in decimal, args_text verbatim, may be
 * empty). -a adds one indented line per parsed argument. -m reads the
 * file into memory and uses bin_open_mem. Exit status: 0 fine, 1 cannot
 * open/read, 2 some note's arguments did not parse (reasons on stderr). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binary/binary.h"
#include "usdt/usdt.h"

static void *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (!f)
		return NULL;
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
	} while (r > 0);
	fclose(f);
	*len = n;
	return buf;
}

static const char *kind_name(enum usdt_arg_kind k)
{
	return k == USDT_ARG_CONST ? "const" : k == USDT_ARG_REG ? "reg" : "mem";
}

int main(int argc, char **argv)
{
	bool args = false, mem = false;
	const char *path = NULL;
	char err[256];
	struct bin *b;
	struct usdt_notes ns;
	int rc = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-a"))
			args = true;
		else if (!strcmp(argv[i], "-m"))
			mem = true;
		else
			path = argv[i];
	}
	if (!path) {
		fprintf(stderr, "usage: dump-notes [-a] [-m] ELF\n");
		return 1;
	}
	if (mem) {
		size_t len = 0;
		void *buf = slurp(path, &len);
		if (!buf) {
			perror(path);
			return 1;
		}
		b = bin_open_mem(buf, len, err, sizeof(err));
		free(buf);
	} else {
		b = bin_open(path, err, sizeof(err));
	}
	if (!b) {
		fprintf(stderr, "%s: %s\n", path, err);
		return 1;
	}
	if (!usdt_read_notes(b, &ns, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", path, err);
		bin_close(b);
		return 1;
	}
	for (size_t i = 0; i < ns.n; i++) {
		const struct usdt_note *n = &ns.v[i];
		printf("%s %s 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64
		       " %d %s\n",
		       n->provider, n->name, n->pc, n->base, n->sem, n->pc_off, n->sem_off, n->nargs,
		       n->args_text);
		if (n->arg_error) {
			fprintf(stderr, "%s:%s: %s\n", n->provider, n->name, n->arg_error);
			rc = 2;
		}
		for (int k = 0; args && k < n->nargs; k++) {
			const struct usdt_arg *a = &n->args[k];
			printf("  arg%d %s size=%d signed=%d reg=%d shift=%d index=%d scale=%d "
			       "imm=%" PRId64 " sym=%s resolved=%d sym_vaddr=0x%" PRIx64 "\n",
			       k + 1, kind_name(a->kind), a->size, a->is_signed, a->reg, a->shift,
			       a->index, a->scale, a->imm, a->sym ? a->sym : "-", a->sym_resolved,
			       a->sym_vaddr);
		}
	}
	usdt_notes_free(&ns);
	bin_close(b);
	return rc;
}
