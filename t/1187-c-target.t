#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# DWARF types of a C program, three ways (the cases: t/data/c-target.cases):
# ctypes with -g, ctypes-stripped with its debug file under a build-id
# directory of this test's own (removed at the end), and ctypes-nodebug.
. "$(dirname "$0")/cases.sh"

use_targets
DD="$TARGETS/dd1187"
build_id_dir "$TARGETS/ctypes-stripped" "$DD"
mkdir -p "$TARGETS/nodd1187"
run_cases "$SRCDIR/t/data/c-target.cases"
rm -rf "$DD" "$TARGETS/nodd1187"
done_testing
