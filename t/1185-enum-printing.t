#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Values of enum types print by their enumerators' names (the cases:
# t/data/enum-printing.cases).
. "$(dirname "$0")/cases.sh"

use_targets
run_cases "$SRCDIR/t/data/enum-printing.cases"
done_testing
