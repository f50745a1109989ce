#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# return, and the loops that stop at their trip cap: counted and
# reported (the cases: t/data/return-and-caps.cases; the runner:
# t/cases.sh).
. "$(dirname "$0")/cases.sh"

use_targets
run_cases "$SRCDIR/t/data/return-and-caps.cases"
done_testing
