#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Bad uses of maps, their functions and declarations, and of return: the
# exact diagnostic, caret included (t/data/maps-diagnostics.cases).
. "$(dirname "$0")/cases.sh"

export PATH="$TARGETS:$PATH"
[ -x "$TARGETS/calls" ] || skip_all "test targets not built"
run_cases "$SRCDIR/t/data/maps-diagnostics.cases"
done_testing
