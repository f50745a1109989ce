#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Every example of man/plumb.1 runs, against the test targets, and prints
# what the page's ".\" expect:" comment says: the manual cannot drift.
. "$(dirname "$0")/lib.sh"

need_kernel
use_targets
MAN="$SRCDIR/man/plumb.1"

# One example per file: line 1 the run options, line 2 the expected
# regex, then the command with roff escapes undone.
awk -v dir="$TMP" '
	/^\.\\" run: / { run = substr($0, 10); next }
	/^\.\\" expect: / { expect = substr($0, 13); next }
	/^\.\\" needs: / { needs = substr($0, 12); next }
	/^\.EX/ && run != "" { n++; f = dir "/ex" n; print run > f; print expect >> f;
		print needs >> f; inex = 1; next }
	/^\.EE/ { if (inex) close(f); inex = 0; run = ""; needs = ""; next }
	inex { gsub(/\\e/, "\\"); gsub(/\\-/, "-"); print >> f }
' "$MAN"

count=0
for i in $(seq 1 "$(ls "$TMP"/ex* | wc -l)"); do
	ex="$TMP/ex$i"
	count=$((count + 1))
	run=$(sed -n 1p "$ex")
	expect=$(sed -n 2p "$ex")
	needs=$(sed -n 3p "$ex")
	cmd=$(sed -n '4,$p' "$ex")
	rest=${cmd#plumb }
	eval "\"\$PLUMB\" -q $run $rest" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	first=$(printf '%s\n' "$cmd" | head -1)
	# a kernel without the feature must say so, plainly, with status 1
	if [ -n "$needs" ] && [ ! -e "/sys/bus/event_source/devices/$needs" ]; then
		rc=$([ "$rc" = 1 ] && grep -q "has no ${needs}s" "$TMP/err" && echo 0 || echo "$rc")
		expect=.
		echo x >>"$TMP/out"
	fi
	if [ "$rc" = 0 ] && grep -Eq -- "$expect" "$TMP/out"; then
		ok 0 "man example: $first"
	else
		ok 1 "man example: $first (exit $rc, wanted /$expect/)"
		sed 's/^/# out: /' "$TMP/out" | head -20
		sed 's/^/# err: /' "$TMP/err" | head -20
	fi
done
[ "$count" -ge 14 ] || ok 1 "found only $count examples in the man page"
done_testing
