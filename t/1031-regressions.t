#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# One check per bug found in review (each once gave a wrong answer, a
# refusal of a legal program, or a crash), against values computed here.
. "$(dirname "$0")/lib.sh"

need_kernel
use_targets

# value PROGRAM [PLUMB OPTIONS]: what it prints, in $out; status in $rc
value() {
	prog=$1
	shift
	out=$("$PLUMB" -q "$@" "$prog" 2>"$TMP/err")
	rc=$?
}

value 'BEGIN { $v = 5; @m[pid + $v] = 1; printf("%d %d\n", 1 + (2 + (3 + @m[pid + $v])), 1 + (2 + (3 + @m[pid + 5]))); exit(); }'
is "$(echo "$out" | head -1)" "7 7" "r7 lent to an expression is not handed out again inside it"

value 'BEGIN { $x = "abcdefghijklmnopqrstuvw"; $x = "ab"; printf("%d\n", str("abcdefghijklmnop", 2) == $x); exit(); }'
is "$out" 1 "str(S, n) of a string zeroes its buffer to the end after the NUL"

value 'BEGIN { $t = "plumb"; @m[0] = "abcdefghijklmnopqrstuvwxyz0123456789"; printf("%d\n", str(comm, 12) == $t); exit(); }'
is "$(echo "$out" | head -1)" 1 "comm into a buffer of under 16 bytes leaves no garbage"

value 'p:calls:run_hook { self->s = usym(arg0); $l = usym(arg0); printf("%s\n", $l); } p:calls:work { @b[self->s] = count(); }' -c 'calls -t 2 -n 5 -q'
is "$out" "hook
hook
@b[hook]: 10" "usym kept in a thread-local and in a local: all of it, symbolised"

value 'u:querysim:beginsnapshot(char *file, char *db) { @[pid > 0 ? db : file] = count(); }' -c 'querysim -q'
like "$out" '^@\[memsql_demo\]: [0-9]+$' "?: between two char * is still a string when kept"

value 'END { @out[@last] = count(); } BEGIN { @last = 5; }' -n
is "$rc" 0 "a key typed by a later clause"
value 'u:querysim:queryend { @[self->q] = count(); self->q = 0; } u:querysim:querystart(char *q) { self->q = str(q); }' -c 'querysim -q -t 1 -n 12'
like "$out" '^@\[SELECT \* FROM users WHERE id = \?\]: 2$' "a thread-local typed by a later clause; = 0 types nothing"

value 'BEGIN { @ = lhist(1, -9223372036854775808, 9223372036854775807, 1); exit(); }'
is "$rc" 2 "lhist bounds whose width overflows: refused, exit 2"

calls -t 1 -n 100000 -s -q & cpid=$!
# Counted ticks, not wall time: a loaded machine may run a tick late.
value 'i:100ms { @n += 1; if (@n == 5) { exit(); } }' -p "$cpid" -t 20s
kill "$cpid"
wait "$cpid" 2>/dev/null
is "$out" "@n: 5" "-p does not silence interval probes"

value 'BEGIN { $x = -1000; $x >>= pid * 0 + 3; $y = -1000; printf("%d %d\n", $x, $y >> (pid * 0 + 3)); exit(); }'
is "$out" "-125 -125" ">>= shifts by the left side's signedness, as >> does"
value 'BEGIN { @k = -1000; @k /= pid * 0 + 3; $d = -1000; printf("%ld\n", $d / (pid * 0 + 3)); } END { print(@k); clear(@k); }' -t 100ms
is "$(echo "$out" | sort | paste -sd' ')" "6148914691236516872 @k: 6148914691236516872" \
	"/= on a map divides as / does (C: -1000 / (u64)3)"

awk 'BEGIN { printf "BEGIN { @x = (int64)pid"; for (i = 0; i < 40000; i++) printf "+1"; print "; }" }' >"$TMP/deep.bt"
"$PLUMB" -n -f "$TMP/deep.bt" >/dev/null 2>"$TMP/err"
is "$?" 2 "40000 chained + 1: refused, not a crash"
like "$(head -1 "$TMP/err")" "error: expression nested too deeply" "... saying why"

if [ -n "$("$PLUMB" -l 'p:c:pthread_spin_lock' 2>/dev/null)" ]; then
	value 'p:c:pthread_spin_* { @ = count(); }' -t 100ms
	is "$rc" 0 "a wildcard with a site the kernel cannot probe still attaches the others"
	like "$(cat "$TMP/err")" "not traced \(the kernel (cannot place a uprobe on that instruction|refuses, or would mis-run, its first instruction)\): .*pthread_spin_lock" \
		"... and names the site it left out"
else
	skip "no pthread_spin_lock in libc"
	skip "no pthread_spin_lock in libc"
fi

done_testing
