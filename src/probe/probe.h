/* SPDX-License-Identifier: GPL-2.0-only */
/* Probe kinds. Each kind (uprobe, uretprobe, usdt, tracepoint, kprobe,
 * BEGIN/END, interval, profile, software, rawtracepoint, watchpoint) is
 * one file that fills a struct
 * probe_kind; nothing outside that file knows a kind's details. */
#ifndef PLUMB_PROBE_H
#define PLUMB_PROBE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "ast/ast.h"
#include "util/util.h"

struct cg;
struct options;
struct probe_lister;
struct bin_sig;

/* One place a program is attached. */
struct probe_site {
	char *path;		/* binary (uprobe, usdt) */
	uint64_t vaddr;		/* link-time address */
	uint64_t off;		/* file offset */
	uint64_t ref_ctr_off;	/* USDT semaphore file offset, 0 if none */
	char *func;		/* value of `func` here (NULL: the spec) */
	int name_id;		/* ... as a probe name id */
	int probe_id;		/* value of `probe` here: the probe's full name */
	uint64_t cookie;	/* the BPF cookie: name_id | probe_id << 32 */
	int variant;		/* which of the probe's programs runs here */
	const void *data;	/* kind-specific (usdt: its note) */
	int tp_id;		/* tracepoint id */
	VEC(int) fds;		/* perf events */
	VEC(int) links;		/* bpf links */
};

struct sigarg {
	char *name;		/* NULL for an unnamed argument */
	struct type type;
	struct loc loc;
	char *ptype;		/* a type the program did not declare ("struct S *"),
				 * looked up in the binary's debug info once found */
};

#define PROBE_MAX_SIG 12

struct probe {
	const struct probe_kind *kind;
	struct node *node;	/* AST_PROBE: spec text and location */
	char *spec;		/* canonical: "usdt:/bin/x:prov:name" */
	int spec_id;		/* value of `probe` (a probe name id) */
	/* components of the spec, with the location of each for carets */
	char *target;		/* binary, tracepoint category, ... */
	struct loc target_loc;
	char *provider;
	struct loc provider_loc;
	char *name;		/* symbol, USDT name, tracepoint name, ... */
	struct loc name_loc;
	uint64_t offset;	/* uprobe: SYM+OFF, or the address */
	int line;		/* uprobe:BIN:FILE:LINE (name is the file), else 0 */
	struct loc line_loc;
	uint64_t period;	/* interval: ns; profile: ns or hz; software: count */
	bool period_hz;		/* profile: period is a frequency in hz */
	uint64_t config;	/* software: the perf event's config */
	int nsig;
	struct sigarg sig[PROBE_MAX_SIG];
	VEC(struct probe_site) sites;
	int nvariants;		/* programs needed (usdt: one per argument layout) */
	int nargs;		/* arguments it has; -1 when unknown */
	void *priv;		/* kind-specific */
	const struct options *opts;
	struct type_table *types;	/* where its debug info's types go (sema's) */
	struct bin_sig *dsig;	/* uprobes: the function's signature from debug info */
	char *nodebug;		/* ... or the binary that has none, for the hint */
	struct type retval;	/* retval's type from debug info; T_NONE: unknown */
};

enum probe_flags {
	PK_USER = 1,		/* user-space probe: ctx is struct pt_regs */
	PK_RETVAL = 2,		/* has retval */
	PK_ARGS = 4,		/* has arg0..argN */
	PK_ONCE = 8,		/* BEGIN / END: run once through BPF_PROG_TEST_RUN */
	PK_BEGIN = 16,
	PK_END = 32,
	PK_FIELDS = 64,		/* has args.FIELD */
	PK_KSTACK = 128,	/* kstack is meaningful */
	PK_USTACK = 256,	/* ustack is meaningful */
	PK_TIMER = 512,		/* runs in whatever task is current: -p does not apply */
};

struct probe_kind {
	const char *name;
	const char *alias;
	int prog_type;		/* enum bpf_prog_type */
	unsigned int flags;
	/* Parse the spec and find every site; errors through diag_error()
	 * at the spec's location. */
	bool (*resolve)(struct probe *p);
	/* Type of argN; false when the probe has no such argument (the
	 * kind reports why through diag_error at loc). */
	bool (*arg_type)(struct probe *p, int idx, struct loc loc, struct type *t);
	/* Emit code that loads argN (as a 64-bit value, extended per its
	 * type) into reg, for the given variant. */
	void (*emit_arg)(struct cg *cg, struct probe *p, int variant, int idx, int reg);
	/* argN is a register or constant: loading it calls no helper. */
	bool (*arg_pure)(struct probe *p, int variant, int idx);
	/* args.FIELD: type and code. */
	bool (*field_type)(struct probe *p, const char *field, struct loc loc, struct type *t);
	void (*emit_field)(struct cg *cg, struct probe *p, const char *field, int reg);
	void (*emit_field_str)(struct cg *cg, struct probe *p, const char *field, int base,
			       int off, int len);
	/* Attach the program of one variant to its sites. Errors through
	 * errmsg(); returns false. Sets *nattached to the sites attached. */
	bool (*attach)(struct probe *p, int variant, int prog_fd, int *nattached);
	void (*detach)(struct probe *p);
	void (*free)(struct probe *p);
	/* plumb -l KIND:PARTS...: list what the pattern's parts (after the
	 * kind, n of them, each may be missing) match, each through
	 * probe_list_spec(). False after saying why; NULL: nothing to list. */
	bool (*list)(struct probe_lister *l, char **parts, int n);
};

