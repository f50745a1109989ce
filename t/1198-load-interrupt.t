#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# A stop signal during a long verification ends plumb at once: the load
# runs with the stop signals let in (runtime/signals.c), and the verifier
# gives up when one is pending. Before, they were blocked for the load,
# and plumb stayed deaf to Ctrl-C until the verifier was done: more than
# ten minutes for the program below (two nested loops of 1000 trips).
. "$(dirname "$0")/lib.sh"

need_kernel
prog='BEGIN { $i = 0; $s = 0; while ($i < 1000) { $j = 0; while ($j < 1000) { $s += $j * $i; $j++; } $i++; } printf("%d\n", $s); exit(); }'
for sig in INT TERM; do
	bg_plumb "$TMP/out" "$TMP/err" -q -e "$prog"
	sleep 1
	if ! kill -0 "$P" 2>/dev/null; then
		ok 1 "SIG$sig: plumb was still verifying after 1 s"
		cat "$TMP/err" | sed 's/^/# /'
		continue
	fi
	kill -"$sig" "$P"
	if exits_within 5 "$P"; then
		wait "$P"
		rc=$?
		ok 0 "SIG$sig during the verification: plumb ends within 5 s"
		is "$rc" 0 "SIG$sig: the exit status of a stop"
		is "$(cat "$TMP/out" "$TMP/err")" "" "SIG$sig: nothing printed, nothing loaded"
	else
		ok 1 "SIG$sig during the verification: plumb ends within 5 s"
		kill -KILL "$P"
		wait "$P"
	fi
done
done_testing
