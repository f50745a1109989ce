#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Declared types plumb refuses: the exact diagnostic, caret included, and
# exit status 2 (the cases: t/data/decl-diagnostics.cases).
. "$(dirname "$0")/cases.sh"

use_targets
run_cases "$SRCDIR/t/data/decl-diagnostics.cases"
done_testing
