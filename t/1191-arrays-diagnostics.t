#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Arrays plumb refuses, each with its diagnostic (the cases:
# t/data/arrays-diagnostics.cases; the runner: t/cases.sh).
. "$(dirname "$0")/cases.sh"

run_cases "$SRCDIR/t/data/arrays-diagnostics.cases"
done_testing
