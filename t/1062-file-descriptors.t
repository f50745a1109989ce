#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# File descriptors: every program and link is one. plumb raises its soft
# limit to the hard one, says "too many open files" with the figures when
# they run out (not a verifier refusal), and a failed attach of many
# probes, or the end of a trace of many, is taken down within seconds.
# The probes go on functions of a private copy of libc, which no process
# runs: nothing else on the machine traps.
. "$(dirname "$0")/lib.sh"

need_kernel
need_cmd bpftool
use_targets

libc=$(ldd "$TARGETS/calls" | awk '/libc\.so/ { print $3 }')
[ -f "$libc" ] || skip_all "no libc found for calls"
cp "$libc" "$TMP/libcopy.so"

# The functions plumb refuses to probe at their entry, because the kernel
# would refuse or mis-run their first instruction (pthread_spin_lock's
# lock decl): a wildcard sets them aside and names them; a clause of their
# own is an error.
"$PLUMB" -n "p:$TMP/libcopy.so:* { }" 2>&1 >/dev/null |
	sed -n 's/.*not traced (.*): //p' | sed 's/ and others$//; s/, /|/g' >"$TMP/refused"
refused=$(cat "$TMP/refused")

# clauses N: N clauses, each on its own function of the copy
clauses() {
	"$PLUMB" -l "p:$TMP/libcopy.so:*" 2>/dev/null | grep -Ev ":(${refused:-^})\$" | head -"$1" |
		awk '{ printf "%s { @[%d] = count(); }\n", $0, NR }' >"$TMP/prog.bt"
	[ "$(wc -l <"$TMP/prog.bt")" = "$1" ]
}

progs_of() {
	bpftool prog show 2>/dev/null | grep -c "name plumb_$1 "
}

# gone_within PID SECONDS: true once no program of PID is loaded
gone_within() {
	for _ in $(seq $(($2 * 10))); do
		[ "$(progs_of "$1")" = 0 ] && return 0
		sleep 0.1
	done
	return 1
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# run_limited LIMIT ARGS...: plumb in the background under ulimit -n
# LIMIT (soft and hard); its pid in $pid, its status in $rc, the time it
# took in $took (ms)
run_limited() {
	lim=$1
	shift
	t0=$(now_ms)
	(ulimit -n "$lim" && exec "$PLUMB" "$@") >"$TMP/out" 2>"$TMP/err" &
	pid=$!
	wait $pid
	rc=$?
	took=$(($(now_ms) - t0))
}

clauses 600 || skip_all "fewer than 600 functions in $libc"

# 600 programs load, their links cannot all be made (the case of the
# report: 18 s to leave, closing 400 links one after the other, as no
# descriptor was left for the helper that closes them in the background)
run_limited 1024 -q -t 100ms -f "$TMP/prog.bt"
diag "EMFILE at attach: plumb left after $took ms"
is "$rc" 1 "out of descriptors while attaching: status 1"
like "$(cat "$TMP/err")" "^plumb: cannot attach .*: too many open files \([0-9]+ open, the limit is 1024; raise it with ulimit -n, or trace fewer probes\)\$" \
	"... said as it is, with the count and the limit"
is "$(wc -l <"$TMP/err")" 1 "... once"
ok "$([ "$took" -lt 5000 ]; echo $?)" "... and plumb leaves within seconds ($took ms)"
gone_within $pid 10
ok $? "... leaving no program loaded"

clauses 300
run_limited 256 -q -t 100ms -f "$TMP/prog.bt"
is "$rc" 1 "out of descriptors while loading: status 1"
like "$(cat "$TMP/err")" "^plumb: cannot load the program for .*: too many open files \([0-9]+ open, the limit is 256;" \
	"... too many open files, not a verifier refusal"
gone_within $pid 10
ok $? "... leaving no program loaded"

# a soft limit below the hard one is raised; the -c command gets the
# limit plumb was given
if [ "$(ulimit -Hn)" = unlimited ] || [ "$(ulimit -Hn)" -ge 1024 ]; then
	(ulimit -Sn 256 && exec "$PLUMB" -q -c "ulimit -Sn >$TMP/cmdlimit" -f "$TMP/prog.bt") \
		>"$TMP/out" 2>"$TMP/err"
	is "$?:$(cat "$TMP/err")" "0:" "soft limit 256, hard $(ulimit -Hn): 300 probes attach"
	is "$(cat "$TMP/cmdlimit")" 256 "... and the -c command has the soft limit plumb was given"
else
	skip "hard descriptor limit below 1024"
	skip "hard descriptor limit below 1024"
fi

# the end of a trace of 2000 probes: gone within seconds of plumb's exit
# (7 s with 32 closing threads)
clauses 2000 || skip_all "fewer than 2000 functions in $libc"
"$PLUMB" -q -t 100ms -f "$TMP/prog.bt" >"$TMP/out" 2>"$TMP/err" &
pid=$!
wait $pid
rc=$?
t0=$(now_ms)
gone_within $pid 3
ok $? "2000 probes: all gone within 3 s of plumb's exit ($(($(now_ms) - t0)) ms)"
is "$rc:$(cat "$TMP/err")" "0:" "... after a clean run"

# SIGINT while two thousand programs load and attach
"$PLUMB" -q -f "$TMP/prog.bt" >"$TMP/out" 2>"$TMP/err" &
pid=$!
for _ in $(seq 100); do
	[ "$(progs_of $pid)" -gt 0 ] && break
	sleep 0.05
done
t0=$(now_ms)
kill -INT $pid
wait $pid
rc=$?
took=$(($(now_ms) - t0))
is "$rc" 0 "SIGINT while loading and attaching: status 0"
ok "$([ "$took" -lt 3000 ]; echo $?)" "... plumb leaves at once ($took ms)"
gone_within $pid 10
ok $? "... leaving no program loaded"

done_testing
