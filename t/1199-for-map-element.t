#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# for ($kv : @m): the element as a whole, (key, value) as bpftrace has it,
# a key of several parts as a tuple, and the members of tuple keys and
# values ($kv.1.0, $kv.0.1) (the cases: t/data/for-map-element.cases;
# the runner: t/cases.sh).
. "$(dirname "$0")/cases.sh"

use_targets
run_cases "$SRCDIR/t/data/for-map-element.cases"
done_testing
