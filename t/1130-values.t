#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Values: print(value), bool, integer casts, sizeof, against the same
# values the shell computes (the cases: t/data/values.cases; the runner:
# t/cases.sh).
. "$(dirname "$0")/cases.sh"

use_targets
run_cases "$SRCDIR/t/data/values.cases"
done_testing
