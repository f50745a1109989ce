#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Probe kinds beyond uprobes and tracepoints: software events, profile and
# interval in each of bpftrace's spellings. The events target counts what
# the kernel saw in a window bounded by window_open()/window_close() calls
# (getrusage), and the tests compare plumb's count with it, number for
# number.
. "$(dirname "$0")/lib.sh"

need_kernel
use_targets
# A copy under a name of this run's own: the man page's examples filter on
# the comm "events", and run beside this test.
E=$TARGETS/ev$(($$ % 100000))
cp "$TARGETS/events" "$E"

# window W of the events target: the software event EV counted for it
window() {
	run_plumb -q -c "$E $3 >$TMP/gt" "uprobe:$E:window_open /arg0 == $1/ { @on[tid] = 1; }
		uprobe:$E:window_close /arg0 == $1/ { delete(@on[tid]); }
		$2 /@on[tid]/ { @n = count(); }"
}

window 1 software:page-faults:1 "-p 300"
is "$rc" 0 "software:page-faults:1 runs"
is "$(gt "$TMP/gt" faults)" 300 "the target touched 300 fresh pages, one fault each"
is "$(sed -n 's/^@n: //p' "$TMP/out")" "$(gt "$TMP/gt" faults)" "page-faults: plumb's count is the kernel's"

window 1 s:minor-faults:1 "-p 128"
is "$(sed -n 's/^@n: //p' "$TMP/out")" "$(gt "$TMP/gt" faults)" "s:minor-faults: the kernel's count (128 pages)"

window 2 s:cs:1 "-s 25"
is "$(gt "$TMP/gt" sleeps)" 25 "the target slept 25 times"
is "$(sed -n 's/^@n: //p' "$TMP/out")" "$(gt "$TMP/gt" switches)" "software:context-switches (cs): the kernel's count"

# a count of N: one run every N events of the CPU, whoever has them, so
# at most one in ten of the target's 400 (plus one for the count the
# window opens with)
window 1 software:faults:10 "-p 400"
n=$(sed -n 's/^@n: //p' "$TMP/out")
ok "$([ "${n:-0}" -ge 1 ] && [ "$n" -le 41 ]; echo $?)" "software:faults:10 over 400 faults runs at most 41 times (got $n)"

# the default count is bpftrace's: page-faults every 100
run_plumb -v -c "$E -p 1 >/dev/null" 'software:page-faults { @ = count(); }'
like "$(cat "$TMP/err")" "attached software:page-faults:100 on [0-9]+ CPUs" "software:page-faults defaults to a count of 100, on every CPU"

# -l lists the events
run_plumb -l 'software:*'
is "$(wc -l <"$TMP/out")" 11 "-l 'software:*' lists 11 events"
like "$(cat "$TMP/out")" "^software:context-switches:$" "-l lists software:context-switches:"
run_plumb -l -v 's:cs'
is "$(cat "$TMP/out")" "software:context-switches:
    default count 1000, also software:cs" "-l -v names the default count and the alias"

# profile and interval in each spelling: samples come at the rate asked
ncpu=$(getconf _NPROCESSORS_ONLN)
for spec in profile:ms:10 profile:us:10000 profile:hz:100 profile:100 profile:10ms; do
	# Per CPU: a sampler on each, none faster than asked. An idle CPU of
	# this VM takes no samples, so every CPU is kept busy meanwhile; a
	# loaded machine may run a timer late, never early: the floor is loose.
	run_plumb -q -c "for i in \$(seq $ncpu); do timeout 1.5 sh -c 'while :; do :; done' & done; wait" \
		"$spec { @[cpu] = count(); } interval:s:1 { exit(); }"
	ncounted=$(grep -c '^@\[' "$TMP/out")
	max=$(sed -n 's/^@\[[0-9]*\]: //p' "$TMP/out" | sort -n | tail -1)
	min=$(sed -n 's/^@\[[0-9]*\]: //p' "$TMP/out" | sort -n | head -1)
	ok "$([ "$ncounted" = "$ncpu" ] && [ "${min:-0}" -ge 20 ] && [ "${max:-0}" -le 110 ]; echo $?)" \
		"$spec: about 100 samples a second on each of $ncpu CPUs (got $(paste -sd' ' "$TMP/out"))"
done
for spec in interval:ms:100 interval:us:100000 interval:hz:10 interval:100ms; do
	run_plumb -q "$spec { @n++; if (@n == 3) { exit(); } } interval:s:5 { exit(); }"
	is "$(cat "$TMP/out")" "@n: 3" "$spec: a timer that stops at its third tick"
