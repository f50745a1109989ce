// SPDX-License-Identifier: GPL-2.0-only
/* str(p, n) with a run-time n, and reg() (t/1090-str-and-reg.t).
 *
 *   strreg names      calls loaded(p, n) with pointer + length pairs cut
 *                     from one buffer that holds no NUL (as the JVM's
 *                     hotspot:class__loaded passes class names), and fires
 *                     strreg:loaded(p, n) beside it; prints "name N TEXT"
 *                     per call: N as passed, TEXT its first max(N, 0) bytes
 *   strreg callers A B
 *                     calls leaf() A times from caller_a() and B times from
 *                     caller_b(); prints "caller_a A" and "caller_b B"
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sdt.h>

#define TRACED __attribute__((noinline, noipa, used))

static volatile long sink;

/* Names back to back, no NUL between them: a read that runs past n bytes
 * picks up the next name's bytes, not a terminator. */
static const char pool[] __attribute__((nonstring)) =
	"java/lang/Objectjava/lang/Stringjava/util/HashMap$Nodesun/misc/Unsafe"
	"java/util/concurrent/ConcurrentHashMap$TreeBinjdk/internal/misc/VM";

TRACED void loaded(const char *p, long n)
{
	sink += p[0] + n;
}

TRACED void leaf(long i)
{
	sink += i;
}

/* Something after each call, so the call is not a tail jump. */
TRACED void caller_a(long n)
{
	for (long i = 0; i < n; i++) {
		leaf(i);
		sink++;
	}
}

TRACED void caller_b(long n)
{
	for (long i = 0; i < n; i++) {
		leaf(i);
		sink--;
	}
}

static void names(void)
{
	/* offset, length: 0, negative and longer than any -s included */
	static const long cuts[][2] = {
		{0, 9}, {0, 4}, {16, 16}, {32, 22}, {54, 15}, {0, 0}, {9, -1},
		{69, 46}, {0, 130}, {5, 1}, {16, 5}, {0, 63}, {0, 64}, {1, 62},
		{100, -100}, {3, 2},
	};
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		const char *p = pool + cuts[i][0];
		long n = cuts[i][1];
		long k = n < 0 ? 0 : n;
		loaded(p, n);
		STAP_PROBE2(strreg, loaded, p, n);
		printf("name %ld %.*s\n", n, (int)k, p);
	}
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "names")) {
		names();
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "callers")) {
		long a = atol(argv[2]), b = atol(argv[3]);
		caller_a(a);
		caller_b(b);
		printf("caller_a %ld\ncaller_b %ld\n", a, b);
		return 0;
	}
	fprintf(stderr, "usage: strreg names | strreg callers A B\n");
	return 2;
}
