// SPDX-License-Identifier: GPL-2.0-only
/* Functions, aggregations and map references. */
#include <stdlib.h>
#include <string.h>

#include "agg/agg.h"
#include "options.h"
#include "sema/scope.h"

enum { F_STMT = 1 };

static const struct func_def {
	const char *name;
	enum func f;
	int min, max;
	unsigned int flags;
} funcs[] = {
	{"str", F_STR, 1, 2, 0},
	{"usym", F_USYM, 1, 1, 0},
	{"reg", F_REG, 1, 1, 0},
	{"ustack", F_USTACK, 1, 1, 0},
	{"startswith", F_STARTSWITH, 2, 2, 0},
	{"contains", F_CONTAINS, 2, 2, 0},
	{"printf", F_PRINTF, 1, 32, F_STMT},
	{"print", F_PRINT, 1, 1, F_STMT},
	{"clear", F_CLEAR, 1, 1, F_STMT},
	{"delete", F_DELETE, 1, 1, F_STMT},
	{"exit", F_EXIT, 0, 1, F_STMT},
};

static const struct func_def *func_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(funcs); i++)
		if (!strcmp(funcs[i].name, name))
			return &funcs[i];
	return NULL;
}

/* Functions, then aggregations (registered in agg/), for hints. */
static size_t all_names(const char **names, size_t max)
{
	size_t n = 0;
	const struct agg_ops *a;

	for (size_t i = 0; i < ARRAY_SIZE(funcs) && n < max; i++)
		names[n++] = funcs[i].name;
	for (size_t i = 0; (a = agg_at(i)) && n < max; i++)
		names[n++] = a->name;
	return n;
}

/* An aggregation's value is a map's: it only appears as @name = agg(). */
static void agg_call(struct scope *sc, struct node *n, const struct agg_ops *a)
{
	int nargs = ast_count(n->list);

	if (nargs != a->nargs)
		sc_error(sc, n->loc, "%s() takes %d argument%s, not %d", a->name, a->nargs,
			 a->nargs == 1 ? "" : "s", nargs);
	else
		sc_error(sc, n->loc, "%s() must be assigned to a map: @name = %s(...)", a->name,
			 a->name);
}

static bool func_known(struct scope *sc, struct node *n, const struct func_def **out)
{
	const char *names[64];
	const struct func_def *f = func_find(n->name);
	const struct agg_ops *a = f ? NULL : agg_find(n->name);
	int nargs = ast_count(n->list);

	if (a) {
		agg_call(sc, n, a);
		return false;
	}
	if (!f) {
		const char *best = closest_name(n->name, names, all_names(names, ARRAY_SIZE(names)));
		struct loc nl = { n->loc.start, n->loc.start + (int)strlen(n->name) };
		if (best)
			sc_error(sc, nl, "unknown function '%s'; did you mean '%s'?", n->name, best);
		else
			sc_error(sc, nl, "unknown function '%s'", n->name);
		return false;
	}
	if (nargs < f->min || nargs > f->max) {
		if (f->min == f->max)
			sc_error(sc, n->loc, "%s() takes %d argument%s, not %d", f->name, f->min,
				 f->min == 1 ? "" : "s", nargs);
		else
			sc_error(sc, n->loc, "%s() takes %d to %d arguments, not %d", f->name,
				 f->min, f->max, nargs);
		return false;
	}
	n->id = f->f;
	*out = f;
	return true;
}

static struct node *arg(struct node *call, int i)
{
	struct node *a = call->list;

	while (a && i-- > 0)
		a = a->next;
	return a;
}

static bool const_int(struct scope *sc, struct node *n, const char *what, int64_t *v)
{
	if (!n->folded || n->kind != AST_INT) {
		sc_error(sc, n->loc, "%s must be a constant integer", what);
		return false;
	}
	*v = (int64_t)n->num;
	return true;
}

/* str(p, n): n characters, as in bpftrace, so n + 1 bytes with the NUL,
 * n clamped to 0 .. -s minus 1. A constant n sizes the string; a run-time
 * n is clamped where it is computed (codegen/str.c) in a string of -s. */
