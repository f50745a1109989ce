#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Kernel tracepoints: every figure is checked against what the shell
# commands traced are known to do (so many opens of a file, one read of
# so many bytes, so many execs of a program with a unique name), and the
# field layouts and diagnostics against tracefs's own format files.
. "$(dirname "$0")/lib.sh"

need_kernel
need_cmd bpftool
use_targets

# Names unique to this run: the programs below filter on comm, which other
# runs of this test on the same machine would share.
TPPROG=tp$(($$ % 100000))prog TPDD=tp$(($$ % 100000))dd TPREN=tp$(($$ % 100000))ren

EV=
for d in /sys/kernel/tracing /sys/kernel/debug/tracing; do
	[ -d "$d/events" ] && EV=$d/events && break
done
"$PLUMB" -n 't:sched:sched_process_exec { @ = count(); }' >/dev/null 2>"$TMP/err" ||
	skip_all "tracefs is not usable: $(head -1 "$TMP/err")"
[ -n "$EV" ] || EV=/sys/kernel/tracing/events
[ -d "$EV/syscalls" ] || skip_all "no syscall tracepoints (CONFIG_FTRACE_SYSCALLS)"

# field_off EVENT FIELD: the offset tracefs gives for a field
field_off() {
	awk -v f="$2" -F'\t' '$2 ~ /^field:/ {
		d = $2; sub(/;$/, "", d); n = split(d, w, " "); name = w[n]; sub(/\[.*/, "", name)
		if (name == f) { split($3, o, /[:;]/); print o[2]; exit } }' "$EV/$1/format"
}

# own_fields EVENT: "a, b, c", the fields that are not common_*
own_fields() {
	awk -F'\t' '$2 ~ /^field:/ { d = $2; sub(/;$/, "", d); n = split(d, w, " ")
		name = w[n]; sub(/\[.*/, "", name)
		if (name !~ /^common_/) { s = s (s == "" ? "" : ", ") name } } END { print s }' \
		"$EV/$1/format"
}

# trace CMD PROGRAM [OPTIONS...]: text output in $TMP/out
trace() {
	cmd=$1 prog=$2
	shift 2
	"$PLUMB" -q "$@" -c "$cmd" "$prog" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	[ "$rc" = 0 ] || diag "plumb failed ($rc): $(cat "$TMP/err")"
}

# fails PROGRAM EXPECTED-STDERR DESCRIPTION: a program error, exactly
fails() {
	"$PLUMB" -n "$1" >"$TMP/out" 2>"$TMP/err"
	is "$?" 2 "$3: exit status 2"
	is "$(cat "$TMP/err")" "$2" "$3: the diagnostic"
}

F=$TMP/opened-by-cat
echo hello >"$F"
touch "$TMP/a" "$TMP/b" "$TMP/c"

# ---- syscalls: pointers, strings, integers ----

trace "for i in 1 2 3 4 5; do cat $F >/dev/null; done" \
	"t:syscalls:sys_enter_openat /str(args.filename) == \"$F\"/ { @ = count(); }"
is "$(cat "$TMP/out")" "@: 5" "5 opens of a file, filtered on str(args.filename)"

trace "cat $TMP/a; cat $TMP/b $TMP/b; cat $TMP/c $TMP/c $TMP/c" \
	"tracepoint:syscalls:sys_enter_openat /startswith(str(args.filename), \"$TMP/\")/ {
		@[str(args.filename)] = count(); }"
is "$(cat "$TMP/out")" "@[$TMP/a]: 1
@[$TMP/b]: 2
@[$TMP/c]: 3" "@[str(args.filename)]: one key per file, exact counts"

trace ": >$F.w; : >$F.w" \
	"t:syscalls:sys_enter_openat /str(args.filename) == \"$F.w\"/ {
		@[args.dfd, args.flags, args.mode] = count(); }"
