// SPDX-License-Identifier: GPL-2.0-only
/*
 * dupsite: USDT probes whose note section lists one probe site twice, at
 * the same address.  Nothing in the note format forbids it (two macros
 * expanding at one spot, note sections merged from several objects), and
 * a tracer that attaches once per note counts every hit twice, or fails
 * with "Device or resource busy" as BCC did in the seed document.
 *
 *   dupsite:hit      two identical notes for one nop (-8@%rdi)
 *   dupsite:hitdiff  two notes for one nop that disagree on the argument:
 *                    the first says -8@%rdi (the truth), the second -8@$-1
 *   dupsite:once     an ordinary probe, one note
 *
 * The first note of each pair comes from <sys/sdt.h> (STAP_PROBE_ASM); the
 * second is written by hand below, byte for byte what sys/sdt.h emits, and
 * points at the same "990:" label.
 *
 * usage: dupsite [-n N] [-w] [-q]; prints its ground truth (README.md).
 */
#ifndef _GNU_SOURCE	/* config.h, forced in by the build, has it */
#define _GNU_SOURCE
#endif
#include <sys/sdt.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "target.h"

/*
 * One more NT_STAPSDT note (owner "stapsdt", type 3; pc, base and
 * semaphore as 8-byte words; provider, name and arguments as strings) for
 * the nop at label 990 of the STAP_PROBE_ASM just before it, in the same
 * asm statement.  Local labels 991..994 are reused as sys/sdt.h does.
 */
#define DUP_NOTE(provider, name, args)					\
	".pushsection .note.stapsdt,\"?\",\"note\"\n"			\
	".balign 4\n"							\
	".4byte 992f-991f, 994f-993f, 3\n"				\
	"991: .asciz \"stapsdt\"\n"					\
	"992: .balign 4\n"						\
	"993: .8byte 990b\n"						\
	".8byte _.stapsdt.base\n"					\
	".8byte 0\n"							\
	".asciz \"" provider "\"\n"					\
	".asciz \"" name "\"\n"						\
	".asciz \"" args "\"\n"						\
	"994: .balign 4\n"						\
	".popsection\n"

/*
 * noipa: one real function per probe, so each nop exists once in the
 * binary and x arrives in %rdi, which the "D" constraint pins for the
 * hand-written argument spec.
 */
__attribute__((noinline, noipa)) void dup_hit(int64_t x)
{
	__asm__ __volatile__(STAP_PROBE_ASM(dupsite, hit, -8@%%rdi)
			     DUP_NOTE("dupsite", "hit", "-8@%%rdi")
			     : : "D"(x));
}

__attribute__((noinline, noipa)) void dup_hitdiff(int64_t x)
{
	__asm__ __volatile__(STAP_PROBE_ASM(dupsite, hitdiff, -8@%%rdi)
			     DUP_NOTE("dupsite", "hitdiff", "-8@$-1")
			     : : "D"(x));
}

__attribute__((noinline, noipa)) void dup_once(int64_t x)
{
	STAP_PROBE1(dupsite, once, x);
}

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-n N] [-w] [-q]\n"
		"  -n N  calls of each probe (default 1000)\n"
		"  -w    print 'ready PID', wait for a line on stdin\n"
		"  -q    do not print the ground truth\n",
		prog);
	_exit(2);
}

int main(int argc, char **argv)
{
	long n = 1000;
	bool quiet = false, wait = false;
	uint64_t hit_sum = 0, diff_sum = 0, once_sum = 0;
	int c;

	while ((c = getopt(argc, argv, "n:wq")) != -1) {
		switch (c) {
		case 'n':
			n = tgt_parse_long(argv[0], c, optarg, 1, 10000000);
			break;
		case 'w':
			wait = true;
			break;
		case 'q':
			quiet = true;
			break;
		default:
			usage(argv[0]);
		}
	}
	if (optind != argc)
		usage(argv[0]);
	if (wait)
		tgt_wait_ready();

	/* negative values too: the specs are signed */
	for (long i = 0; i < n; i++) {
		int64_t x = 3 * i - 7;

		dup_hit(x);
		hit_sum += (uint64_t)x;
		dup_hitdiff(x + 1);
		diff_sum += (uint64_t)(x + 1);
		dup_once(x + 2);
		once_sum += (uint64_t)(x + 2);
	}
	if (quiet)
		return 0;
	printf("hit.calls %ld\n", n);
	tgt_print_sum("hit.sum", hit_sum);
	printf("hitdiff.calls %ld\n", n);
	tgt_print_sum("hitdiff.sum", diff_sum);
	printf("once.calls %ld\n", n);
	tgt_print_sum("once.sum", once_sum);
	printf("pid %d\n", (int)getpid());
	return 0;
}
