#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Functions given what they cannot take: the exact diagnostic, caret
# included, and exit status 2 (the cases: t/data/functions-diagnostics.cases).
. "$(dirname "$0")/cases.sh"

use_targets
run_cases "$SRCDIR/t/data/functions-diagnostics.cases"
done_testing
