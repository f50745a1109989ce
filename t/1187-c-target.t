#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# DWARF types of a C program, three ways (the cases: t/data/c-target.cases):
# ctypes with -g, ctypes-stripped with its debug file under a build-id
# directory of this test's own (removed at the end), and ctypes-nodebug.
. "$(dirname "$0")/cases.sh"

need_cmd readelf
DBG="$TARGETS/ctypes-stripped.debug"
[ -f "$DBG" ] || skip_all "no $DBG (make check builds it)"
use_targets
ID=$(readelf -n "$TARGETS/ctypes-stripped" | sed -n 's/.*Build ID: *//p')
[ -n "$ID" ] || skip_all "ctypes-stripped has no build-id"
DD="$TARGETS/dd1187"
mkdir -p "$DD/.build-id/$(printf %.2s "$ID")" "$TARGETS/nodd1187"
cp "$DBG" "$DD/.build-id/$(printf %.2s "$ID")/${ID#??}.debug"
run_cases "$SRCDIR/t/data/c-target.cases"
rm -rf "$DD" "$TARGETS/nodd1187"
done_testing
