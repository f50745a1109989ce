#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The program's types from debug info in expressions: members, casts,
# indexing, bit-fields, scaled pointers (the cases: t/data/dwarf-types.cases;
# the runner: t/cases.sh). cxxsim-stripped's debug file goes under a
# build-id directory of the test's own, @TARGETS@/dd.
. "$(dirname "$0")/cases.sh"

need_cmd readelf
DBG="$TARGETS/cxxsim-stripped.debug"
[ -f "$DBG" ] || skip_all "no $DBG (make check builds it)"
use_targets
ID=$(readelf -n "$TARGETS/cxxsim-stripped" | sed -n 's/.*Build ID: *//p')
[ -n "$ID" ] || skip_all "cxxsim-stripped has no build-id"
mkdir -p "$TARGETS/dd/.build-id/$(printf %.2s "$ID")"
cp "$DBG" "$TARGETS/dd/.build-id/$(printf %.2s "$ID")/${ID#??}.debug"
run_cases "$SRCDIR/t/data/dwarf-types.cases"
done_testing
