// SPDX-License-Identifier: GPL-2.0-only
/* Map actions: print(@m[, top[, div]]), clear(@m) and zero(@m) on a
 * whole map, which user space carries out; delete() of elements and
 * has_key(), in the probe. */
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

/* print(@m, top, div)'s numbers: constants, top 0 or more, div 1 or more. */
static bool print_limit(struct scope *sc, struct node *a, const char *what, int64_t min,
			uint64_t *v)
{
	int64_t c;

	sema_expr(sc, a);
	if (type_bad(a->type) || !func_const_int(sc, a, what, &c))
		return false;
	if (c < min || c > UINT32_MAX) {
		sc_error(sc, a->loc, "%s must be %lld to %u", what, (long long)min, UINT32_MAX);
		return false;
	}
	*v = (uint64_t)c;
	return true;
}

/* print(@m[, top[, div]]) of a whole map: the top entries (the largest
 * ones, 0 for all), each value divided by div; anything else is a value
 * (sema/print.c). */
static void print_sema(struct scope *sc, struct node *n)
{
	struct node *top = func_arg(n, 1), *div = func_arg(n, 2);
	uint64_t t = 0, d = 1;

	if (n->list->kind != AST_MAP || n->list->list) {
		if (top)
			sc_error(sc, top->loc, "print() of a value takes nothing more; "
				 "print(@map, top, div) prints a whole map");
		else
			sema_print_value(sc, n);
		return;
	}
	if (top && !print_limit(sc, top, "the top of print()", 0, &t))
		return;
	if (div && !print_limit(sc, div, "the divisor of print()", 1, &d))
		return;
	map_event(sc, n, EV_PRINT);
	if (sc->report && n->num) {
		sc->s->events.v[n->num - 1].top = (uint32_t)t;
		sc->s->events.v[n->num - 1].div = d;
	}
}

static void zero_sema(struct scope *sc, struct node *n)
{
	map_event(sc, n, EV_ZERO);
}

/* delete(@m, k) and has_key(@m, k), bpftrace's form, and several keys
 * as further arguments (bpftrace writes them as a tuple): the keys
 * become the map reference's own, as in @m[k1, k2]. Done once; later
 * walks see @m[k1, k2]. */
static void keys_into_map(struct node *n)
{
	struct node *m = n->list;

	if (m->kind != AST_MAP || m->list || !m->next)
		return;
	m->list = m->next;
	m->next = NULL;
	m->loc.end = n->loc.end - 1;
}

static void clear_sema(struct scope *sc, struct node *n)
{
	map_event(sc, n, EV_CLEAR);
}

/* One element to delete: @m[k], a keyless plain map, or self->x. */
static void delete_one(struct scope *sc, struct node *m)
{
	if (m->kind == AST_SELF) {
		sema_expr(sc, m);
		return;
	}
	if (m->kind != AST_MAP) {
		sc_error(sc, m->loc, "delete() takes map elements: delete(@name[key], ...) or "
			 "delete(@name, key); clear(@name) empties a map");
		return;
	}
	struct map *map = sema_map(sc->s, m->name, MAP_GLOBAL);
	if (map->typed && map->nkeys && !m->list) {
		sc_error(sc, m->loc, "delete() needs the key of the element: delete(%s, key) "
			 "or delete(%s[key]); clear(%s) empties the map", m->name, m->name,
			 m->name);
		return;
	}
	if (!sema_map_ref(sc, m, MAP_USE_KEY))
		return;
	if (m->map->agg && !m->map->nkeys)
		sc_error(sc, m->loc, "delete() needs a keyed map; clear(%s) empties it", m->name);
}

/* delete(@a[1], @b[2], ...) as bpftrace had it, or delete(@a, 1) as it
 * has it now: either way each element named is removed. */
static void delete_sema(struct scope *sc, struct node *n)
{
	keys_into_map(n);
	for (struct node *m = n->list; m; m = m->next)
		delete_one(sc, m);
}

/* has_key(@m, k): 1 when the element exists (a lookup, nothing inserted). */
static void has_key_sema(struct scope *sc, struct node *n)
{
	struct node *m;

	keys_into_map(n);
	m = n->list;
	if (m->kind != AST_MAP || !m->list || m->next) {
		sc_error(sc, m->kind == AST_MAP && !m->next ? m->loc : n->loc,
			 "has_key() takes a map and a key: has_key(@name, key)");
		return;
	}
	struct map *map = sema_map(sc->s, m->name, MAP_GLOBAL);
	if (map->typed && !map->nkeys) {
		sc_error(sc, m->loc, "%s needs a keyed map; %s has no keys",
			 n->op == OP_IN ? "'in'" : "has_key()", m->name);
		return;
	}
	if (sema_map_ref(sc, m, MAP_USE_KEY))
		n->type = type_bool();
}

const struct func_def func_print = {
	.name = "print", .min = 1, .max = 3, .stmt = true, .sema = print_sema,
	.emit_stmt = cg_event_call,
};
const struct func_def func_zero = {
	.name = "zero", .min = 1, .max = 1, .stmt = true, .sema = zero_sema,
	.emit_stmt = cg_event_call,
};
const struct func_def func_has_key = {
	.name = "has_key", .min = 1, .max = 1 + MAP_MAX_KEYS, .sema = has_key_sema,
	.emit = cg_has_key,
};
const struct func_def func_clear = {
	.name = "clear", .min = 1, .max = 1, .stmt = true, .sema = clear_sema,
	.emit_stmt = cg_event_call,
};
const struct func_def func_delete = {
	.name = "delete", .min = 1, .max = 32, .stmt = true, .sema = delete_sema,
	.emit_stmt = cg_delete,
};
