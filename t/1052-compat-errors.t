#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# plumb argdist and plumb trace: every error of the specifier grammars,
# with its caret (t/data/compat-errors.cases); and their usage.
. "$(dirname "$0")/cases.sh"

export PATH="$TARGETS:$PATH"
[ -x "$TARGETS/calls" ] || skip_all "test targets not built"
run_cases "$SRCDIR/t/data/compat-errors.cases"

"$PLUMB" argdist >"$TMP/out" 2>"$TMP/err"
is "$?" 2 "argdist without a specifier: exit 2"
is "$(head -1 "$TMP/err")" "plumb argdist: at least one specifier is required: -C SPEC or -H SPEC" \
	"argdist without a specifier: says so"
"$PLUMB" argdist -i soon -C 'u:memsqld:querystart()' >"$TMP/out" 2>"$TMP/err"
is "$?" 2 "argdist -i soon: exit 2"
"$PLUMB" trace >"$TMP/out" 2>"$TMP/err"
is "$?" 2 "trace without a probe: exit 2"
is "$(head -1 "$TMP/err")" "plumb trace: no probe given, e.g. 'u:memsqld:querystart \"%s\", arg1'" \
	"trace without a probe: says so"
"$PLUMB" trace -C x >"$TMP/out" 2>"$TMP/err"
is "$?" 2 "trace with an unknown option: exit 2"
is "$(cat "$TMP/err")" "plumb trace: invalid option -- 'C'
Try 'plumb trace -h' for more information." "trace with an unknown option: says so"
"$PLUMB" trace -M many 'u:memsqld:querystart' >"$TMP/out" 2>"$TMP/err"
is "$?" 2 "trace -M many: exit 2"
for tool in argdist trace; do
	"$PLUMB" $tool -h >"$TMP/out" 2>"$TMP/err"
	is "$?" 0 "$tool -h: exit 0"
	like "$(head -1 "$TMP/out")" "^usage: plumb \\[PLUMB OPTIONS\\] $tool " "$tool -h: its own usage"
done
like "$("$PLUMB" -h)" "plumb \\[OPTIONS\\] trace ARGS" "plumb -h names trace"
like "$("$PLUMB" -h)" "plumb \\[OPTIONS\\] argdist ARGS" "plumb -h names argdist"
# -v shows the plumb program, even when only checking (-n)
"$PLUMB" -n -v argdist -C 'u:memsqld:backgroundflusher():u32:$PID' >"$TMP/out" 2>"$TMP/err"
is "$(cat "$TMP/err")" "plumb: argdist -C 'u:memsqld:backgroundflusher():u32:\$PID' is: plumb -s 80 'u:memsqld:backgroundflusher { @[(u32)(pid << 32 | tid)] = count(); }'" \
	"-v: the plumb one-liner of a specifier"
"$PLUMB" -n trace -v -Z 64 'u:memsqld:querystart "%s", arg1' >"$TMP/out" 2>"$TMP/err"
is "$(cat "$TMP/err")" "plumb: trace 'u:memsqld:querystart \"%s\", arg1' is: plumb 'u:memsqld:querystart { printf(\"%-7d %-7d %-15s %-16s %s\\n\", pid, tid, comm, \"querystart\", str(arg0)); }'" \
	"trace -v: the plumb one-liner of a probe"
# -p of a process that is not there: as plumb's own -p
"$PLUMB" -n trace -p 999999999 'u:memsqld:querystart' >"$TMP/out" 2>"$TMP/err"
is "$?:$(cat "$TMP/err")" "1:plumb: no process with pid 999999999" "trace -p of no process: exit 1, said"
"$PLUMB" -n argdist -p 999999999 -C 'u:memsqld:querystart()' >"$TMP/out" 2>"$TMP/err"
is "$?:$(cat "$TMP/err")" "1:plumb: no process with pid 999999999" "argdist -p of no process: exit 1, said"
done_testing
