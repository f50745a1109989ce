/* SPDX-License-Identifier: GPL-2.0-only */
/* What fuzz_dwarf and fuzz_btf check on every ctype a reader made: the
 * name printer and the member search stay bounded on cyclic graphs (a
 * record that holds itself anonymously, a typedef of itself); a member
 * that is not a bit-field starts on a byte; a bit-field's bit offset is
 * within its storage unit's bytes. */
#ifndef PLUMB_FUZZ_CTYPE_CHECK_H
#define PLUMB_FUZZ_CTYPE_CHECK_H

#include <assert.h>

#include "ast/type.h"

static inline void check_ctype(const struct ctype *c)
{
	char name[256];
	uint64_t off = 0;

	assert(c->kind <= CT_FUNC);
	ctype_name(c, name, sizeof(name));
	(void)ctype_strip(c);
	if (c->kind != CT_RECORD)
		return;
	(void)ctype_member(c, "next", &off);
	(void)ctype_member_closest(c, "nxet");
	for (size_t i = 0; i < c->nmembers; i++) {
		const struct cmember *m = &c->members[i];
		assert(m->name);
		if (!m->bit_size)
			assert(m->bit_off == 0);
		else
			assert(m->bit_off < 8 * (m->type && m->type->size ? m->type->size : 8));
	}
}

#endif
