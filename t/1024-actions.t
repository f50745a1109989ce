#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Actions: print(), clear(), delete(), exit() and the order of BEGIN, the
# events and END (the cases: t/data/actions.cases; the runner: t/cases.sh).
. "$(dirname "$0")/cases.sh"

use_targets
run_cases "$SRCDIR/t/data/actions.cases"
done_testing
