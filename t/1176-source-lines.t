#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# uprobe:BIN:FILE:LINE through the DWARF line table, on the lines of
# t/targets/calls.c marked "line probe", against the counts the target
# prints (the cases: t/data/source-lines.cases).
. "$(dirname "$0")/cases.sh"

need_cmd objcopy
use_targets
src="$SRCDIR/t/targets/calls.c"
l_ret=$(grep -n "line probe: compute's return" "$src" | cut -d: -f1)
l_inl=$(grep -n "line probe: inlined into calls_thread" "$src" | cut -d: -f1)
sed -e "s/@L_RET@/$l_ret/g" -e "s/@L_INL@/$l_inl/g" -e "s/@L_AFTER@/$((l_ret + 1))/g" "$SRCDIR/t/data/source-lines.cases" \
	>"$TMP/source-lines.cases"
# the same program without its DWARF (and no debug file to find)
objcopy --strip-debug "$TARGETS/calls" "$TARGETS/calls-nodebug"
run_cases "$TMP/source-lines.cases"
done_testing
