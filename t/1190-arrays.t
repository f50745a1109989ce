#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Arrays kept whole: as map keys and values, printed, indexed (the cases:
# t/data/arrays.cases; the runner: t/cases.sh).
. "$(dirname "$0")/cases.sh"

use_targets
run_cases "$SRCDIR/t/data/arrays.cases"
done_testing
