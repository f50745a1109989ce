#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# 500 random programs (t/data/random.progs: expressions of every operator,
# casts, strings, locals, maps, thread-locals, aggregations, printf, if/else)
# on a live uprobe: each either is refused with a diagnostic (exit 2) or
# loads, passes the verifier and runs (exit 0). Nothing else: no crash, no
# verifier refusal of code plumb generated.
. "$(dirname "$0")/lib.sh"

need_kernel
use_targets

n=0 compiled=0
while IFS= read -r prog; do
	n=$((n + 1))
	"$PLUMB" -n "$prog" >/dev/null 2>"$TMP/err"
	rc=$?
	if [ "$rc" = 2 ]; then
		grep -q '^<cmdline>:[0-9]*:[0-9]*: error: ' "$TMP/err"
		ok $? "program $n: refused with a located diagnostic"
		continue
	fi
	if [ "$rc" != 0 ]; then
		ok 1 "program $n: -n exits $rc"
		diag "$prog"
		continue
	fi
	compiled=$((compiled + 1))
	"$PLUMB" -q -c 'calls -t 1 -n 20 -q' "$prog" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	ok "$rc" "program $n: loads and runs"
	[ "$rc" = 0 ] || { diag "$prog"; sed 's/^/# /' "$TMP/err" | head -5; }
done <"$SRCDIR/t/data/random.progs"
[ "$compiled" -ge $((n * 3 / 4)) ]
ok $? "most programs compile ($compiled of $n): the test exercises the kernel"
done_testing
