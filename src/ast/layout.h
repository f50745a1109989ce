/* SPDX-License-Identifier: GPL-2.0-only */
/* C's record layout on x86-64 (the System V ABI, as GCC does it), as a
 * pure function of each member's size, alignment and bit-field width, so
 * that a struct declared in the program lands on the same offsets as the
 * traced program's compiler put it. */
#ifndef PLUMB_LAYOUT_H
#define PLUMB_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

struct layout_field {
	uint64_t size;		/* bytes of the member's (declared) type */
	uint64_t align;		/* its alignment, a power of two */
	int bits;		/* bit-field width (0 allowed), or -1 */
	bool named;		/* unnamed bit-fields do not align the record */
	uint64_t bit_off;	/* out: bits from the record's start */
};

struct layout {
	uint64_t size;
	uint64_t align;
};

/* Lay the fields out in order (a union: all at 0). */
struct layout layout_record(struct layout_field *f, size_t n, bool is_union);

#endif
