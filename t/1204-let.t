#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# let $x = VALUE and let $x; in clauses and macro bodies (the cases:
# t/data/let.cases; the runner: t/cases.sh).
. "$(dirname "$0")/cases.sh"

use_targets
run_cases "$SRCDIR/t/data/let.cases"
done_testing
