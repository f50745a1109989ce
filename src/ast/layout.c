// SPDX-License-Identifier: GPL-2.0-only
/* The rules, checked against GCC by t/1160: a member starts at the next
 * multiple of its alignment; a bit-field goes at the next free bit unless
 * it would cross a boundary of its declared type's alignment, and then
 * starts at that boundary; a zero-width bit-field moves to the next such
 * boundary; unnamed bit-fields do not raise the record's alignment; the
 * record's size is rounded up to its alignment. */
#include "ast/layout.h"

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

/* The bit where a bit-field of width w and type alignment a goes when
 * the next free bit is pos. */
static uint64_t place_bits(uint64_t pos, uint64_t a, int w)
{
	uint64_t unit = a * 8;

	if (w == 0)
		return align_up(pos, unit);
	if (pos / unit != (pos + (uint64_t)w - 1) / unit)
		return align_up(pos, unit);
	return pos;
}

static struct layout layout_union(struct layout_field *f, size_t n)
{
	struct layout l = { 0, 1 };

	for (size_t i = 0; i < n; i++) {
		uint64_t size = f[i].bits < 0 ? f[i].size : ((uint64_t)f[i].bits + 7) / 8;

		f[i].bit_off = 0;
		if (size > l.size)
			l.size = size;
		if ((f[i].bits < 0 || f[i].named) && f[i].align > l.align)
			l.align = f[i].align;
	}
	l.size = align_up(l.size, l.align);
	return l;
}

struct layout layout_record(struct layout_field *f, size_t n, bool is_union)
{
	struct layout l = { 0, 1 };
	uint64_t pos = 0;	/* the next free bit */

	if (is_union)
		return layout_union(f, n);
	for (size_t i = 0; i < n; i++) {
		uint64_t a = f[i].align ? f[i].align : 1;

		if (f[i].bits < 0) {
			pos = align_up(pos, a * 8);
			f[i].bit_off = pos;
			pos += f[i].size * 8;
		} else {
			pos = place_bits(pos, a, f[i].bits);
			f[i].bit_off = pos;
			pos += (uint64_t)f[i].bits;
		}
		if ((f[i].bits < 0 || f[i].named) && a > l.align)
			l.align = a;
	}
	l.size = align_up(align_up(pos, 8) / 8, l.align);
	return l;
}
