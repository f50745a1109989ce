// SPDX-License-Identifier: GPL-2.0-only
/* print(value): a value of any type that can be kept (an integer, a
 * bool, a string, a map element, a stack, ...) sent to user space and
 * printed there by its type. print(@map) of a whole map is call.c's. */
#include "sema/scope.h"

static bool printable(struct type t)
{
	return t.kind != T_NONE && t.kind != T_VOID && type_storage(t) > 0;
}

void sema_print_value(struct scope *sc, struct node *n)
{
	struct event ev = { .kind = EV_VALUE };
	char buf[32];

	sema_expr(sc, n->list);
	if (type_bad(n->list->type))
		return;
	/* a char * is the string it points to, as wherever a value is shown */
	sema_charp_to_str(sc, &n->list);
	/* an array of integers is its elements, printed [1,2,3] */
	sema_array_whole(n->list);
	if (n->list->type.kind == T_ARRAY && !sema_record_storable(sc, n->list))
		return;
	if (!printable(n->list->type)) {
		sc_error(sc, n->list->loc, "print() cannot show a %s",
			 type_name(n->list->type, buf, sizeof(buf)));
		return;
	}
	if (!sc->report)
		return;
	ev.type = n->list->type;
	n->num = (uint64_t)sema_event(sc->s, ev);
	sc->s->needs_ringbuf = true;
}
