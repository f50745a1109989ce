// SPDX-License-Identifier: GPL-2.0-only
/* USDT probes with pinned argument specs, for the golden -d listings in
 * t/data/golden: register variables fix the registers the notes name, so
 * the generated BPF does not depend on the compiler's choices. Traced
 * only with -n (never run by the tests); running it fires each probe once. */
#include <sys/sdt.h>

static char query[] = "SELECT 1";

int main(void)
{
	register long plan __asm__("r12") = 7;
	register const char *q __asm__("r13") = query;
	register long a __asm__("r14") = 1;
	register long b __asm__("r15") = 2;

	STAP_PROBE2(golden, query, q, plan);
	STAP_PROBE1(golden, site, a);
	STAP_PROBE1(golden, site, b);
	STAP_PROBE1(golden, site, 5);
	return 0;
}