done
run_plumb -q 'interval:hz:4 { if (@t) { @d = (nsecs - @t) / 1000000; exit(); } @t = nsecs; }'
d=$(sed -n 's/^@d: //p' "$TMP/out")
ok "$([ "${d:-0}" -ge 200 ] && [ "$d" -le 350 ]; echo $?)" "interval:hz:4 ticks 250 ms apart (got ${d}ms)"

# rawtracepoint: the kernel's own arguments, typed from its BTF
if [ -r /sys/kernel/btf/vmlinux ]; then
	nr=$("$E" -p 1 -s 0 -n 0 | awk '$1 == "getppid_nr" { print $2 }')
	# a name of this run's own: other runs of the events target (the man
	# page's examples, run beside this test) must not be counted
	ev=ev$(($$ % 100000))rt
	cp "$E" "$TARGETS/$ev"
	run_plumb -q -c "$TARGETS/$ev -n 1234 >$TMP/gt" \
		"rawtracepoint:sys_enter /comm == \"$ev\" && args.id == $nr/ { @id = count(); }
		rt:sys_enter /comm == \"$ev\" && arg1 == $nr/ { @arg1 = count(); }"
	is "$(gt "$TMP/gt" getppid)" 1234 "the target made 1234 getppid() calls"
	is "$(cat "$TMP/out")" "@arg1: 1234
@id: 1234" "rawtracepoint:sys_enter: args.id and arg1 count every getppid() call"
	run_plumb -l -v 'rawtracepoint:sys_enter'
	is "$(cat "$TMP/out")" "rawtracepoint:sys_enter
    struct pt_regs *regs
    long int id" "-l -v: a raw tracepoint's arguments with their BTF types"
	run_plumb -l 'rt:sched_switch'
	is "$(cat "$TMP/out")" "rawtracepoint:sched_switch" "-l rt:EVENT"
	# a pointer is an integer: the task switched in is never NULL
	run_plumb -q -t 300ms 'rawtracepoint:sched_switch { @[args.next != 0] = count(); }'
	like "$(cat "$TMP/out")" "^@\[true\]: [0-9]+$" "rawtracepoint:sched_switch: args.next, a pointer, as an integer"
	ok "$(grep -c '^@\[0\]' "$TMP/out")" "... and never 0"
else
	skip "no kernel BTF"
fi

# watchpoint: every write of a long in the -p process, where the machine
# has hardware breakpoints; a plain refusal (status 1) where it has not
mkfifo "$TMP/in"
"$E" -W 300 <"$TMP/in" >"$TMP/wgt" &
tpid=$!
exec 3>"$TMP/in"
wait_line() { for _ in $(seq 100); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; return 1; }
wait_line "$TMP/wgt" '^ready '
addr=$(gt "$TMP/wgt" watched)
"$PLUMB" -p "$tpid" "watchpoint:$addr:8:w { @w = count(); } w:$addr:8:rw { @rw = count(); }
	BEGIN { printf(\"go\n\"); }" >"$TMP/wout" 2>"$TMP/werr" &
ppid=$!
wait_line "$TMP/wout" '^go$'
echo >&3
exec 3>&-
wait "$ppid"
rc=$?
wait "$tpid"
if [ -e /sys/bus/event_source/devices/breakpoint ]; then
	is "$rc" 0 "watchpoint:ADDR:8:w and :rw run"
	is "$(gt "$TMP/wgt" writes)" 300 "the target wrote the long 300 times"
	is "$(sed -n 's/^@w: //p' "$TMP/wout")" "$(gt "$TMP/wgt" writes)" "watchpoint :w counts every write"
	is "$(sed -n 's/^@rw: //p' "$TMP/wout")" "$(($(gt "$TMP/wgt" reads) + $(gt "$TMP/wgt" writes)))" "watchpoint :rw counts every read and write"
else
	is "$rc" 1 "no hardware breakpoints here: watchpoint is refused with status 1"
	like "$(cat "$TMP/werr")" "has no hardware breakpoints" "... saying why"
fi

# a binary named by a positional parameter
run_plumb -q -c "calls -t 2 -n 40 >$TMP/gt" 'p:$1:work { @ = count(); } r:$1:$2 { @r = count(); }' \
	"$TARGETS/calls" compute
is "$(cat "$TMP/out")" "@: $(gt "$TMP/gt" work.calls)
@r: $(gt "$TMP/gt" compute.calls)" 'p:$1:work and r:$1:$2: the binary and function from positional parameters'
run_plumb -n 'p:$2:work { @ = count(); }' "$TARGETS/calls"
is "$rc" 2 'p:$2:work with one parameter: an error, status 2'
is "$(head -1 "$TMP/err")" "<cmdline>:1:3: error: positional parameter \$2 is not given (1 given)" "... saying which"

done_testing
