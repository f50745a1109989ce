#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The kernel's types through its BTF: curtask, and tracepoint fields and
# raw tracepoint arguments that point to kernel structs (the cases:
# t/data/kernel-types.cases; what is refused:
# t/data/kernel-types-diagnostics.cases).
. "$(dirname "$0")/cases.sh"

[ -r /sys/kernel/btf/vmlinux ] || skip_all "this kernel has no BTF (/sys/kernel/btf/vmlinux)"
use_targets
run_cases "$SRCDIR/t/data/kernel-types.cases"
run_cases "$SRCDIR/t/data/kernel-types-diagnostics.cases"
done_testing
