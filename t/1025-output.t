#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Output: the text and JSON formats of every kind of map, and -t (the
# cases: t/data/output.cases; the runner: t/cases.sh).
. "$(dirname "$0")/cases.sh"

use_targets
run_cases "$SRCDIR/t/data/output.cases"
done_testing
