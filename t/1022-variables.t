#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Variables: $locals, global maps, self->x thread-locals, positional
# parameters (the cases: t/data/variables.cases; the runner: t/cases.sh).
. "$(dirname "$0")/cases.sh"

use_targets
run_cases "$SRCDIR/t/data/variables.cases"
done_testing
