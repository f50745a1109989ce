#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Arrays as values that plumb refuses, each with its diagnostic (the cases:
# t/data/array-values-diagnostics.cases; the runner: t/cases.sh).
. "$(dirname "$0")/cases.sh"

run_cases "$SRCDIR/t/data/array-values-diagnostics.cases"
done_testing
