#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# macro definitions: parameters, values, statements, hygiene, and what is
# refused (the cases: t/data/macros.cases).
. "$(dirname "$0")/cases.sh"

use_targets
run_cases "$SRCDIR/t/data/macros.cases"
done_testing
