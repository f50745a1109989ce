// SPDX-License-Identifier: GPL-2.0-only
/* kprobe:FUNC[+OFF] (k:) and kretprobe:FUNC (kr:): kernel functions,
 * through the kernel's kprobe PMU. Kernels built without kprobes (this
 * project's own CI kernel among them) have no such PMU: that is a clear
 * runtime error at the probe, not a mystery at attach time. */
#include <errno.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/cg.h"
#include "options.h"
#include "probe/probe.h"

/* pt_regs offsets of the x86-64 argument registers */
static const int arg_regs[] = { 112, 104, 96, 88, 72, 64 };

static bool kprobe_resolve(struct probe *p)
{
	char *parts[3] = {0};
	struct loc locs[3];
	int n = probe_split(p, parts, locs, 3);
	bool ok = n == 2 && *parts[1];

	if (!ok)
		diag_error(p->node->loc, "%s probes are written %s:FUNCTION", p->kind->name,
			   p->kind->name);
	else if (probe_pmu_type("kprobe") < 0) {
		diag_error(p->node->loc, "this kernel has no kprobes (built without "
			   "CONFIG_KPROBES), so %s cannot be traced; a tracepoint (t:) may "
			   "cover it", parts[1]);
		diag_env_failure();
		ok = false;
	}
	if (ok) {
		char *plus = strchr(parts[1], '+');
		if (plus) {
			p->offset = strtoull(plus + 1, NULL, 0);
			*plus = '\0';
		}
		p->name = xstrdup(parts[1]);
		p->name_loc = locs[1];
		probe_add_site(p)->func = xstrdup(p->name);
	}
	for (int i = 0; i < n && i < 3; i++)
		free(parts[i]);
	p->nargs = 6;
	return ok;
}

static bool kprobe_arg_type(struct probe *p, int idx, struct loc loc, struct type *t)
{
	if (idx >= 6) {
		diag_error(loc, "kprobes give the 6 register arguments, arg0..arg5");
		return false;
	}
	*t = idx < p->nsig ? p->sig[idx].type : type_int(8, false);
	return true;
}

static bool kprobe_attach_one(struct probe *p, bool ret, int prog_fd, int *nattached)
{
	struct perf_event_attr a = {
		.size = sizeof(a),
		.type = (uint32_t)probe_pmu_type("kprobe"),
		.config = ret ? 1 : 0,
		.config1 = (uint64_t)(uintptr_t)p->name,
		.config2 = p->offset,
	};
	struct probe_site *s = &p->sites.v[0];
	int fd = probe_perf_event_open(&a, -1, 0);

	if (fd < 0) {
		errmsg("cannot attach to %s: %s", p->spec, strerror(errno));
		return false;
	}
	if (!probe_attach_perf_fd(s, fd, prog_fd, s->cookie, p->spec))
		return false;
	(*nattached)++;
	return true;
}

static bool kprobe_attach(struct probe *p, int variant, int prog_fd, int *nattached)
{
	(void)variant;
	return kprobe_attach_one(p, false, prog_fd, nattached);
}

static bool kretprobe_attach(struct probe *p, int variant, int prog_fd, int *nattached)
{
	(void)variant;
	return kprobe_attach_one(p, true, prog_fd, nattached);
}

static void kprobe_emit_arg(struct cg *cg, struct probe *p, int variant, int idx, int reg)
{
	struct type t = idx < p->nsig ? p->sig[idx].type : type_int(8, false);

	(void)variant;
	cg_emit(cg, LDX(BPF_DW, reg, R6, (int16_t)arg_regs[idx]));
	if (t.kind == T_INT)
		cg_extend(cg, reg, t.size, t.sign);
}

const struct probe_kind probe_kprobe = {
	.name = "kprobe",
	.alias = "k",
	.prog_type = BPF_PROG_TYPE_KPROBE,
	.flags = PK_ARGS | PK_KSTACK | PK_USTACK,
	.resolve = kprobe_resolve,
	.arg_type = kprobe_arg_type,
	.emit_arg = kprobe_emit_arg,
	.attach = kprobe_attach,
};

const struct probe_kind probe_kretprobe = {
	.name = "kretprobe",
	.alias = "kr",
	.prog_type = BPF_PROG_TYPE_KPROBE,
	.flags = PK_RETVAL | PK_KSTACK | PK_USTACK,
	.resolve = kprobe_resolve,
	.attach = kretprobe_attach,
};
