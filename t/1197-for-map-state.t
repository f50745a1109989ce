#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# for ($kv : @m): the body is given the clause's locals by pointer (no
# copy of the stack), so programs with large locals load and what the
# body writes is seen after the loop; a for over a map inside unroll or
# inside another for over a map (the cases: t/data/for-map-state.cases;
# the runner: t/cases.sh).
. "$(dirname "$0")/cases.sh"

use_targets
run_cases "$SRCDIR/t/data/for-map-state.cases"
done_testing
