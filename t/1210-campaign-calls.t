#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# bpftrace's documented call syntax for builtins (comm(), pid(),
# ustack()...): the cases in t/data/campaign-calls.cases, run by
# t/cases.sh.
. "$(dirname "$0")/cases.sh"

use_targets
run_cases "$SRCDIR/t/data/campaign-calls.cases"
done_testing
