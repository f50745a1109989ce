#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Nothing lost silently: output that cannot be written, reads of memory
# that fail, and updates a full map drops are each said, in text and in
# JSON, against the target's own count.
. "$(dirname "$0")/lib.sh"

need_kernel
use_targets
N=7
badptr -n $N >"$TMP/truth"
failing=$(($(gt "$TMP/truth" null) + $(gt "$TMP/truth" wild) + $(gt "$TMP/truth" unpaged)))

# ---- failed reads, by source location ----
run_plumb -q -c "badptr -n $N" 'p:badptr:take(char *s) { @[str(s)] = count(); }
p:badptr:take { @w = sum(*(u8*)arg0); }'
is "$rc" 0 "failed reads: exit 0"
is "$(grep -c '^@\[hello\]: '"$(gt "$TMP/truth" good)"'$' "$TMP/out")" 1 \
	"the readable string is read every time"
is "$(grep 'failed read' "$TMP/err")" \
"plumb: $failing failed reads at <cmdline>:1:28 (str(s)): a bad address or memory not paged in (read as 0 or \"\")
plumb: $failing failed reads at <cmdline>:2:26 (*(u8*)arg0): a bad address or memory not paged in (read as 0 or \"\")" \
	"each read site's failures, counted exactly, at its line and column"

run_plumb -q -j -c "badptr -n $N" 'p:badptr:take(char *s) { @[str(s)] = count(); }'
is "$(grep failed_reads "$TMP/out")" \
	"{\"type\":\"failed_reads\",\"data\":{\"reads\":$failing,\"location\":\"<cmdline>:1:28\",\"source\":\"str(s)\"}}" \
	"-j: a failed_reads record"
is "$(grep -c 'failed read' "$TMP/err")" 1 "-j: also said on stderr, for people"

run_plumb -q -c "badptr -n $N" 'p:badptr:take(char *s) /s != 0 && s != 8/ { @ = count(); }'
is "$(cat "$TMP/err")" "" "no failed read, no message"

# ---- a full map ----
PLUMB_MAP_KEYS=2 run_plumb -q -j 'BEGIN { @m[1] = count(); @m[2] = count(); @m[3] = count(); @m[4] = count(); exit(); }'
is "$(grep map_full "$TMP/out")" \
	'{"type":"map_full","data":{"map":"@m","dropped":2,"entries":2}}' "-j: a map_full record"
PLUMB_MAP_KEYS=2 run_plumb -q 'BEGIN { @m[1] = count(); @m[2] = count(); @m[3] = count(); exit(); }'
is "$(cat "$TMP/err")" \
	"plumb: warning: @m: 1 update dropped: the map is full (2 entries; set PLUMB_MAP_KEYS for more)" \
	"text: the warning on stderr"

# ---- standard output that cannot be written ----
msg="plumb: cannot write output: No space left on device"
if [ -w /dev/full ]; then
	"$PLUMB" -q 'BEGIN { @a = count(); exit(); }' >/dev/full 2>"$TMP/err"
	is "$?" 1 "> /dev/full, a map at the end: exit 1"
	is "$(cat "$TMP/err")" "$msg" "... said once, with the reason"

	start=$(date +%s)
	"$PLUMB" -q -c 'sleep 30' 'i:10ms { printf("tick %d\n", pid); }' >/dev/full 2>"$TMP/err"
	is "$?" 1 "> /dev/full, printf lines: exit 1"
	is "$(cat "$TMP/err")" "$msg" "... said once"
	ok "$([ $(($(date +%s) - start)) -lt 10 ] && echo 0 || echo 1)" \
		"... and plumb stops at once, the -c command with it"

	"$PLUMB" -q -j -c "badptr -n $N" 'p:badptr:take { printf("%d\n", pid); }' \
		>/dev/full 2>"$TMP/err"
	is "$?" 1 "-j > /dev/full: exit 1"
	is "$(cat "$TMP/err")" "$msg" "... said once"

	"$PLUMB" -n -d 'BEGIN { @a = count(); }' >/dev/full 2>"$TMP/err"
	is "$?" 1 "-n -d > /dev/full: exit 1"
	is "$(cat "$TMP/err")" "$msg" "... said"
	"$PLUMB" -l 'p:badptr:*' >/dev/full 2>"$TMP/err"
	is "$?" 1 "-l > /dev/full: exit 1"
else
	for i in 1 2 3 4 5 6 7 8 9 10; do skip "no writable /dev/full"; done
fi

# a reader that leaves is no error
{ "$PLUMB" -q 'i:10ms { printf("tick\n"); }' 2>"$TMP/err"; echo $? >"$TMP/rc"; } | head -2 >/dev/null
is "$(cat "$TMP/rc")" 0 "| head: exit 0"
is "$(cat "$TMP/err")" "" "| head: nothing said"

done_testing
