#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Loops: while, unroll, for over a range, break and continue, against
# the same loops run by the shell (the cases: t/data/control-flow.cases;
# the runner: t/cases.sh).
. "$(dirname "$0")/cases.sh"

use_targets
run_cases "$SRCDIR/t/data/control-flow.cases"
done_testing
