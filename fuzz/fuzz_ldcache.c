// SPDX-License-Identifier: GPL-2.0-only
/* libFuzzer target for the /etc/ld.so.cache parser (bin_ldcache_lookup):
 * old, new and combined formats from arbitrary bytes.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
 *       -Isrc src/util/util.c src/binary/resolve.c fuzz/fuzz_ldcache.c -o fuzz_ldcache
 *   ./fuzz_ldcache -max_total_time=60 corpus-dir fuzz/corpus/ldcache
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "binary/binary.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"c", "libc.so.6", "foo", "libpython3.11.so", "ld-linux"};
	char out[PATH_MAX];
	/* an exact-size copy so ASan sees any read past the end */
	uint8_t *copy = malloc(size ? size : 1);

	memcpy(copy, data, size);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (bin_ldcache_lookup(copy, size, names[i], out, sizeof(out)) && !memchr(out, 0, sizeof(out)))
			abort();
	free(copy);
	return 0;
}
