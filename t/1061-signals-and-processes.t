#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Signals and processes: SIGINT and SIGTERM stop plumb from its first
# instruction on, even as a background job of a script (which starts with
# SIGINT ignored); the -p process is watched from before the first attach;
# the -c command does not outlive plumb, not even a kill -9 of it.
. "$(dirname "$0")/lib.sh"

need_kernel
need_cmd bpftool
use_targets

progs_of() {
	bpftool prog show 2>/dev/null | grep -c "name plumb_$1 "
}

# gone PID TENTHS: true once PID has ended, waiting up to TENTHS tenths
gone() {
	for _ in $(seq "$2"); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
	! kill -0 "$1" 2>/dev/null
}

# Programs of a process that has ended: links are freed after an RCU
# grace period (by a helper, after plumb exits); a leak stays for good.
progs_left() {
	for _ in $(seq 100); do
		[ "$(progs_of "$1")" = 0 ] && break
		sleep 0.05
	done
	progs_of "$1"
}

# descendant PID NAME: the pid of a process named NAME below PID
descendant() {
	for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
		if [ "$(cat /proc/"$c"/comm 2>/dev/null)" = "$2" ]; then
			echo "$c"
			return 0
		fi
		descendant "$c" "$2" && return 0
	done
	return 1
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# This shell has no job control: its background jobs start with SIGINT
# ignored, as a Ctrl-C at a terminal must not reach them.
sleep 5 & sp=$!
ign=$(awk '/^SigIgn/ { print $2 }' "/proc/$sp/status")
kill "$sp"
wait "$sp" 2>/dev/null
diag "a background job's ignored signals here: $ign"

# SIGNAL during the symbol loading of a large binary (PostgreSQL's
# server: some 9500 functions): plumb stops at once with status 0, prints
# nothing, and leaves nothing loaded. Its loading takes a tenth of a
# second now, so the opening of the binary is made to take 2 s (t/inject.c)
# for the signal to land in it.
pg=$(ls /usr/lib/postgresql/*/bin/postgres 2>/dev/null | tail -1)
for sig in INT TERM; do
	if [ -z "$pg" ]; then
		skip "no PostgreSQL server binary (package postgresql)"
		continue
	fi
	PLUMB_INJECT=slow_open:2000 PLUMB_INJECT_PATH="$pg" LD_PRELOAD="$INJECT" \
		ASAN_OPTIONS=verify_asan_link_order=0 \
		"$PLUMB" "p:$pg:* { @ = count(); }" >"$TMP/out" 2>"$TMP/err" &
	pid=$!
	sleep 0.3
	t0=$(now_ms)
	kill -$sig $pid
	if gone $pid 100; then
		wait $pid
		rc=$?
		took=$(($(now_ms) - t0))
	else
		kill -TERM $pid
		wait $pid
		rc=timeout
		took=never
	fi
	diag "SIG$sig during start-up: plumb left after $took ms"
	is "$rc" 0 "SIG$sig to a background job during symbol loading: status 0"
	if grep -q '^Attached' "$TMP/err"; then
		skip "SIG$sig came after the attach (start-up too quick here)"
	else
		# (a warning about functions set aside may come before)
		is "$(cat "$TMP/out"; grep -E 'error|plumb:' "$TMP/err")" "" \
			"SIG$sig during start-up: no output, no error"
	fi
	is "$(progs_of $pid)" 0 "SIG$sig during start-up: no program left"
done

# -p: the traced process ends while plumb attaches (each attach is made to
# take 400 ms): plumb stops, and what the first probe counted is printed.
calls -t 1 -n 1000000 -s -q & cpid=$!
PLUMB_INJECT=slow_attach:400 LD_PRELOAD="$INJECT" ASAN_OPTIONS=verify_asan_link_order=0 \
	"$PLUMB" -v -q -p $cpid 'p:calls:work { @w = count(); } p:calls:tick { @t = count(); }
	p:calls:compute { @c = count(); }' >"$TMP/out" 2>"$TMP/err" &
pid=$!
for _ in $(seq 100); do
	grep -q 'attached.*work' "$TMP/err" && break
	sleep 0.05
done
sleep 0.2
kill $cpid
wait $cpid 2>/dev/null
if gone $pid 50; then
	wait $pid
	rc=$?
else
	kill -TERM $pid
	wait $pid
	rc=timeout
fi
is "$rc" 0 "-p process ends during the attach: plumb stops, status 0"
like "$(cat "$TMP/out")" '^@w: [1-9][0-9]*$' "... and prints what it gathered"
is "$(grep -c 'attached.*compute' "$TMP/err")" 0 "... without attaching the rest"
is "$(grep -Ec 'error|warning|cannot' "$TMP/err")" 0 "... and no error"
is "$(progs_left $pid)" 0 "... leaving no program loaded"

# -p of a process that does not exist
"$PLUMB" -p 4194304 'p:calls:work { @ = count(); }' >"$TMP/out" 2>"$TMP/err"
is "$?:$(cat "$TMP/err")" "1:plumb: no process with pid 4194304" "-p of no process: said, status 1"

# -c: a kill -9 of plumb takes the command with it, even a command that
# the shell forks (the second of a list, one of a pipeline)
for cmd in 'calls -t 1 -n 1000000 -s -q' 'true; calls -t 1 -n 1000000 -s -q' \
	'calls -t 1 -n 1000000 -s -q | cat'; do
	"$PLUMB" -q -c "$cmd" 'p:calls:work { @ = count(); }' >"$TMP/out" 2>"$TMP/err" &
	pid=$!
	child=
	for _ in $(seq 100); do
		child=$(descendant $pid calls) && break
		sleep 0.1
	done
	ok "$([ -n "$child" ]; echo $?)" "-c '$cmd': the command runs"
	kill -9 $pid
	wait $pid 2>/dev/null
	gone "$child" 30
	ok $? "-c '$cmd': the command dies with a kill -9 of plumb"
	[ -n "$child" ] && kill -9 "$child" 2>/dev/null
done

done_testing
