#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# A program the kernel refuses is reported at the plumb source that made
# the refused instruction, with a caret; -d shows the whole verifier log.
# The refusal is real: t/inject.so spoils the program's first helper call
# on its way to the kernel. Also: no privilege is said plainly.
. "$(dirname "$0")/lib.sh"

need_kernel
use_targets

PROG='p:calls:work { @n = count(); @[tid] = sum(arg0); }'
PLUMB_INJECT=verifier:1 LD_PRELOAD="$INJECT" ASAN_OPTIONS=verify_asan_link_order=0 \
	"$PLUMB" -q "$PROG" >"$TMP/out" 2>"$TMP/err"
is "$?" 1 "a verifier refusal: exit 1"
is "$(sed -n 2,3p "$TMP/err")" "$PROG
               ^^^^^^^^^^^^" "the caret is under the statement whose code was refused"
like "$(head -1 "$TMP/err")" \
	"^<cmdline>:1:16: error: the BPF verifier refused the program for uprobe:.*/calls:work: invalid read from stack R10 off=8 size=8 \(instruction [0-9]+; -d shows the whole log\)$" \
	"the message gives the verifier's reason and the instruction"
is "$(cat "$TMP/out")" "" "nothing on standard output"

PLUMB_INJECT=verifier:1 LD_PRELOAD="$INJECT" ASAN_OPTIONS=verify_asan_link_order=0 \
	"$PLUMB" -q -d "$PROG" >"$TMP/out" 2>"$TMP/err"
is "$?" 1 "with -d: exit 1"
like "$(cat "$TMP/err")" "^; verifier log:$" "with -d: the log is printed"
like "$(cat "$TMP/err")" "^processed [0-9]+ insns" "with -d: the whole log, to its last line"
like "$(cat "$TMP/err")" "^; 1:16  @n = count\(\)$" "with -d: the listing shows the source"

if command -v setpriv >/dev/null 2>&1; then
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$PLUMB" -q 'BEGIN { @ = count(); }' >"$TMP/out" 2>"$TMP/err"
	is "$?" 1 "without privilege: exit 1"
	like "$(cat "$TMP/err")" "plumb needs root, or CAP_BPF and CAP_PERFMON" \
		"without privilege: says so plainly"
	is "$(wc -l <"$TMP/err")" 1 "without privilege: one line"
else
	skip "setpriv (util-linux) is missing"
fi

done_testing
