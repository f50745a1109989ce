#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Builtins from bpftrace (rand, jiffies, ncpus, numaid, cpid, usermode,
# $#) and duration literals, against the kernel's files and the targets'
# ground truth (the cases: t/data/builtins.cases; the runner: t/cases.sh).
. "$(dirname "$0")/cases.sh"

use_targets
run_cases "$SRCDIR/t/data/builtins.cases"
done_testing
