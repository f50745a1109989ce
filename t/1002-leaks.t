#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Nothing stays in the kernel: plumb's programs (named plumb_PID) are
# loaded while it runs and gone once it has ended, however it ends.
. "$(dirname "$0")/lib.sh"

need_kernel
need_cmd bpftool
use_targets
PROG='p:calls:work { @ = count(); } r:calls:compute { @r = sum(retval); } BEGIN { printf("go\n"); }'

progs_of() {
	bpftool prog show 2>/dev/null | grep -c "name plumb_$1 "
}

# Programs of a process that has ended: links are freed after an RCU
# grace period, so give the kernel a moment; a leak stays for good.
progs_left() {
	for _ in $(seq 60); do
		[ "$(progs_of "$1")" = 0 ] && break
		sleep 0.05
	done
	progs_of "$1"
}

# wait_ready FILE: until BEGIN has printed "go" (after every probe attached)
wait_ready() {
	for _ in $(seq 200); do
		grep -q go "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# check HOW PID STATUS WANT_STATUS
check() {
	is "$3" "$4" "$1: exit status $4"
	is "$(progs_left "$2")" 0 "$1: no program of plumb left"
}

"$PLUMB" -q -c 'sleep 1; calls -t 2 -n 100 -q' "$PROG" >"$TMP/out" 2>&1 &
pid=$!
wait_ready "$TMP/out"
is "$(progs_of $pid)" 3 "while running: three programs loaded"
wait $pid
check "normal exit (-c command ends)" $pid $? 0

"$PLUMB" -q -t 500ms "$PROG" >"$TMP/out" 2>&1 &
pid=$!
wait $pid
check "-t expires" $pid $? 0

for sig in INT TERM HUP; do
	"$PLUMB" -q "$PROG" >"$TMP/out" 2>&1 &
	pid=$!
	wait_ready "$TMP/out"
	ok $? "SIG$sig: plumb got ready"
	kill -$sig $pid
	wait $pid
	check "SIG$sig" $pid $? 0
done

# a reader that goes away: printf lines into head -1
mkfifo "$TMP/fifo"
"$PLUMB" -q -c 'calls -t 1 -n 100000 -s -q' 'p:calls:work { printf("%d\n", arg0); }' \
	>"$TMP/fifo" 2>"$TMP/err" &
pid=$!
head -1 <"$TMP/fifo" >/dev/null
wait $pid
check "reader closed the pipe" $pid $? 0
is "$(cat "$TMP/err")" "" "reader closed the pipe: nothing on stderr"

# an error after some probes are attached: the third attachment fails,
# through uprobe_multi links and through perf events
for how in link_create perf_event_open; do
	env=
	[ $how = perf_event_open ] && env=PLUMB_NO_UPROBE_MULTI=1
	env $env PLUMB_INJECT=$how:3 LD_PRELOAD="$INJECT" ASAN_OPTIONS=verify_asan_link_order=0 \
		"$PLUMB" -q -t 2s 'p:calls:work { @ = count(); } p:calls:tick { @t = count(); }
		p:calls:compute { @c = count(); }' >"$TMP/out" 2>"$TMP/err" &
	pid=$!
	wait $pid
	check "an attach failure ($how)" $pid $? 1
	like "$(cat "$TMP/err")" "cannot attach .*calls.*: Device or resource busy" \
		"an attach failure ($how): says where and why"
	is "$(cat "$TMP/out")" "" "an attach failure ($how): no results printed"
done

done_testing
