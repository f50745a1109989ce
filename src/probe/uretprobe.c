// SPDX-License-Identifier: GPL-2.0-only
/* uretprobe:BIN:SYM (alias r:): return of user functions, with retval.
 * Sites are found exactly as for uprobes. */
#include <linux/bpf.h>

#include "probe/uprobe.h"

static bool uretprobe_resolve(struct probe *p)
{
	return uprobe_resolve_sites(p);
}

static bool uretprobe_attach(struct probe *p, int variant, int prog_fd, int *nattached)
{
	return probe_attach_user_sites(p, variant, prog_fd, true, nattached);
}

const struct probe_kind probe_uretprobe = {
	.name = "uretprobe",
	.alias = "r",
	.prog_type = BPF_PROG_TYPE_KPROBE,
	.flags = PK_USER | PK_RETVAL | PK_USTACK,
	.resolve = uretprobe_resolve,
	.attach = uretprobe_attach,
	.list = probe_list_functions,
};