/* The registry (probe/registry.c): find the kind for "usdt", "u", ... */
const struct probe_kind *probe_kind_find(const char *name);
/* Report an unknown kind name at loc, with the closest known one. */
void probe_kind_unknown(const char *name, struct loc loc);
/* Build a probe from an AST_PROBE node: split the spec, pick the kind,
 * resolve. NULL after reporting an error. */
struct probe *probe_new(struct node *n, const struct options *opts, struct type_table *types);
void probe_free(struct probe *p);
/* Every probe is resolved: let go of what resolving kept for the next
 * probe (uprobes keep the last binary open). */
void probe_resolve_done(void);
/* plumb -l: print what PATTERN matches; returns the exit status. */
int probe_list(const char *pattern, const struct options *opts);
/* plumb -l -e PROGRAM: what each of the program's probes matches. */
struct program;
int probe_list_program(const struct program *prog, const struct options *opts);
/* What a kind's list hook writes to (probe/list.c). */
struct probe_lister {
	const struct options *o;
	FILE *out;
	int found;
};
/* One listed probe: its spec, as text or as a JSON record (-j). */
void probe_list_spec(struct probe_lister *l, const char *spec);
/* List hooks the user-space kinds share: a binary's USDT probes, its
 * functions (parts: BINARY[:PROVIDER][:NAME], BINARY[:FUNCTION]). */
bool probe_list_usdt(struct probe_lister *l, char **parts, int n);
bool probe_list_functions(struct probe_lister *l, char **parts, int n);
/* A kind with nothing to find (timers, BEGIN, END): the forms its spec
 * takes, those whose unit matches parts[0], each described under -v. */
struct probe_form {
	const char *spec, *unit, *what;
};
bool probe_list_forms(struct probe_lister *l, char **parts, int n,
		      const struct probe_form *forms, size_t nforms);
/* Two probes of the same kind and canonical spec fire at the same sites
 * with the same variants and cookies, so one program can serve the
 * clauses of both. */
bool probe_same_sites(const struct probe *a, const struct probe *b);
/* Detach everything a probe attached; safe to call twice. */
void probe_detach(struct probe *p);
struct probe_site *probe_add_site(struct probe *p);

/* Shared helpers for kinds (probe/common.c). */
/* A wildcard binary (usdt:*:NAME, uprobe:*:FUNC) has objects to search:
 * -p's process, or -c's command. */
bool probe_wildcard_ok(const struct options *o);
/* Its objects: what -p's process maps, or what -c's command will map
 * once started (its program and the libraries it needs: not those it
 * dlopen()s later). *where names them for messages. 0 after saying why
 * at loc. */
size_t probe_wildcard_objects(const struct options *o, struct loc loc, char ***objs,
			      char *where, size_t len);
/* The spec's components: "u:bin:prov:name" -> {"u","bin","prov","name"},
 * with their locations inside the spec token. Returns the count. */
int probe_split(struct probe *p, char **parts, struct loc *locs, int max);
/* Open a perf event for a uprobe on (path, off) and attach prog_fd to it
 * with the given cookie. false with errno-based message on failure. */
bool probe_attach_uprobe(struct probe *p, struct probe_site *s, bool ret, int prog_fd,
			 uint64_t cookie);
struct perf_event_attr;
int probe_perf_event_open(struct perf_event_attr *a, pid_t pid, int cpu);
/* interval:N / profile:N specs (N, Nhz, 10ms, or UNIT:N) into p->period:
 * ns, or hz with p->period_hz set (only when hz_ok). min_ns bounds a
 * period in time. */
bool probe_period_spec(struct probe *p, const char *what, bool hz_ok, uint64_t min_ns);
/* The type of a PMU in /sys/bus/event_source/devices, or -1. */
int probe_pmu_type(const char *pmu);
/* Attach a user-space probe's program to every site of a variant: one
 * uprobe_multi link per binary where the kernel has them, else a perf
 * event per site. */
bool probe_attach_user_sites(struct probe *p, int variant, int prog_fd, bool ret, int *nattached);
size_t probe_detach_file(struct probe *p, const char *path);
/* The expected attach type user-space programs must be loaded with for
 * uprobe_multi links, or 0 without them (PLUMB_NO_UPROBE_MULTI forces 0). */
int probe_uprobe_multi_type(void);
/* Attach prog_fd to an already opened perf event fd (links, enables). */
bool probe_attach_perf_fd(struct probe_site *s, int pfd, int prog_fd, uint64_t cookie,
			  const char *what);
/* Open a on every CPU (an offline one, ENODEV, is passed over) and
 * attach prog_fd to each, as p's one site: profile:, software:. fail_fmt
 * says why not, with the CPU, the spec and the error, in that order
 * ("%2$s on CPU %1$d: %3$s"). */
bool probe_attach_every_cpu(struct probe *p, struct perf_event_attr *a, int prog_fd,
			    int *nattached, const char *fail_fmt);
/* Signature processing: fill p->sig from the AST's AST_SIGARG list. */
bool probe_signature(struct probe *p);
/* A named signature argument's index, or -1. */
int probe_sig_index(const struct probe *p, const char *name);

#endif