is "$(cat "$TMP/out")" "@[-100, 577, 438]: 2" \
	"int dfd is AT_FDCWD (-100), flags O_WRONLY|O_CREAT|O_TRUNC, mode 0666"

trace "cat $TMP/missing $TMP/missing 2>/dev/null; cat $F >/dev/null" \
	"t:syscalls:sys_enter_openat /str(args.filename) == \"$TMP/missing\" ||
		str(args.filename) == \"$F\"/ { self->in = 1; }
	t:syscalls:sys_exit_openat /self->in/ { @[args.ret < 0 ? args.ret : 3] = count(); self->in = 0; }"
is "$(cat "$TMP/out")" "@[3]: 1
@[-2]: 2" "sys_exit_openat: long ret is -ENOENT for a missing file, a descriptor otherwise"

cp /bin/dd "$TMP/bin/${TPDD}"
head -c 5000 /dev/zero >"$TMP/zero"
trace "${TPDD} bs=1234 count=1 <$TMP/zero >/dev/null 2>&1" \
	't:syscalls:sys_enter_read /comm == "'"$TPDD"'" && args.fd == 0/ {
		@n = count(); @s = sum(args.count); }'
is "$(cat "$TMP/out")" "@n: 1
@s: 1234" "dd bs=1234 count=1: one read of fd 0, args.count 1234"

# ---- sched: char[16], __data_loc char[] ----

cp /bin/true "$TMP/bin/${TPPROG}"
trace "${TPPROG}; ${TPPROG}; $TMP/bin/${TPPROG}" \
	't:sched:sched_process_exec /comm == "'"$TPPROG"'"/ {
		@[args.filename, args.pid == pid, args.old_pid == tid] = count(); }'
is "$(cat "$TMP/out")" "@[$TMP/bin/${TPPROG}, true, true]: 3" \
	"__data_loc char[] filename of 3 execs, and the integers after it"

trace "${TPPROG}; ${TPPROG}" \
	't:sched:sched_process_exec /comm == "'"$TPPROG"'"/ { @[args.filename] = count(); }' -s 12
is "$(cat "$TMP/out")" "@[$(printf %.11s "$TMP/bin/${TPPROG}")]: 2" \
	"__data_loc string cut to -s 12 (11 bytes and the NUL)"

trace "${TPPROG}; ${TPPROG}; ${TPPROG}; ${TPPROG}" \
	't:sched:sched_process_exit /args.comm == "'"$TPPROG"'"/ {
		@[args.comm, args.pid == pid, args.group_dead] = count(); }'
is "$(cat "$TMP/out")" "@[${TPPROG}, true, 1]: 4" "char comm[16] of 4 exits, compared and as a key"

trace 'printf %s '"$TPREN"' >/proc/$$/comm' \
	't:task:task_rename /args.newcomm == "'"$TPREN"'"/ {
		@[args.oldcomm, args.newcomm, args.pid == pid, str(args.newcomm, 4)] = count(); }'
is "$(cat "$TMP/out")" "@[sh, ${TPREN}, true, $(printf %.4s "$TPREN")]: 1" \
	"task_rename: two char[16] fields, and str(field, n)"

trace "${TPPROG}" \
	't:sched:sched_process_exit /comm == "'"$TPPROG"'"/ {
		printf("%s %d\n", args.comm, args.common_pid == tid); }'
is "$(cat "$TMP/out")" "${TPPROG} 1" "printf of a char[16] field; common_pid is the thread"

# ---- wildcards and func ----

trace "${TPPROG}; ${TPPROG}; ${TPPROG}" \
	't:sched:sched_process_e* /comm == "'"$TPPROG"'"/ { @[func] = count(); }'
is "$(cat "$TMP/out")" "@[sched:sched_process_exec]: 3
@[sched:sched_process_exit]: 3" "wildcard: func names the tracepoint that fired"

