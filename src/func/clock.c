// SPDX-License-Identifier: GPL-2.0-only
/* Clocks: nsecs(monotonic | boot | tai | sw_tai); plain nsecs is the
 * builtin (builtin/time.c), the monotonic clock. */
#include <string.h>
#include <time.h>

#include "codegen/cg.h"
#include "func/func.h"
#include "sema/scope.h"

enum clock { CLK_MONO, CLK_BOOT, CLK_TAI, CLK_SW_TAI };

static const char *const clocks[] = { "monotonic", "boot", "tai", "sw_tai" };

/* The clock is a bare word, not an expression: its index in n->num. */
static void nsecs_sema(struct scope *sc, struct node *n)
{
	struct node *a = n->list;
	const char *best;

	n->num = CLK_MONO;
	if (a) {
		size_t i = 0;
		while (i < ARRAY_SIZE(clocks) && (a->kind != AST_IDENT || strcmp(a->name, clocks[i])))
			i++;
		if (i == ARRAY_SIZE(clocks)) {
			best = a->kind == AST_IDENT ? closest_name(a->name, clocks,
								    ARRAY_SIZE(clocks)) : NULL;
			if (best)
				sc_error(sc, a->loc, "unknown clock '%s'; did you mean '%s'? (nsecs() "
					 "takes monotonic, boot, tai or sw_tai)", a->name, best);
			else
				sc_error(sc, a->loc, "nsecs() takes a clock: monotonic, boot, tai "
					 "or sw_tai");
			return;
		}
		n->num = i;
	}
	n->type = type_int(8, false);
}

static int64_t ns(clockid_t id)
{
	struct timespec t;

	clock_gettime(id, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* TAI less the boot clock, read between two readings of the boot clock
 * (the closest of three tries): what sw_tai adds to the boot clock, for
 * kernels without the TAI helper. Fixed when the program is made. */
static int64_t tai_offset(void)
{
	int64_t best = 0, width = INT64_MAX;

	for (int i = 0; i < 3; i++) {
		int64_t b0 = ns(CLOCK_BOOTTIME), tai = ns(CLOCK_TAI), b1 = ns(CLOCK_BOOTTIME);
		if (b1 - b0 < width) {
			width = b1 - b0;
			best = tai - (b0 + (b1 - b0) / 2);
		}
	}
	return best;
}

static void nsecs_emit(struct cg *cg, struct node *n, int reg)
{
	static const int helpers[] = {
		[CLK_MONO] = BPF_FUNC_ktime_get_ns, [CLK_BOOT] = BPF_FUNC_ktime_get_boot_ns,
		[CLK_TAI] = BPF_FUNC_ktime_get_tai_ns, [CLK_SW_TAI] = BPF_FUNC_ktime_get_boot_ns,
	};

	cg_call(cg, helpers[n->num]);
	if (n->num == CLK_SW_TAI) {
		cg_ld_imm64(cg, R1, (uint64_t)tai_offset());
		cg_emit(cg, ALU64_REG(BPF_ADD, R0, R1));
	}
	if (reg != R0)
		cg_emit(cg, MOV64_REG(reg, R0));
}

const struct func_def func_nsecs = {
	.name = "nsecs", .min = 0, .max = 1, .sema = nsecs_sema, .emit = nsecs_emit,
};
