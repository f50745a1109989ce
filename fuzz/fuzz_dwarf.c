// SPDX-License-Identifier: GPL-2.0-only
/* libFuzzer target: arbitrary bytes as an ELF file with DWARF (written to
 * a memfd and opened by its /proc/self/fd path, as the reader opens a
 * binary), then the DWARF readers' entry points: the signature of every
 * function symbol (bin_dwarf_sig), types by name (bin_dwarf_type) and
 * line lookups (bin_line_addrs). Must never crash, leak, hang or read out
 * of bounds. Checked on every ctype the readers made: the name printer
 * and member search stay bounded on cyclic graphs (a record that holds
 * itself anonymously, a typedef of itself), a non-bit-field member has
 * no bit offset, a bit-field's bit offset is within its storage, and
 * line sites come sorted. Built and run by fuzz/run; seeds in
 * fuzz/corpus/dwarf (how they were made: fuzz/corpus/dwarf/README). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ast/type.h"
#include "binary/binary.h"
#include "ctype_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void lookups(const struct bin *b, struct type_table *tt)
{
	static const char *const names[] = {
		"node", "struct node", "shop::Snapshot", "Snapshot", "uint32_t", "int", "e",
	};
	static const struct { const char *file; int line; } lines[] = {
		{ "seed.c", 1 }, { "seed.c", 20 }, { "t/targets/calls.c", 30 }, { "a.c", 5 },
	};
	const struct bin_sym **v = NULL;
	size_t n = bin_sym_match(b, "*", true, &v);
	char err[256];

	for (size_t i = 0; i < n && i < 64; i++) {
		struct bin_sig s;
		if (bin_dwarf_sig(b, v[i]->vaddr, tt, &s))
			bin_sig_free(&s);
	}
	free(v);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		(void)bin_dwarf_type(b, names[i], tt);
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		struct bin_line_sites ls = {0};
		if (bin_line_addrs(b, lines[i].file, lines[i].line, &ls, err, sizeof(err))) {
			for (size_t k = 1; k < ls.vaddr.n; k++)
				assert(ls.vaddr.v[k - 1] <= ls.vaddr.v[k]);
		}
		bin_line_sites_free(&ls);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	struct type_table tt = {0};
	char err[256];
	struct bin *b;

	if (fd < 0) {
		unsetenv("DEBUGINFOD_URLS");	/* no network lookups of made-up build ids */
		fd = memfd_create("fuzz-dwarf", MFD_CLOEXEC);
		if (fd < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	b = bin_open(path, err, sizeof(err));
	if (!b)
		return 0;
	lookups(b, &tt);
	for (size_t i = 0; i < tt.n; i++)
		check_ctype(tt.v[i]);
	bin_dwarf_done();
	bin_close(b);
	type_table_free(&tt);
	return 0;
}
