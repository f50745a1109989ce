#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Arrays as values: in local variables, printed, compared, indexed at run
# time (the cases: t/data/array-values.cases; the runner: t/cases.sh).
. "$(dirname "$0")/cases.sh"

use_targets
run_cases "$SRCDIR/t/data/array-values.cases"
done_testing
