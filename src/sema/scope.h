/* SPDX-License-Identifier: GPL-2.0-only */
/* State shared by the sema passes while they walk one clause. */
#ifndef PLUMB_SEMA_SCOPE_H
#define PLUMB_SEMA_SCOPE_H

#include "probe/probe.h"
#include "sema/sema.h"

/* A for loop over a map: its variable, its number in the clause (its
 * hidden locals are "$kv.1@K"), the loop around it. */
struct kv_loop {
	const char *var;
	int n, depth;
	struct kv_loop *up;
};

struct scope {
	struct sema *s;
	struct node *clause;
	struct local *locals;
	bool report;		/* the final walk: report errors */
	int loops;		/* loops around the statement: break needs one */
	int capped;		/* ... of them, while and for (range) loops */
	struct kv_loop *kv;	/* the innermost for over a map around it */
	int formaps;		/* for loops over maps seen in the clause */
	const char *assigning;	/* the map or self->name being assigned, while
				 * its value is checked: "@n = @n + 1" */
};
/* A read of the map being assigned, before anything typed it: once
 * nothing else will, the read makes it an integer map (reading an absent
 * element gives 0), as bpftrace has it. */
bool sc_self_read(struct scope *sc, struct map *m, struct node *ref);

void sc_error(struct scope *sc, struct loc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The clause's probes, in order. */
struct probe *sc_probe(struct scope *sc, int i);
int sc_nprobes(struct scope *sc);

void sema_expr(struct scope *sc, struct node *n);
void sema_stmt(struct scope *sc, struct node *n);
void sema_call(struct scope *sc, struct node *n, bool as_stmt);
struct fmt *sema_printf(struct scope *sc, struct node *call);
/* print(value) for anything but a whole map: an EV_VALUE event. */
void sema_print_value(struct scope *sc, struct node *call);
enum map_use { MAP_USE_READ, MAP_USE_WRITE, MAP_USE_KEY };
/* Check a map reference's keys; READ also types the value (aggregations
 * cannot be read), KEY checks only the key (delete). */
bool sema_map_ref(struct scope *sc, struct node *n, enum map_use use);
/* Replace *np by str(*np) when it is a char *: wherever a value is kept
 * or shown, a char * means the string it points to. */
void sema_charp_to_str(struct scope *sc, struct node **np);

/* sema/tuple.c: (a, b) and (x=a, y=b); their members and constant index. */
void sema_member(struct scope *sc, struct node *n);
void sema_index(struct scope *sc, struct node *n);
void sema_tuple(struct scope *sc, struct node *n);
void sema_tuple_member(struct scope *sc, struct node *n);
void sema_tuple_index(struct scope *sc, struct node *n);
void sema_tuple_cmp(struct scope *sc, struct node *n);
/* member.c: the program's types in expressions (members and indexes of
 * what is not a tuple). */
bool sema_deref_typed(struct node *n);
bool sema_ptr_arith(struct scope *sc, struct node *n);
bool sema_cast_program_type(struct scope *sc, struct node *n, struct type *out);
struct type sema_int_ptr(struct scope *sc, struct type t, const char *words);
void sema_layout_of(struct scope *sc, struct node *n);
bool sema_record_storable(struct scope *sc, struct node *n);
void sema_array_whole(struct node *n);
bool sema_kept_pointer(struct type t);
struct type sema_kept_int(struct type t);
bool sema_kept_agree(struct type a, struct type b);
const char *sema_kept_differ(struct type a, struct type b);
bool sema_array_keepable(const struct node *n);
bool sema_array_cmp(struct scope *sc, struct node *n);

#endif