static void fn_str(struct scope *sc, struct node *n)
{
	struct node *p = arg(n, 0), *len = arg(n, 1);
	int64_t size = sc->s->opts->strsize;

	sema_expr(sc, p);
	if (type_bad(p->type))
		return;
	if (len) {
		sema_expr(sc, len);
		if (type_bad(len->type))
			return;
		if (!type_is_int(len->type)) {
			sc_error(sc, len->loc, "the length of str() must be an integer, not %s",
				 type_name(len->type, (char[32]){0}, 32));
			return;
		}
		if (len->folded && len->kind == AST_INT) {
			int64_t c = (int64_t)len->num;
			size = c < 0 ? 1 : c >= size ? size : c + 1;
		}
	}
	if (p->type.kind == T_STR) {
		n->type = type_str(p->type.len < size ? p->type.len : (unsigned int)size);
		return;
	}
	if (!type_is_int(p->type)) {
		sc_error(sc, p->loc, "str() needs a pointer, not %s",
			 type_name(p->type, (char[32]){0}, 32));
		return;
	}
	n->type = type_str((unsigned int)size);
}

/* The x86-64 struct pt_regs, in its order (a register's offset is its
 * index times 8), under the names bpftrace gives them. */
static const char *const regs[] = {
	"r15", "r14", "r13", "r12", "bp", "bx", "r11", "r10", "r9", "r8", "ax",
	"cx", "dx", "si", "di", "orig_ax", "ip", "cs", "flags", "sp", "ss",
};

static int reg_index(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(regs); i++)
		if (!strcmp(regs[i], name))
			return (int)i;
	return -1;
}

static void reg_unknown(struct scope *sc, struct node *a)
{
	const char *best = closest_name(a->name, regs, ARRAY_SIZE(regs));
	char hint[64] = "", list[160] = "";

	if (best)
		snprintf(hint, sizeof(hint), "; did you mean '%s'?", best);
	for (size_t i = 0; i < ARRAY_SIZE(regs); i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? " " : "",
			 regs[i]);
	sc_error(sc, a->loc, "unknown register '%s'%s (the registers: %s)", a->name, hint, list);
}

/* reg("NAME"): a register of the probed thread, from the probe's struct
 * pt_regs, so only where the context is one (user-space probes). */
static void fn_reg(struct scope *sc, struct node *n)
{
	struct node *a = n->list;
	int i;

	sema_expr(sc, a);
	if (a->kind != AST_STR) {
		sc_error(sc, a->loc, "reg() takes a register name: reg(\"sp\")");
		return;
	}
	if ((i = reg_index(a->name)) < 0 || strlen(a->name) != a->len) {
		reg_unknown(sc, a);
		return;
	}
	for (int k = 0; k < sc_nprobes(sc); k++) {
		struct probe *p = sc_probe(sc, k);
		if (p && !(p->kind->flags & PK_USER)) {
			sc_error(sc, n->loc, "reg() reads the registers of a uprobe, uretprobe or "
				 "usdt probe; %s probes have none", p->kind->name);
			return;
		}
	}
	n->num = (uint64_t)i * 8;
	n->type = type_int(8, false);
}

/* ustack(N): the first N frames, kept in the value itself (bpf_get_stack),
 * so that stacks alike in those frames are one key, exactly; plain ustack
 * keeps a stack id. The frames sit on the BPF stack: N is bounded. */
static void fn_ustack(struct scope *sc, struct node *n)
{
	struct node *depth = arg(n, 0);
	int64_t d;

	sema_expr(sc, depth);
	n->type = type_of(T_NONE);
	if (type_bad(depth->type) || !const_int(sc, depth, "the depth of ustack()", &d))
		return;
	if (d < 1 || d > USTACK_INLINE_MAX) {
		sc_error(sc, depth->loc, "ustack() depth %lld out of range (1 to %d frames; plain "
			 "ustack keeps up to 127)", (long long)d, USTACK_INLINE_MAX);
		return;
	}
	for (int i = 0; i < sc_nprobes(sc); i++) {
		struct probe *p = sc_probe(sc, i);
		if (p && !(p->kind->flags & PK_USTACK)) {
			sc_error(sc, n->loc, "'ustack' is not available in %s probes",
				 p->kind->name);
			return;
		}
	}
	n->type = type_of(T_USTACK);
	n->type.len = (unsigned int)d;
}

