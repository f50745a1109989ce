#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# usdt:*:NAME, usdt:*:PROVIDER:NAME and uprobe:*:FUNC under -p: every
# object the process maps is searched, here the shared libraries that
# hold querysim-lib's USDT probes and calls-lib's work() and compute().
# Counts against the targets' ground truth; the errors without -p are in
# t/data/wildcard-binary.cases.
. "$(dirname "$0")/cases.sh"

use_targets
run_cases "$SRCDIR/t/data/wildcard-binary.cases"

if [ "$(id -u)" != 0 ] || [ ! -e /sys/bus/event_source/devices/uprobe/type ]; then
	skip "uprobes under -p need root and uprobes"
	done_testing
	exit 0
fi
need_cmd jq

jv() {
	jq -r --arg m "$1" 'select(.data[$m] != null) | .data[$m] | tostring' "$TMP/out"
}

# start TARGET ARGS...: a target waiting on $TMP/go, its pid in $tpid
start() {
	rm -f "$TMP/go" "$TMP/gt"
	mkfifo "$TMP/go"
	"$@" -w <"$TMP/go" >"$TMP/gt" &
	tpid=$!
	exec 4>"$TMP/go"
	wait_for "$TMP/gt" '^ready' || diag "$1 never got ready"
}

# trace PROGRAM: plumb -p on the waiting target, which then runs to its end
trace() {
	"$PLUMB" -j -p "$tpid" "$1" >"$TMP/out" 2>"$TMP/err" 4>&- &
	ppid=$!
	wait_for "$TMP/out" '"attached_probes"' || diag "plumb: $(cat "$TMP/err")"
	echo >&4
	exec 4>&-
	wait $tpid
	wait $ppid
	rc=$?
}

# USDT probes in a library the program links
start querysim-lib -t 3 -n 200 -F 0
"$PLUMB" -l -p "$tpid" 'usdt:*:memsqld:query*' >"$TMP/list" 2>"$TMP/err"
is "$(cat "$TMP/list")" "usdt:$TARGETS/libquerysim.so:memsqld:queryend  1 site  8@%r14 8@%r12
usdt:$TARGETS/libquerysim.so:memsqld:querystart  1 site  8@-80(%rbp) 8@%r12" \
	"-l -p usdt:*:PROVIDER:NAME lists the probes of the library"
"$PLUMB" -l -p "$tpid" 'usdt:*:*' >"$TMP/list" 2>&1
is "$(grep -c 'libquerysim.so:memsqld:' "$TMP/list")" 5 "-l -p usdt:*:* lists the library's 5 probes"
"$PLUMB" -n -p "$tpid" 'usdt:*:nosuch { @s = count(); }' >"$TMP/out" 2>"$TMP/err"
is "$?:$(head -1 "$TMP/err")" "2:<cmdline>:1:8: error: no USDT probe 'nosuch' in any object mapped by process $tpid" \
	"usdt:*:NAME that nothing maps: an error"
trace 'usdt:*:querystart { @s = count(); } usdt:*:memsqld:queryend { @l = sum(arg0); }'
is "$rc" 0 "usdt:* under -p: exit 0"
is "$(jv @s)" "$(gt "$TMP/gt" querystart.calls)" "usdt:*:querystart counts every query"
is "$(jv @l)" "$(gt "$TMP/gt" latency.sum)" "usdt:*:memsqld:queryend sums every latency"

# uprobes on functions in a library
start calls-lib -t 3 -n 500
"$PLUMB" -l -p "$tpid" 'uprobe:*:work' >"$TMP/list" 2>"$TMP/err"
is "$(cat "$TMP/list")" "uprobe:$TARGETS/libcalls.so:work" "-l -p uprobe:*:work names the library"
"$PLUMB" -n -p "$tpid" 'uprobe:*:nosuch { @s = count(); }' >"$TMP/out" 2>"$TMP/err"
is "$?:$(head -1 "$TMP/err")" "2:<cmdline>:1:10: error: no function named 'nosuch' in any object mapped by process $tpid" \
	"uprobe:*:FUNC that nothing maps: an error"
"$PLUMB" -n -p "$tpid" 'uprobe:*:0x1139 { @s = count(); }' >"$TMP/out" 2>"$TMP/err"
is "$?:$(head -1 "$TMP/err")" "2:<cmdline>:1:10: error: an address is in one binary: name it instead of '*'" \
	"uprobe:*:ADDRESS: an error"
trace 'uprobe:*:work { @w = count(); } uretprobe:*:compute { @c = count(); }'
is "$rc" 0 "uprobe:* under -p: exit 0"
is "$(jv @w)" "$(gt "$TMP/gt" work.calls)" "uprobe:*:work counts every call"
is "$(jv @c)" "$(gt "$TMP/gt" compute.calls)" "uretprobe:*:compute counts every return"
done_testing
