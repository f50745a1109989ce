#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# plumb argdist: the seed document's argdist command lines, as written but
# for the tool's name, on memsqld (and calls for uprobes): every count of
# every interval, summed, must equal the target's ground truth.
. "$(dirname "$0")/lib.sh"

need_kernel
use_targets
GT="$TMP/gt"

# argdist CMD ARGS...: plumb argdist ARGS while CMD runs (its stdout in
# $GT); argdist's output in $TMP/out, stderr in $TMP/err, status in $rc.
argdist() {
	cmd=$1
	shift
	"$PLUMB" -q -c "$cmd >$GT" argdist "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	[ "$rc" = 0 ] || diag "plumb argdist failed ($rc): $(cat "$TMP/err")"
}

# counts LABEL: "EVENT COUNT" lines of a -C specifier, summed over all
# intervals, sorted. The EVENT rows of the specifier printed as LABEL.
counts() {
	awk -v spec="$1" '
		/^\[[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\]$/ { cur = ""; next }
		$0 == spec { cur = spec; next }
		/^\t/ && cur != "" && $1 != "COUNT" {
			c = $1; line = $0; sub(/^\t[0-9]+ +/, "", line); n[line] += c; next }
		!/^\t/ { cur = "" }
		END { for (e in n) print e, n[e] }' "$TMP/out" | sort
}

# buckets LABEL: "LOW HIGH COUNT" of the histogram rows summed over the
# intervals, non-empty ones only.
buckets() {
	awk -v spec="$1" '
		/^\[[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\]$/ { cur = ""; next }
		$0 == spec { cur = spec; next }
		cur != "" && $2 == "->" { n[$1 " " $3] += $5; next }
		cur != "" && / : count +distribution$/ { next }
		{ cur = "" }
		END { for (b in n) if (n[b]) print b, n[b] }' "$TMP/out" | sort -n
}

intervals() {
	grep -c '^\[[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\]$' "$TMP/out"
}

# The seed's query texts as -z 80 reads them (79 bytes and the NUL).
texts79() {
	awk '$1 == "query" { c = $2; sub(/^query [0-9]+ /, ""); print "arg1 = " substr($0, 1, 79), c }' "$1" | sort
}

# ---- argdist -v -C "u:memsqld:querystart(char* arg1):char*:arg1" ----
SPEC='u:memsqld:querystart(char* arg1):char*:arg1'
argdist 'memsqld -t 2 -n 300 -s 4000 -F 0' -v -C "$SPEC"
is "$rc" 0 "querystart texts: plumb argdist ran"
is "$(counts "$SPEC")" "$(texts79 "$GT")" \
	"querystart texts: each text's count, summed over the intervals, as the target ran them"
ok "$([ "$(intervals)" -ge 2 ]; echo $?)" "querystart texts: more than one interval ($(intervals))"
is "$(grep -F 'plumb: argdist -C' "$TMP/err")" \
	"plumb: argdist -C '$SPEC' is: plumb -s 80 'u:memsqld:querystart(char*) { @[str(arg0)] = count(); }'" \
	"querystart texts: -v shows the plumb one-liner"
is "$(grep -c 'b'"'" "$TMP/out")" 0 "querystart texts: strings as text, never b'...'"

# ---- argdist -v -H "u:memsqld:queryend(u64 arg1):u64:arg1" ----
SPEC='u:memsqld:queryend(u64 arg1):u64:arg1'
argdist 'memsqld -t 2 -n 300 -s 4000 -F 0' -v -H "$SPEC"
is "$rc" 0 "latency histogram: plumb argdist ran"
awk '$1 == "latency.hist" { printf "%s %.0f %s\n", $2, $3 - 1, $4 }' "$GT" >"$TMP/want"
is "$(buckets "$SPEC")" "$(cat "$TMP/want")" \
	"latency histogram: every bucket, summed over the intervals, as the target's"
grep -A1 -x "$SPEC" "$TMP/out" | sed -n 2p >"$TMP/head"
is "$(cat "$TMP/head")" "     arg1                : count     distribution" \
	"latency histogram: argdist's header line"
like "$(grep -m1 ' 1024 -> 2047 ' "$TMP/out")" \
	'^      1024 -> 2047       : [0-9]+ +\|[* ]{40}\|$' "latency histogram: argdist's row layout"

# ---- argdist -v -C 'u:memsqld:backgroundflusher():u32:$PID' ----
SPEC='u:memsqld:backgroundflusher():u32:$PID'
argdist 'memsqld -t 1 -n 10 -f 100 -F 15' -v -C "$SPEC"
is "$rc" 0 "flusher: plumb argdist ran"
is "$(counts "$SPEC")" "\$PID = $(gt "$GT" flusher.tid) $(gt "$GT" flusher.wakeups)" \
	"flusher: the flusher's thread id (u32 of \$PID) with every wakeup"

# ---- argdist -v -C 'u:memsqld:beginsnapshot(char*, char*):u32:$PID' ----
# and the same with :char*:arg1 and :char*:arg2, all three at once
S1='u:memsqld:beginsnapshot(char*, char*):u32:$PID'
S2='u:memsqld:beginsnapshot(char*, char*):char*:arg1'
S3='u:memsqld:beginsnapshot(char*, char*):char*:arg2'
argdist 'memsqld -t 1 -n 1 -f 40 -F 40' -v -C "$S1" -C "$S2" -C "$S3"
is "$rc" 0 "snapshots: plumb argdist ran"
is "$(counts "$S1")" "\$PID = $(gt "$GT" flusher.tid) $(gt "$GT" beginsnapshot.calls)" \
	"snapshots: \$PID, the flusher's thread, with every snapshot"
is "$(counts "$S2")" "$(awk '$1 == "snapshot" { n[$3] += $2 } END { for (f in n) print "arg1 = " f, n[f] }' "$GT" | sort)" \
	"snapshots: arg1, the snapshot file names"
is "$(counts "$S3")" "$(awk '$1 == "snapshot" { n[$4] += $2 } END { for (d in n) print "arg2 = " d, n[d] }' "$GT" | sort)" \
	"snapshots: arg2, the database names"

# ---- -T: the largest rows only; -c: running totals ----
argdist 'memsqld -t 1 -n 1 -f 40 -F 40' -c -T 2 -C "$S3"
is "$rc" 0 "-T 2 -c: plumb argdist ran"
awk '/^\[/ { n = 0; next } /^\t[0-9]/ { n++ } END { print n }' "$TMP/out" >"$TMP/rows"
is "$(cat "$TMP/rows")" 2 "-T 2: two rows in the last interval"
is "$(awk '/^\[/ { delete r; next } /^\t[0-9]/ { c = $1; sub(/^\t[0-9]+ +/, ""); r[$0] = c } END { for (k in r) print k, r[k] }' "$TMP/out" | sort)" \
	"$(awk '$1 == "snapshot" { n[$4] += $2 } END { for (d in n) print "arg2 = " d, n[d] }' "$GT" | sort -k4n | tail -2 | sort)" \
	"-c: the last interval holds the totals of the two largest"

# ---- a uprobe with a filter, and the wide histogram (values past 2^32) ----
SPEC='p:calls:work(long x):long:x:x >= 1024'
argdist 'calls -t 2 -n 300' -H "$SPEC"
is "$rc" 0 "uprobe filter: plumb argdist ran"
is "$(buckets "$SPEC")" \
	"$(awk '$1 == "work.hist" && $2 >= 1024 { printf "%s %.0f %s\n", $2, $3 - 1, $4 }' "$GT")" \
	"uprobe filter: the buckets of x >= 1024 only, as the target's"
like "$(grep -m1 'x  *: count' "$TMP/out")" '^               x {29}: count     distribution$' \
	"uprobe filter: the wide header past 2^32"

# ---- $latency and $entry() on a function pair ----
argdist 'calls -t 3 -n 200' -H 'r:calls:work(long x):u64:$latency' \
	-C 'r:calls:compute(long x):long:$entry(x)'
is "$rc" 0 "\$latency: plumb argdist ran"
is "$(buckets 'r:calls:work(long x):u64:$latency' | awk '{ n += $3 } END { print n }')" \
	"$(gt "$GT" work.calls)" "\$latency: one latency per call of work()"
is "$(counts 'r:calls:compute(long x):long:$entry(x)' | awk '{ print $NF }' | sort -u)" 3 \
	"\$entry(x): each x counted once per thread"
is "$(counts 'r:calls:compute(long x):long:$entry(x)' | wc -l | tr -d ' ')" 200 \
	"\$entry(x): every x of compute(x), shown as 'x = N'"
is "$(counts 'r:calls:compute(long x):long:$entry(x)' | grep -c '^x = ')" 200 \
	"\$entry(x): the event is named x, as argdist names it"

# ---- -i and -n: exactly N intervals, then plumb stops ----
"$PLUMB" -q -c 'memsqld -t 1 -n 100000 -s 1000 -F 0 -q' argdist -i 200ms -n 3 \
	-C 'u:memsqld:querystart():u64:arg2' >"$TMP/out" 2>"$TMP/err"
is "$?" 0 "-n 3: plumb argdist ran"
is "$(intervals)" 3 "-n 3: three intervals"
# ---- -d: the interval that reaches it is the last ----
"$PLUMB" -q -c 'memsqld -t 1 -n 100000 -s 1000 -F 0 -q' argdist -i 300ms -d 1 \
	-C 'u:memsqld:querystart():u64:arg2' >"$TMP/out" 2>"$TMP/err"
is "$?" 0 "-d 1: plumb argdist ran"
is "$(intervals)" 4 "-d 1 with -i 300ms: four intervals, as argdist"

# ---- -j: plumb's JSON, an interval's difference each time ----
"$PLUMB" -q -c "memsqld -t 2 -n 300 -s 3000 -F 0 >$GT" argdist -j \
	-C 'u:memsqld:querystart(char *q, u64 plan):u64:plan:plan == 7' >"$TMP/out" 2>"$TMP/err"
is "$?" 0 "-j: plumb argdist ran"
if command -v jq >/dev/null; then
	is "$(jq -r 'select(.type == "map") | .data["@"]["7"]' "$TMP/out" | awk '{ n += $1 } END { print n }')" \
		"$(gt "$GT" plan7.calls)" "-j: plan 7's counts add up to plan7.calls"
else
	skip "jq not installed"
fi

# ---- -p: one process of two; plumb ends with it, the partial interval printed ----
rm -f "$TMP/w1.in" "$TMP/w2.in"
mkfifo "$TMP/w1.in" "$TMP/w2.in"
memsqld -w -t 2 -n 200 -F 0 <"$TMP/w1.in" >"$GT.1" &
q1=$!
memsqld -w -t 1 -n 300 -F 0 <"$TMP/w2.in" >"$GT.2" &
q2=$!
exec 4>"$TMP/w1.in" 5>"$TMP/w2.in"
for _ in $(seq 100); do grep -q ready "$GT.1" "$GT.2" 2>/dev/null && [ "$(grep -l ready "$GT.1" "$GT.2" | wc -l)" = 2 ] && break; sleep 0.05; done
: >"$TMP/err"	# no earlier banner (t/lib.sh: bg_plumb)
"$PLUMB" argdist -p "$q1" -C 'u:memsqld:querystart()' >"$TMP/out" 2>"$TMP/err" 4>&- 5>&- &
ppid=$!
wait_banner "$TMP/err" || diag "no banner: $(cat "$TMP/err")"
echo >&4
echo >&5
exec 4>&- 5>&-
wait $q1
wait $q2
for _ in $(seq 100); do kill -0 $ppid 2>/dev/null || break; sleep 0.1; done
if kill -0 $ppid 2>/dev/null; then
	ok 1 "-p: plumb argdist ends when its process exits"
	kill -INT $ppid
else
	ok 0 "-p: plumb argdist ends when its process exits"
fi
wait $ppid
is "$?" 0 "-p: exit status 0"
is "$(counts 'u:memsqld:querystart()')" "total calls $(gt "$GT.1" querystart.calls)" \
	"-p: the traced process's calls, 'total calls' as argdist names them"

# ---- Ctrl-C: the partial interval is printed ----
bg_plumb "$TMP/out" "$TMP/err" argdist -i 60 -C 'u:memsqld:querystart()'
ppid=$P
wait_banner "$TMP/err" || diag "no banner: $(cat "$TMP/err")"
memsqld -t 2 -n 100 -F 0 >"$GT"
kill -INT $ppid
wait $ppid
is "$?" 0 "SIGINT: exit status 0"
is "$(counts 'u:memsqld:querystart()')" "total calls $(gt "$GT" querystart.calls)" \
	"SIGINT: the interval so far is printed"

done_testing
