/* SPDX-License-Identifier: GPL-2.0-only */
/* Semantic passes: resolve probes, names and functions, infer and check
 * types, fold constants. The result annotates the AST and fills the
 * program's tables of maps, locals, printf formats and strings. */
#ifndef PLUMB_SEMA_H
#define PLUMB_SEMA_H

#include <stdbool.h>
#include <stdint.h>

#include "ast/ast.h"
#include "util/util.h"

#define MAP_MAX_KEYS 8
#define USTACK_INLINE_MAX 32	/* frames of ustack(N): kept on the BPF stack */

struct agg_ops;

enum map_kind {
	MAP_GLOBAL,		/* @name[...] */
	MAP_SELF,		/* self->name: keyed by thread id */
	MAP_INTERNAL,		/* plumb's own bookkeeping */
};

/* let @m = KIND(N): the kernel map a program asked for. */
enum map_decl { DECL_NONE, DECL_HASH, DECL_LRUHASH, DECL_PERCPUHASH, DECL_PERCPULRUHASH,
		DECL_PERCPUARRAY };

struct map {
	char *name;		/* "@x", "@", "self->t" */
	enum map_kind kind;
	enum map_decl decl;
	uint32_t decl_entries;	/* its N */
	struct loc decl_loc;
	struct loc loc;		/* where its type was first fixed */
	bool typed;		/* keys and value known */
	bool named;		/* the program names it outside its declaration */
	int nkeys;
	struct type keys[MAP_MAX_KEYS];
	const struct agg_ops *agg;	/* NULL: a plain map, @x = expr */
	struct type val;
	int64_t lo, hi, step;	/* the aggregation's parameters (linear buckets' bounds) */

	/* Layout, fixed after sema. */
	int id;
	size_t key_size;
	size_t val_size;	/* per value (per CPU for aggregations) */
	uint32_t max_entries;
	bool percpu;
	bool lru;		/* declared lruhash or percpulruhash: full, it evicts */
	bool array;		/* keyless aggregation: an array indexed by bucket */
	int nbuckets;		/* bucketed aggregations (agg_ops.nbuckets) */
};

struct local {
	char *name;
	struct type type;
	struct loc loc;
	int slot;		/* stack offset, set by codegen */
	struct local *next;
};

/* Builtin variables. */
enum builtin {
	B_NONE, B_PID, B_TID, B_UID, B_GID, B_CPU, B_COMM, B_NSECS, B_ELAPSED,
	B_ARG, B_RETVAL, B_FUNC, B_PROBE, B_USTACK, B_KSTACK, B_CGROUP,
	B_RAND, B_JIFFIES, B_NCPUS, B_NUMAID, B_CPID, B_USERMODE, B_USERNAME, B_PCOMM,
	B_CURTASK, B_PPID, B_HAS_CPID, B_PROBETYPE,
};

/* A printf-style format, checked against its arguments and kept for
 * the user-space side that formats the event. */
enum fmt_conv {
	FC_INT, FC_UINT, FC_CHAR, FC_STR, FC_PTR, FC_USYM, FC_USTACK, FC_PROBE, FC_TEXT,
	FC_VALUE,	/* %s of a whole value (an array): as print() shows it */
};

struct fmt_arg {
	char spec[32];		/* the conversion as printf wants it: "%-8lld" */
	enum fmt_conv conv;
	int trunc;		/* hh: 1, h: 2, none and l ll z j t: 8 bytes */
	bool sign;
	char mode;		/* FC_TEXT: what followed %r ('x', 'h'), else 0 */
	struct type type;	/* of the argument */
	uint32_t off;		/* offset in the event record */
};

struct fmt {
	char **lits;		/* nargs + 1 literal pieces, '%%' already undone */
	int nlits, nargs;
	struct fmt_arg *args;
	uint32_t size;		/* record size including the 8-byte header */
};

/* Kinds of records sent through the ring buffer. */
enum event_kind { EV_PRINTF = 1, EV_EXIT, EV_PRINT, EV_CLEAR, EV_VALUE, EV_ZERO, EV_TIME, EV_JOIN };

/* join(): the strings of an array it sends at most. */
#define JOIN_ARGS 16

