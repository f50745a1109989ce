#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# bpftrace's documented builtins ppid, has_cpid and probetype: the cases
# in t/data/campaign-builtins.cases, run by t/cases.sh.
. "$(dirname "$0")/cases.sh"

use_targets
run_cases "$SRCDIR/t/data/campaign-builtins.cases"
done_testing
