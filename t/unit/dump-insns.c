// SPDX-License-Identifier: GPL-2.0-only
/* Test helper for src/binary/insn.c:
 *   dump-insns ELF FUNC         -> one line per instruction of FUNC:
 *                                  "0xVADDR LEN emulated|stepped|refused|misrun TEXT",
 *                                  then "end 0xEND decoded 0xDECODED_END"
 *   dump-insns classify HEX...  -> "HEX emulated|stepped|refused|misrun" per byte
 *                                  string ("4990" is xchg %rax, %r8)
 * The first is compared with objdump -d; the second with what the
 * kernel's arch/x86/kernel/uprobes.c does with those bytes. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binary/insn.h"

static const char *const cls[] = { "emulated", "stepped", "refused", "misrun" };

static int classify(int argc, char **argv)
{
	for (int a = 2; a < argc; a++) {
		uint8_t code[16];
		size_t n = 0;
		const char *why;

		for (const char *h = argv[a]; h[0] && h[1] && n < sizeof(code); h += 2) {
			char byte[3] = { h[0], h[1], 0 };
			code[n++] = (uint8_t)strtoul(byte, NULL, 16);
		}
		printf("%s %s\n", argv[a], cls[bin_insn_classify(code, n, &why)]);
	}
	return 0;
}

int main(int argc, char **argv)
{
	const struct bin_sym *f;
	struct bin_insns d;
	char err[256];
	struct bin *b;

	if (argc >= 2 && !strcmp(argv[1], "classify"))
		return classify(argc, argv);
	if (argc != 3) {
		fprintf(stderr, "usage: dump-insns ELF FUNC | dump-insns classify HEX...\n");
		return 1;
	}
	if (!(b = bin_open(argv[1], err, sizeof(err)))) {
		fprintf(stderr, "%s: %s\n", argv[1], err);
		return 1;
	}
	f = bin_sym_find(b, argv[2], NULL);
	if (!f || !bin_insns_decode(b, f, &d, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", argv[2], f ? err : "no such symbol");
		bin_close(b);
		return 1;
	}
	for (size_t i = 0; i < d.n; i++)
		printf("0x%" PRIx64 " %u %s %s\n", d.v[i].vaddr, d.v[i].len, cls[d.v[i].probe],
		       d.v[i].text);
	printf("end 0x%" PRIx64 " decoded 0x%" PRIx64 "\n", d.end, d.decoded_end);
	bin_insns_free(&d);
	bin_close(b);
	return 0;
}
