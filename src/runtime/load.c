// SPDX-License-Identifier: GPL-2.0-only
/* Loading programs. A refusal by the verifier is reported at the plumb
 * source of the instruction it stopped at; -d prints the whole log. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>

#include "options.h"
#include "runtime/rt.h"

#define LOG_MIN (1u << 20)
#define LOG_MAX (64u << 20)

static bool relocate(struct rt *rt, struct cg_prog *p)
{
	for (size_t i = 0; i < p->relocs.n; i++) {
		const struct cg_reloc *r = &p->relocs.v[i];
		int fd = rt_map_fd(rt, r->map);
		if (fd < 0) {
			errmsg("internal error: program for %s uses a map that was not created",
			       p->name);
			return false;
		}
		p->insns.v[r->insn].imm = fd;
	}
	return true;
}

/* The verifier wants BTF function info for a program with subprograms
 * (a for loop's callback and body, codegen/formap.c): "int f(void *)"
 * for the program; "int f(void *, void *, void *, void *)", static, for
 * each callback; for each body "int f(void *ctx, struct locals *l)",
 * global, so that it is verified once on its own: ctx is the probe's
 * context (the "arg:ctx" tag makes it one for any program type), and l
 * points to a struct of as many bytes as the clause's locals. One small
 * BTF object per program; the loaded program keeps its own reference. */
static struct btf *func_btf(const struct cg_prog *p, struct bpf_func_info *fi)
{
	struct btf *b = btf__new_empty();
	int i32, i64, u8, ptr, proto, cbproto, loopproto, main, cb, loopcb;

	if (!b)
		return NULL;
	i32 = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	i64 = btf__add_int(b, "long", 8, BTF_INT_SIGNED);
	u8 = btf__add_int(b, "unsigned char", 1, 0);
	ptr = btf__add_ptr(b, 0);
	proto = btf__add_func_proto(b, i32);
	btf__add_func_param(b, "ctx", ptr);
	main = btf__add_func(b, "plumb_prog", BTF_FUNC_STATIC, proto);
	cbproto = btf__add_func_proto(b, i32);
	btf__add_func_param(b, "map", ptr);
	btf__add_func_param(b, "key", ptr);
	btf__add_func_param(b, "value", ptr);
	btf__add_func_param(b, "ctx", ptr);
	cb = btf__add_func(b, "plumb_for_map", BTF_FUNC_STATIC, cbproto);
	loopproto = btf__add_func_proto(b, i32);
	btf__add_func_param(b, "index", i64);
	btf__add_func_param(b, "ctx", ptr);
	loopcb = btf__add_func(b, "plumb_loop", BTF_FUNC_STATIC, loopproto);
	fi[0].type_id = (uint32_t)main;
	for (size_t i = 0; i < p->funcs.n; i++) {
		const struct cg_func *f = &p->funcs.v[i];
		int id = f->kind == CG_FUNC_LOOP_CB ? loopcb : cb;
		if (f->kind == CG_FUNC_BODY) {
			char name[48];
			int arr = btf__add_array(b, i32, u8, (uint32_t)f->state);
			int st = btf__add_struct(b, "plumb_locals", (uint32_t)f->state);
			btf__add_field(b, "bytes", arr, 0, 0);
			int sp = btf__add_ptr(b, st);
			int bproto = btf__add_func_proto(b, i32);
			btf__add_func_param(b, "ctx", ptr);
			btf__add_func_param(b, "locals", sp);
			btf__add_func_param(b, "end", i64);
			snprintf(name, sizeof(name), "plumb_for_body_%zu", i);
			id = btf__add_func(b, name, BTF_FUNC_GLOBAL, bproto);
			btf__add_decl_tag(b, "arg:ctx", id, 0);
		}
		fi[i + 1].insn_off = (uint32_t)f->insn;
		fi[i + 1].type_id = (uint32_t)id;
	}
	if (main < 0 || cb < 0 || loopcb < 0 || btf__load_into_kernel(b)) {
		btf__free(b);
		return NULL;
	}
	return b;
}

static int load(struct cg_prog *p, char *log, size_t logsize, int level)
{
	LIBBPF_OPTS(bpf_prog_load_opts, o, .log_buf = log, .log_size = (uint32_t)logsize,
		    .log_level = (uint32_t)level);
	struct bpf_func_info *fi = NULL;
	struct btf *btf = NULL;
	int fd;

	if (p->funcs.n) {
		fi = xcalloc(p->funcs.n + 1, sizeof(*fi));
		btf = func_btf(p, fi);
		if (!btf) {
			free(fi);
			return -1;
		}
		o.prog_btf_fd = btf__fd(btf);
		o.func_info = fi;
		o.func_info_cnt = (uint32_t)p->funcs.n + 1;
		o.func_info_rec_size = sizeof(*fi);
	}

	/* user-space probes attach through uprobe_multi links when there are any */
	if (p->probe->kind->flags & PK_USER)
		o.expected_attach_type = (enum bpf_attach_type)probe_uprobe_multi_type();

	if (log && logsize)
		log[0] = '\0';
	char name[16];

	/* plumb_PID: whose programs these are, in bpftool's listing */
	snprintf(name, sizeof(name), "plumb_%d", (int)getpid());
	/* a stop signal ends the verification (EAGAIN): no retry then */
	o.attempts = 1;
	rt_signals_open();
	fd = bpf_prog_load(p->prog_type, name, "GPL", p->insns.v, p->insns.n, &o);
	int err = errno;
	if (rt_signals_close() && fd < 0)
		err = EINTR;

	free(fi);
	btf__free(btf);
	errno = err;
	return fd;
}

