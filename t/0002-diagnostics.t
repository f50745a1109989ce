#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Bad programs: the exact diagnostic, caret included, and exit status 2.
. "$(dirname "$0")/cases.sh"

export PATH="$TARGETS:$PATH"
[ -x "$TARGETS/calls" ] || skip_all "test targets not built"
run_cases "$SRCDIR/t/data/diagnostics.cases"
done_testing