trace "${TPPROG}" 't:s?hed*:sched_process_exec /comm == "'"$TPPROG"'"/ { @[func, probe] = count(); }'
is "$(cat "$TMP/out")" "@[sched:sched_process_exec, tracepoint:sched:sched_process_exec]: 1" \
	"wildcard in the category; probe names the tracepoint in full"

"$PLUMB" -q -v -c true 't:sched:sched_process_exec, t:sched:sched_process_exit { @ = count(); }' \
	>/dev/null 2>"$TMP/err"
is "$(grep attached "$TMP/err")" "plumb: attached tracepoint:sched:sched_process_exec (event id $(cat "$EV/sched/sched_process_exec/id"))
plumb: attached tracepoint:sched:sched_process_exit (event id $(cat "$EV/sched/sched_process_exit/id"))" \
	"-v says which event ids are attached"

# ---- -p: the program's own pid check ----

mkfifo "$TMP/go"
sh -c "read x <$TMP/go; for i in \$(seq 30); do : <$F; done" &
A=$!
trace "for i in \$(seq 20); do : <$F; done; echo >$TMP/go; while kill -0 $A 2>/dev/null; do sleep 0.05; done" \
	"t:syscalls:sys_enter_openat /str(args.filename) == \"$F\"/ { @ = count(); @p[pid == $A] = count(); }" \
	-p "$A"
wait "$A" 2>/dev/null
is "$(cat "$TMP/out")" "@: 30
@p[true]: 30" "-p: only the 30 opens of that process, not the 20 of another"

# ---- diagnostics ----

fails 't:syscalls:sys_enter_opne { @ = count(); }' \
"<cmdline>:1:12: error: no tracepoint 'syscalls:sys_enter_opne'; did you mean syscalls:sys_enter_open?
t:syscalls:sys_enter_opne { @ = count(); }
           ^^^^^^^^^^^^^^" "unknown tracepoint, with the closest"

fails 'tracepoint:sycalls:sys_enter_openat { @ = count(); }' \
"<cmdline>:1:12: error: no tracepoint 'sycalls:sys_enter_openat'; did you mean syscalls:sys_enter_openat?
tracepoint:sycalls:sys_enter_openat { @ = count(); }
           ^^^^^^^" "unknown category: the caret is under it"

fails 't:sched:nothing_like_it_* { @ = count(); }' \
"<cmdline>:1:9: error: no tracepoint matches 'sched:nothing_like_it_*'
t:sched:nothing_like_it_* { @ = count(); }
        ^^^^^^^^^^^^^^^^^" "a pattern that matches nothing"

fails 't:sched { @ = count(); }' \
"<cmdline>:1:1: error: tracepoints are written tracepoint:CATEGORY:NAME
t:sched { @ = count(); }
^^^^^^^" "a spec without a name"

fails 't:syscalls:sys_enter_openat { @[str(args.filenme)] = count(); }' \
"<cmdline>:1:37: error: syscalls:sys_enter_openat has no field 'filenme'; did you mean args.filename?
t:syscalls:sys_enter_openat { @[str(args.filenme)] = count(); }
                                    ^^^^^^^^^^^^" "unknown field, with the closest"

fails 't:sched:sched_process_exec { @ = args->xyzzy; }' \
"<cmdline>:1:34: error: sched:sched_process_exec has no field 'xyzzy'; its fields are $(own_fields sched/sched_process_exec)
t:sched:sched_process_exec { @ = args->xyzzy; }
                                 ^^^^^^^^^^^" "unknown field (args->): the fields it has"

fails 't:sched:sched_process_e* { @ = sum(args.pid); }' \
"<cmdline>:1:36: error: args.pid is at offset $(field_off sched/sched_process_exec pid) in sched:sched_process_exec but at offset $(field_off sched/sched_process_exit pid) in sched:sched_process_exit; list them as separate probes
t:sched:sched_process_e* { @ = sum(args.pid); }
                                   ^^^^^^^^" "a field that differs between the matched tracepoints"

