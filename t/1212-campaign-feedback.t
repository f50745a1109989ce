#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# A program fed by plumb's own work stops at SIGINT and at -t, every
# event printed: one that traces plumb's own writes (each printf is a
# write), and one whose system() commands start more of them. plumb
# read the ring buffer to its end, which such a program never reaches,
# and was deaf to Ctrl-C until SIGKILL.
. "$(dirname "$0")/lib.sh"

need_kernel

# P is gone within 10 s; else it is killed, so that wait returns.
gone() {
	exits_within 10 "$1" && return 0
	kill -9 "$1"
	return 1
}

# plumb's pid as $1: the shell that execs it passes its own.
self_plumb() { # OUT ERR ARGS... PROGRAM
	_o=$1 _e=$2
	shift 2
	: >"$_e"
	sh -c 'p=$1; shift; exec "$p" "$@" $$' sh "$PLUMB" "$@" >"$_o" 2>"$_e" &
	P=$!
	PIDS="$PIDS $P"
}

PROG='t:syscalls:sys_enter_write /pid == $1/ { @n = count(); printf("x\n"); }'
self_plumb "$TMP/out" "$TMP/err" -e "$PROG"
wait_banner "$TMP/err"
ok $? 'tracing its own writes: attached'
sleep 0.5
kill -INT "$P"
gone "$P"
ok $? 'tracing its own writes: gone within 10 s of SIGINT'
wait "$P"
is "$?" 0 'tracing its own writes: exit 0'
n=$(grep -c '^x$' "$TMP/out")
[ "$n" -gt 100 ]
ok $? "tracing its own writes: a feedback loop ($n writes)"
is "$(grep '^@n: ' "$TMP/out")" "@n: $n" 'every write printed: @n is the number of lines'

self_plumb "$TMP/out" "$TMP/err" -t 300ms -e "$PROG"
gone "$P"
ok $? 'tracing its own writes: gone within 10 s of -t 300ms'
wait "$P"
is "$?" 0 'with -t: exit 0'
is "$(grep '^@n: ' "$TMP/out")" "@n: $(grep -c '^x$' "$TMP/out")" 'with -t: every write printed'

# Each command system() starts is plumb's child, whose exec starts
# another.
self_plumb "$TMP/out" "$TMP/err" --unsafe -e \
	't:sched:sched_process_exec /ppid == $1/ { @n = count(); system("/bin/true"); }'
wait_banner "$TMP/err"
ok $? 'system() feeding itself: attached'
sleep 0.5
kill -INT "$P"
gone "$P"
ok $? 'system() feeding itself: gone within 10 s of SIGINT'
wait "$P"
is "$?" 0 'system() feeding itself: exit 0'
like "$(cat "$TMP/out")" '^@n: [0-9]+$' 'system() feeding itself: the count printed'
done_testing
