#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# pton() as an array of bytes, ntop() of arrays (the cases:
# t/data/pton.cases; the runner: t/cases.sh).
. "$(dirname "$0")/cases.sh"

use_targets
run_cases "$SRCDIR/t/data/pton.cases"
done_testing