/* What an EV_PRINTF record's text is: printf's output; warnf's and
 * errorf's message, on stderr with the place of the call; the command of
 * system() or the file of cat(), run or read by plumb. */
enum msg_level { MSG_PRINTF, MSG_WARNING, MSG_ERROR, MSG_SYSTEM, MSG_CAT };

struct event {
	enum event_kind kind;
	struct fmt *fmt;	/* EV_PRINTF */
	enum msg_level level;	/* EV_PRINTF */
	struct loc loc;		/* EV_PRINTF: the call, for warnf() and errorf() */
	char *timefmt;		/* EV_TIME: time()'s strftime(3) format; EV_JOIN: the separator */
	struct map *map;	/* EV_PRINT, EV_CLEAR, EV_ZERO */
	uint32_t top;		/* EV_PRINT: print(@m, top, div), 0 for all; EV_JOIN: string size */
	uint64_t div;		/* ... and 1 for values as they are */
	int code;		/* EV_EXIT */
	struct type type;	/* EV_VALUE: print(value), the value after the header */
};

struct options;

/* An array indexed by a value known only when the probe fires. */
struct index_site {
	struct loc loc;
	uint64_t count;		/* the array's elements */
};

/* A run-time argument that can be out of a function's range (buf()'s
 * length above the buffer, strncmp()'s n below 0, ntop()'s family
 * neither IPv4 nor IPv6): what the probe then does is counted at the
 * call, and plumb reports it at the end. */
struct arg_site {
	struct loc loc;		/* the call */
	char *func;		/* "buf"; each string xstrdup'd */
	char *given;		/* "a length above its 64 bytes" */
	char *done;		/* "it kept 64 bytes" */
};

/* Register one (in a function's sema hook); its index. */
struct scope;
int sema_arg_site(struct scope *sc, struct node *call, const char *given, const char *done);

struct sema {
	struct program *prog;
	const struct options *opts;
	VEC(struct map *) maps;		/* in name order after sema */
	VEC(struct event) events;	/* id = index + 1 */
	VEC(struct probe *) probes;
	VEC(char *) probe_names;	/* values of func / probe, by id */
	VEC(char *) timefmts;		/* strftime()'s formats */
	struct hindex probe_index;	/* probe_names by name */
	VEC(struct loc) reads;		/* memory reads that count their failures */
	VEC(struct loc) loops;		/* while and for loops: count their cap hits */
	VEC(struct index_site) indexes;	/* run-time array indexes: count those out of range */
	VEC(struct arg_site) args;	/* run-time arguments out of range: counted */
	struct type_table types;	/* the program's types (DWARF, declared, BTF, tuples) */
	bool needs_ringbuf, needs_stacks;
	bool self_pending;	/* a map read in its own first assignment */
	bool self_default;	/* ... is then typed as an integer (sc_self_read) */
};

/* Run every pass; false when any reported an error. */
bool sema_program(struct sema *s, struct program *prog, const struct options *opts);
/* A config = { ... } block into o, where the command line and the
 * environment left a setting alone; false after reporting an error. */
bool sema_config(struct options *o, const struct program *prog);
/* Expand the program's macros in its clauses; false after reporting an
 * error. */
bool sema_macros(struct program *prog);
void sema_free(struct sema *s);
struct map *sema_map(struct sema *s, const char *name, enum map_kind kind);
int sema_probe_name(struct sema *s, const char *name);
int sema_event(struct sema *s, struct event ev);

/* Passes (sema/<pass>.c). */
bool sema_probes(struct sema *s);
/* Map declarations: read before the walks, checked against the maps'
 * use after them (decl.c). */
void sema_decls(struct sema *s);
void sema_decls_check(struct sema *s);
/* Types declared in the program (types.c), before the probes. */
bool sema_types(struct sema *s);
/* The enum that has an enumerator called name (declared in the program
 * or read from debug info), its value in *value; NULL when none has. */
const struct ctype *sema_enumerator(struct sema *s, const char *name, int64_t *value);
void sema_fold(struct node *n);
void sema_layout(struct sema *s);
void fmt_free(struct fmt *f);

#endif
