#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Program types in hand-written signatures, from the debug info or
# declared (the cases: t/data/sig-types.cases). cxxsim-stripped's debug
# file goes under a build-id directory of this test's own, removed at
# the end.
. "$(dirname "$0")/cases.sh"

need_cmd readelf
DBG="$TARGETS/cxxsim-stripped.debug"
[ -f "$DBG" ] || skip_all "no $DBG (make check builds it)"
use_targets
ID=$(readelf -n "$TARGETS/cxxsim-stripped" | sed -n 's/.*Build ID: *//p')
[ -n "$ID" ] || skip_all "cxxsim-stripped has no build-id"
DD="$TARGETS/dd1186"
mkdir -p "$DD/.build-id/$(printf %.2s "$ID")" "$TARGETS/nodd1186"
cp "$DBG" "$DD/.build-id/$(printf %.2s "$ID")/${ID#??}.debug"
run_cases "$SRCDIR/t/data/sig-types.cases"
rm -rf "$DD" "$TARGETS/nodd1186"
done_testing
