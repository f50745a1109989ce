#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# printf: every conversion on constants and run-time values against
# printf(1), %s of strings of every origin, order per thread, -j, and
# formats that do not fit their arguments (the cases:
# t/data/printf-output.cases, t/data/printf.cases; the runner: t/cases.sh).
. "$(dirname "$0")/cases.sh"

use_targets
run_cases "$SRCDIR/t/data/printf-output.cases" "$SRCDIR/t/data/printf.cases"
done_testing
