#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Integers print by their type (widened by its sign) in printf, print(),
# maps and JSON; pointers print in hex (the cases:
# t/data/print-types.cases; the runner: t/cases.sh).
. "$(dirname "$0")/cases.sh"

use_targets
run_cases "$SRCDIR/t/data/print-types.cases"
done_testing
