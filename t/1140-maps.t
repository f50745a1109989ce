#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Maps: reads in their own assignment, the map functions (zero, has_key,
# print with top and div, delete of several keys), declared maps, and
# what they print (the cases: t/data/maps.cases; the runner: t/cases.sh).
. "$(dirname "$0")/cases.sh"

use_targets
run_cases "$SRCDIR/t/data/maps.cases"
done_testing