static void fn_strtest(struct scope *sc, struct node *n)
{
	struct node *needle = arg(n, 1);

	sema_expr(sc, n->list);
	sema_charp_to_str(sc, &n->list);
	needle = arg(n, 1);
	sema_expr(sc, needle);
	if (type_bad(n->list->type))
		return;
	if (n->list->type.kind != T_STR)
		sc_error(sc, n->list->loc, "%s() needs a string", n->name);
	else if (needle->kind != AST_STR)
		sc_error(sc, needle->loc, "the second argument of %s() must be a constant string",
			 n->name);
	else if (needle->len == 0 || memchr(needle->name, 0, needle->len))
		sc_error(sc, needle->loc, "%s() needs a non-empty string without NUL bytes",
			 n->name);
	else
		n->type = type_int(8, true);
}

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

static void fn_map_event(struct scope *sc, struct node *n, enum event_kind kind)
{
	struct node *m = whole_map_arg(sc, n);
	struct event ev = { .kind = kind };

	if (!m || !sc->report)
		return;
	ev.map = m->map;
	n->num = (uint64_t)sema_event(sc->s, ev);
	sc->s->needs_ringbuf = true;
}

static void fn_delete(struct scope *sc, struct node *n)
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

static void fn_exit(struct scope *sc, struct node *n)
{
	struct event ev = { .kind = EV_EXIT };
	int64_t code = 0;

	if (n->list) {
		sema_expr(sc, n->list);
		if (!const_int(sc, n->list, "the exit status", &code))
			return;
		if (code < 0 || code > 255) {
			sc_error(sc, n->list->loc, "exit status must be 0 to 255");
			return;
		}
	}
	if (!sc->report)
		return;
	ev.code = (int)code;
	n->num = (uint64_t)sema_event(sc->s, ev);
	sc->s->needs_ringbuf = true;
}

static void fn_printf(struct scope *sc, struct node *n)
{
	for (struct node **a = &n->list->next; *a; a = &(*a)->next)
		sema_expr(sc, *a);
	if (n->list->kind != AST_STR) {
		sc_error(sc, n->list->loc, "the format of printf() must be a constant string");
		return;
	}
	if (!sc->report)
		return;
	struct fmt *f = sema_printf(sc, n);
	if (!f)
		return;
	struct event ev = { .kind = EV_PRINTF, .fmt = f };
	n->num = (uint64_t)sema_event(sc->s, ev);
	sc->s->needs_ringbuf = true;
}

void sema_call(struct scope *sc, struct node *n, bool as_stmt)
{
	const struct func_def *f;

	n->type = type_of(T_NONE);
	if (!func_known(sc, n, &f))
		return;
	if ((f->flags & F_STMT) && !as_stmt) {
		sc_error(sc, n->loc, "%s() has no value", f->name);
		return;
	}
	if (as_stmt && !(f->flags & F_STMT)) {
		sc_error(sc, n->loc, "the value of %s() is not used", f->name);
		return;
	}
	n->type = type_of(T_VOID);
	switch (f->f) {
	case F_STR:
		n->type = type_of(T_NONE);
		fn_str(sc, n);
		break;
	case F_USYM:
		sema_expr(sc, n->list);
		n->type = type_of(T_NONE);
		if (type_bad(n->list->type))
			break;
		if (!type_is_int(n->list->type))
			sc_error(sc, n->list->loc, "usym() needs an address");
		else
			n->type = type_of(T_USYM);
		break;
	case F_REG:
		n->type = type_of(T_NONE);
		fn_reg(sc, n);
		break;
	case F_STARTSWITH:
	case F_CONTAINS:
		n->type = type_of(T_NONE);
		fn_strtest(sc, n);
		break;
	case F_USTACK:
		fn_ustack(sc, n);
		break;
	case F_PRINTF:
		fn_printf(sc, n);
		break;
	case F_PRINT:
		fn_map_event(sc, n, EV_PRINT);
		break;
	case F_CLEAR:
		fn_map_event(sc, n, EV_CLEAR);
		break;
	case F_DELETE:
		fn_delete(sc, n);
		break;
	case F_EXIT:
		fn_exit(sc, n);
		break;
	default:
		break;
	}
}

