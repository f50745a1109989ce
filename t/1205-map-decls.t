#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Map declarations anywhere at the top level, and one never used (the
# cases: t/data/map-decls.cases; the runner: t/cases.sh).
. "$(dirname "$0")/cases.sh"

use_targets
run_cases "$SRCDIR/t/data/map-decls.cases"
done_testing
