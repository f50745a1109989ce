#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Program types in hand-written signatures, from the debug info or
# declared (the cases: t/data/sig-types.cases). cxxsim-stripped's debug
# file goes under a build-id directory of this test's own, removed at
# the end.
. "$(dirname "$0")/cases.sh"

use_targets
DD="$TARGETS/dd1186"
build_id_dir "$TARGETS/cxxsim-stripped" "$DD"
mkdir -p "$TARGETS/nodd1186"
run_cases "$SRCDIR/t/data/sig-types.cases"
rm -rf "$DD" "$TARGETS/nodd1186"
done_testing
