#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# for ($kv : @m) over a map's elements, through bpf_for_each_map_elem and
# a callback subprogram, and what it refuses (the cases:
# t/data/for-map.cases; the runner: t/cases.sh).
. "$(dirname "$0")/cases.sh"

use_targets
run_cases "$SRCDIR/t/data/for-map.cases"
done_testing
