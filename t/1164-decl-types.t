#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Types declared in the program read from a binary without debug info,
# against the target's own figures (the cases: t/data/decl-types.cases).
. "$(dirname "$0")/cases.sh"

use_targets
run_cases "$SRCDIR/t/data/decl-types.cases"
done_testing