static bool key_type_ok(struct type t)
{
	return t.kind == T_INT || t.kind == T_PTR || t.kind == T_STR || t.kind == T_USTACK ||
	       t.kind == T_KSTACK || t.kind == T_USYM || t.kind == T_PROBE;
}

static bool same_kind(struct type a, struct type b)
{
	if (type_is_int(a) && type_is_int(b))
		return true;
	if (a.kind == T_USTACK)
		return b.kind == T_USTACK && a.len == b.len;	/* ustack(N) */
	return a.kind == b.kind;
}

static bool check_keys(struct scope *sc, struct node *n, struct map *m, bool write)
{
	int nkeys = ast_count(n->list), i = 0;

	if (nkeys > MAP_MAX_KEYS) {
		sc_error(sc, n->loc, "a map has at most %d keys", MAP_MAX_KEYS);
		return false;
	}
	if (m->typed && m->nkeys != nkeys) {
		sc_error(sc, n->loc, "%s has %d key%s here but %d elsewhere", n->name, nkeys,
			 nkeys == 1 ? "" : "s", m->nkeys);
		return false;
	}
	bool complete = true;

	for (struct node **k = &n->list; *k; k = &(*k)->next, i++) {
		sema_expr(sc, *k);
		sema_charp_to_str(sc, k);
		struct type t = (*k)->type;
		if (type_bad(t)) {
			/* not known yet (a map typed by a later clause): the
			 * map's keys are fixed where every key is known */
			complete = false;
			continue;
		}
		if (!key_type_ok(t)) {
			sc_error(sc, (*k)->loc, "a %s cannot be a map key",
				 type_name(t, (char[32]){0}, 32));
			continue;
		}
		if (!m->typed && write) {
			m->keys[i] = type_is_int(t) ? type_int(8, t.kind == T_INT && t.sign) : t;
		} else if (m->typed && !same_kind(m->keys[i], t)) {
			sc_error(sc, (*k)->loc, "key %d of %s is a %s elsewhere, not a %s", i + 1,
				 n->name, type_name(m->keys[i], (char[32]){0}, 32),
				 type_name(t, (char[32]){0}, 32));
		} else if (t.kind == T_STR && t.len > m->keys[i].len) {
			m->keys[i].len = t.len;
		}
	}
	if (!complete && !m->typed)
		return false;
	if (!m->typed && write)
		m->nkeys = nkeys;
	return true;
}

bool sc_self_read(struct scope *sc, struct map *m, struct node *ref)
{
	if (!sc->assigning || strcmp(sc->assigning, m->name))
		return false;
	if (!sc->s->self_default) {
		sc->s->self_pending = true;
		return false;
	}
	if (m->kind == MAP_GLOBAL && !check_keys(sc, ref, m, true))
		return false;
	m->typed = true;
	m->agg = NULL;
	m->val = type_int(8, true);
	m->loc = ref->loc;
	return true;
}

bool sema_map_ref(struct scope *sc, struct node *n, enum map_use use)
{
	struct map *m = sema_map(sc->s, n->name, MAP_GLOBAL);

	n->map = m;
	if (!check_keys(sc, n, m, use == MAP_USE_WRITE))
		return false;
	if (use == MAP_USE_WRITE)
		return true;
	if (use == MAP_USE_KEY) {
		if (!m->typed)
			sc_error(sc, n->loc, "map %s is never assigned", n->name);
		return m->typed;
	}
	if (!m->typed && !sc_self_read(sc, m, n)) {
		sc_error(sc, n->loc, "map %s is used but never assigned", n->name);
		return false;
	}
	if (m->agg) {
		sc_error(sc, n->loc, "%s is an aggregation; it cannot be read in a probe "
			 "(print(%s) shows it)", n->name, n->name);
		return false;
	}
	n->type = m->val;
	return true;
}
