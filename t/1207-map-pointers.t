#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Maps keep a pointer's pointee type and address space (the cases:
# t/data/map-pointers.cases).
. "$(dirname "$0")/cases.sh"

[ -r /sys/kernel/btf/vmlinux ] || skip_all "this kernel has no BTF (/sys/kernel/btf/vmlinux)"
use_targets
mkdir -p "$TARGETS/nodd1207"
run_cases "$SRCDIR/t/data/map-pointers.cases"
rm -rf "$TARGETS/nodd1207"
done_testing
