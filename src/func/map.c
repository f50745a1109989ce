// SPDX-License-Identifier: GPL-2.0-only
/* Map actions: print(@m) and clear(@m) on a whole map, which user space
 * carries out, and delete(@m[key]) of one element, in the probe. */
#include "codegen/cg.h"
#include "func/func.h"
#include "sema/scope.h"

static struct node *whole_map_arg(struct scope *sc, struct node *n)
{
	struct node *m = n->list;

	if (m->kind != AST_MAP || m->list) {
		sc_error(sc, m->loc, "%s() takes a whole map: %s(@name)", n->name, n->name);
		return NULL;
	}
	m->map = sema_map(sc->s, m->name, MAP_GLOBAL);
	if (!m->map->typed) {
		sc_error(sc, m->loc, "map %s is never assigned", m->name);
		return NULL;
	}
	return m;
}

static void map_event(struct scope *sc, struct node *n, enum event_kind kind)
{
	struct node *m = whole_map_arg(sc, n);
	struct event ev = { .kind = kind };

	if (!m || !sc->report)
		return;
	ev.map = m->map;
	n->num = (uint64_t)sema_event(sc->s, ev);
	sc->s->needs_ringbuf = true;
}

/* print(@m) of a whole map; anything else is a value (sema/print.c). */
static void print_sema(struct scope *sc, struct node *n)
{
	if (n->list->kind == AST_MAP && !n->list->list)
		map_event(sc, n, EV_PRINT);
	else
		sema_print_value(sc, n);
}

static void clear_sema(struct scope *sc, struct node *n)
{
	map_event(sc, n, EV_CLEAR);
}

static void delete_sema(struct scope *sc, struct node *n)
{
	struct node *m = n->list;

	if (m->kind == AST_SELF) {
		sema_expr(sc, m);
		return;
	}
	if (m->kind != AST_MAP || !m->list) {
		sc_error(sc, m->loc, "delete() takes a map element: delete(@name[key]); "
			 "clear(@name) empties a map");
		return;
	}
	if (!sema_map_ref(sc, m, MAP_USE_KEY))
		return;
	if (m->map->agg && !m->map->nkeys)
		sc_error(sc, m->loc, "delete() needs a keyed map; clear(%s) empties it", m->name);
}

const struct func_def func_print = {
	.name = "print", .min = 1, .max = 1, .stmt = true, .sema = print_sema,
	.emit_stmt = cg_event_call,
};
const struct func_def func_clear = {
	.name = "clear", .min = 1, .max = 1, .stmt = true, .sema = clear_sema,
	.emit_stmt = cg_event_call,
};
const struct func_def func_delete = {
	.name = "delete", .min = 1, .max = 1, .stmt = true, .sema = delete_sema,
	.emit_stmt = cg_delete,
};