/* Load with the log on, growing the buffer until it fits. */
static int load_logged(struct cg_prog *p, char **logp)
{
	size_t size = LOG_MIN;
	char *log = NULL;
	int fd;

	for (;;) {
		log = xrealloc(log, size);
		fd = load(p, log, size, 1);
		if (fd >= 0 || errno != ENOSPC || size >= LOG_MAX)
			break;
		size *= 2;
	}
	*logp = log;
	return fd;
}

/* The verifier's reason: its last line that is not bookkeeping. */
static void log_reason(const char *log, int *insn, char *msg, size_t len)
{
	const char *line = log;

	*insn = -1;
	msg[0] = '\0';
	while (line && *line) {
		const char *end = strchr(line, '\n');
		size_t n = end ? (size_t)(end - line) : strlen(line);
		int idx;
		char c;
		if (sscanf(line, "%d: %c", &idx, &c) == 2 && c == '(') {
			*insn = idx;
		} else if (n && strncmp(line, "processed ", 10) && strncmp(line, "verification time", 17) &&
			   strncmp(line, "stack depth", 11) && strncmp(line, "mark_precise", 12) &&
			   line[0] != ';') {
			snprintf(msg, len, "%.*s", (int)n, line);
		}
		line = end ? end + 1 : NULL;
	}
}

static void refused(struct cg_prog *p, const char *log, int err)
{
	char msg[512];
	int insn;

	log_reason(log ? log : "", &insn, msg, sizeof(msg));
	if (!msg[0])
		snprintf(msg, sizeof(msg), "%s", strerror(err));
	if (insn >= 0 && (size_t)insn < p->locs.n)
		diag_error(p->locs.v[insn], "the BPF verifier refused the program for %s: %s "
			   "(instruction %d; -d shows the whole log)", p->name, msg, insn);
	else
		errmsg("the BPF verifier refused the program for %s: %s (-d shows the whole log)",
		       p->name, msg);
}

static bool load_one(struct rt *rt, struct cg_prog *p)
{
	char *log = NULL;
	int err;

	if (!relocate(rt, p))
		return false;
	if (rt->opts->dump) {
		p->fd = load_logged(p, &log);
		err = errno;
		if (err != EINTR)
			cg_dump(stderr, p, rt->sema, log);
	} else {
		p->fd = load(p, NULL, 0, 0);
		err = errno;
		if (p->fd < 0 && err != EPERM && err != EINTR)
			load_logged(p, &log);
	}
	if (p->fd < 0 && (err == EINTR || errno == EINTR)) {
		/* stopped while the verifier checked it: stop as at any other time */
		rt->stop = true;
		free(log);
		return true;
	}
	if (p->fd < 0) {
		/* the verifier says EACCES or EINVAL; no privilege is EPERM */
		if (err == EMFILE) {
			char what[512];
			snprintf(what, sizeof(what), "cannot load the program for %s", p->name);
			rt_fds_report(what);
		} else if (err == EPERM)
			errmsg("cannot load BPF programs: %s (plumb needs root, or CAP_BPF and "
			       "CAP_PERFMON)", strerror(err));
		else
			refused(p, log, err);
	}
	free(log);
	return p->fd >= 0;
}

bool rt_load(struct rt *rt)
{
	if (!rt_chains_create(rt))
		return false;
	for (size_t i = 0; i < rt->nprogs; i++) {
		if (rt_should_stop()) {
			rt->stop = true;	/* thousands of programs take a while */
			return true;
		}
		if (!load_one(rt, rt->progs[i]))
			return false;
		if (rt->stop)
			return true;
	}
	return rt_chains_fill(rt);
}

/* BEGIN and END run once, here, through BPF_PROG_TEST_RUN. */
void rt_run_once(struct rt *rt, unsigned int flag)
{
	for (size_t i = 0; i < rt->nprogs; i++) {
		struct cg_prog *p = rt->progs[i];
		uint64_t ctx[8] = {0};
		LIBBPF_OPTS(bpf_test_run_opts, o, .ctx_in = ctx, .ctx_size_in = sizeof(ctx));

		if (!(p->probe->kind->flags & flag) || p->fd < 0 || !p->head)
			continue;
		if (bpf_prog_test_run_opts(p->fd, &o))
			errmsg("cannot run %s: %s", p->probe->spec, strerror(errno));
	}
}