fails 't:sched:sched_switch { @ = args.common_flags; }' \
"<cmdline>:1:28: error: args.common_flags cannot be read: the kernel overwrites a tracepoint record's common_* fields before BPF programs run (common_pid is tid)
t:sched:sched_switch { @ = args.common_flags; }
                           ^^^^^^^^^^^^^^^^^" "common_flags is not there to read"

if [ -f "$EV/raw_syscalls/sys_enter/format" ]; then
	fails 't:raw_syscalls:sys_enter { @ = args.args; }' \
"<cmdline>:1:32: error: args.args of raw_syscalls:sys_enter is an array of unsigned long; plumb reads only char arrays (as strings)
t:raw_syscalls:sys_enter { @ = args.args; }
                               ^^^^^^^^^" "an array that is not text"
else
	skip "no raw_syscalls:sys_enter" && skip "no raw_syscalls:sys_enter"
fi

# (a uprobe has args.NAME from debug info: t/1150-dwarf-args.t)
fails 'interval:s:1 { @ = args.x; }' \
"<cmdline>:1:20: error: interval probes have no args.FIELD; use arg0..argN
interval:s:1 { @ = args.x; }
                   ^^^^^^" "args on a probe without arguments"

# ---- tracefs: found where it is, or mounted (in a mount namespace of its own) ----

# in_ns SHELL-COMMAND: run it with tracefs (and debugfs) unmounted; $0 is plumb
in_ns() {
	unshare -m sh -c "umount /sys/kernel/tracing 2>/dev/null; umount /sys/kernel/debug 2>/dev/null
		[ -d /sys/kernel/tracing/events ] && exit 99; $1" "$PLUMB" >"$TMP/out" 2>"$TMP/err"
}
in_ns true
if [ $? = 0 ] && command -v setpriv >/dev/null; then
	in_ns "\"\$0\" -v -n 't:sched:sched_process_exec { @ = count(); }'"
	is "$?" 0 "no tracefs: plumb mounts it"
	is "$(cat "$TMP/err")" "plumb: mounted tracefs at /sys/kernel/tracing" "no tracefs: -v says so"
	in_ns "\"\$0\" -n 't:sched:sched_process_exec { @ = count(); }'"
	is "$(cat "$TMP/err")" "" "no tracefs: mounted silently without -v"
	in_ns "setpriv --inh-caps=-sys_admin --bounding-set=-sys_admin \"\$0\" -n 't:sched:sched_process_exec { }'"
	is "$?" 1 "no tracefs and no right to mount it: exit status 1 (the machine, not the program)"
	is "$(cat "$TMP/err")" "<cmdline>:1:1: error: tracefs is not mounted and could not be mounted: Operation not permitted
t:sched:sched_process_exec { }
^^^^^^^^^^^^^^^^^^^^^^^^^^" "no tracefs and no right to mount it: the diagnostic"
else
	for i in 1 2 3 4 5; do skip "cannot unmount tracefs in a mount namespace here"; done
fi

# ---- nothing left behind ----

progs_of() {
	bpftool prog show 2>/dev/null | grep -c "name plumb_$1 "
}
"$PLUMB" -q 't:sched:sched_process_exec, t:syscalls:sys_enter_open* { @ = count(); }
	BEGIN { printf("go\n"); }' >"$TMP/run" 2>&1 &
pid=$!
for _ in $(seq 200); do
	grep -q go "$TMP/run" 2>/dev/null && break
	sleep 0.05
done
is "$(progs_of $pid)" 3 "while running: one program per probe, and BEGIN's"
kill -INT $pid
wait $pid
is "$?" 0 "SIGINT: exit status 0"
# The kernel drops a tracepoint's programs a few RCU grace periods after
# their perf events are closed: give it a moment.
for _ in $(seq 100); do
	[ "$(progs_of $pid)" = 0 ] && break
	sleep 0.05
done
is "$(progs_of $pid)" 0 "after SIGINT: no program of plumb left"

done_testing
