#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Values refused, each with its diagnostic and caret (the cases:
# t/data/values-diagnostics.cases; the runner: t/cases.sh).
. "$(dirname "$0")/cases.sh"

export PATH="$TARGETS:$PATH"
[ -x "$TARGETS/calls" ] || skip_all "test targets not built"
run_cases "$SRCDIR/t/data/values-diagnostics.cases"
done_testing
