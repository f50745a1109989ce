#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Tuples and records: values, map keys and values, member access,
# printing (the cases: t/data/tuples.cases; the runner: t/cases.sh).
. "$(dirname "$0")/cases.sh"

use_targets
run_cases "$SRCDIR/t/data/tuples.cases"
done_testing
