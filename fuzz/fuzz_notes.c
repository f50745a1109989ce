// SPDX-License-Identifier: GPL-2.0-only
/* libFuzzer target: arbitrary bytes -> bin_open_mem -> usdt_read_notes, plus
 * the symbol and address helpers on whatever opened. Must never crash,
 * leak, hang or read out of bounds.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
 *       -Isrc src/util/util.c src/binary/binary.c src/usdt/note.c src/usdt/argspec.c \
 *       fuzz/fuzz_notes.c -lelf -o fuzz_notes
 *   ./fuzz_notes -max_total_time=180 corpus-dir fuzz/corpus/notes
 */
#include <stdint.h>
#include <stdlib.h>

#include "binary/binary.h"
#include "usdt/usdt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	struct bin *b = bin_open_mem(data, size, err, sizeof(err));
	struct usdt_notes ns;
	const struct bin_sym **v = NULL;
	volatile uint64_t sink = 0;

	if (!b)
		return 0;
	if (usdt_read_notes(b, &ns, err, sizeof(err))) {
		for (size_t i = 0; i < ns.n; i++) {
			const struct usdt_note *n = &ns.v[i];
			uint64_t va;
			if (bin_off_to_vaddr(b, n->pc_off, &va))
				sink += va;
			if (bin_sym_at(b, n->pc))
				sink++;
			for (int k = 0; k < n->nargs; k++)
				sink += (uint64_t)n->args[k].imm + n->args[k].sym_vaddr;
		}
		usdt_notes_free(&ns);
	}
	/* symbol helpers over the merged table */
	if (bin_sym_find(b, "main", NULL))
		sink++;
	size_t cnt = bin_sym_match(b, "*", true, &v);
	for (size_t i = 0; i < cnt; i++) {
		uint64_t off;
		if (bin_vaddr_to_off(b, v[i]->vaddr, true, &off))
			sink += off;
		if (bin_sym_at(b, v[i]->vaddr + 1))
			sink++;
	}
	free(v);
	for (size_t i = 0; i < b->nsegs; i++) {
		if (bin_sym_at(b, b->segs[i].vaddr + b->segs[i].memsz / 2))
			sink++;
	}
	(void)sink;
	bin_close(b);
	return 0;
}
