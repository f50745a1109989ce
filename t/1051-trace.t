#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# plumb trace: the seed document's trace command line, as written but for
# the tool's name, on memsqld; uprobes with filters, return values, -M,
# -T, -t and -p on the calls target. Every line against the ground truth.
. "$(dirname "$0")/lib.sh"

need_kernel
use_targets
GT="$TMP/gt"

# trace CMD ARGS...: plumb trace ARGS while CMD runs (its stdout in $GT).
ptrace() {
	cmd=$1
	shift
	"$PLUMB" -q -c "$cmd >$GT" trace "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	[ "$rc" = 0 ] || diag "plumb trace failed ($rc): $(cat "$TMP/err")"
}

# The messages (after the FUNC column), counted: "COUNT MESSAGE" sorted.
messages() {
	sed 1d "$TMP/out" | cut -c$(($1 + 50))- | sort | uniq -c |
		awk '{ c = $1; sub(/^ *[0-9]+ /, ""); print c, $0 }' | sort
}

# ---- trace 'u:memsqld:querystart "%s", arg1' ----
ptrace 'memsqld -t 3 -n 100 -F 0' 'u:memsqld:querystart "%s", arg1'
is "$rc" 0 "querystart: plumb trace ran"
is "$(head -1 "$TMP/out")" "PID     TID     COMM            FUNC             -" \
	"querystart: trace's header"
is "$(messages 0)" \
	"$(awk '$1 == "query" { c = $2; sub(/^query [0-9]+ /, ""); print c, substr($0, 1, 79) }' "$GT" | sort)" \
	"querystart: one line per query, its text cut at 79 bytes, as a multiset"
is "$(sed 1d "$TMP/out" | awk '{ print $1 }' | sort -u)" "$(gt "$GT" pid)" \
	"querystart: the PID column is the process"
is "$(sed 1d "$TMP/out" | awk '{ n[$2]++ } END { for (t in n) print t, n[t] }' | sort)" \
	"$(awk '$1 == "tid" { print $2, $4 }' "$GT" | sort)" \
	"querystart: the TID column, each query thread with its queries"
is "$(sed 1d "$TMP/out" | awk '{ print $3, $4 }' | sort -u)" "memsqld querystart" \
	"querystart: COMM and FUNC"

# ---- a uprobe with a filter: p:calls:work (arg1 < 0) ----
ptrace 'calls -t 2 -n 200' 'p:calls:work (arg1 < 0) "x=%d", arg1'
is "$rc" 0 "filter: plumb trace ran"
is "$(sed 1d "$TMP/out" | wc -l | tr -d ' ')" \
	"$(awk '$1 == "work.hist" && $2 == "-inf" { print $4 }' "$GT")" \
	"filter: one line per negative argument of work()"
is "$(sed 1d "$TMP/out" | awk '{ print $5 }' | grep -cv '^x=-[0-9]*$')" 0 \
	"filter: every value printed is negative"

# ---- r: with retval; -M stops after that many ----
ptrace 'calls -t 2 -n 200' -M 7 'r:calls:compute "%d", retval'
is "$rc" 0 "-M 7: plumb trace ran"
is "$(sed 1d "$TMP/out" | wc -l | tr -d ' ')" 7 "-M 7: seven lines, no more"
is "$(sed 1d "$TMP/out" | awk '{ print ($5 + 7) % 3 }' | sort -u)" 0 \
	"r: retval is compute()'s x*3 - 7"

# ---- -T: the time of day; -t: seconds since the start ----
ptrace 'calls -t 1 -n 5' -T 'p:calls:tick'
is "$(head -1 "$TMP/out")" "TIME     PID     TID     COMM            FUNC             " "-T: a TIME column"
is "$(sed 1d "$TMP/out" | grep -cE '^[0-2][0-9]:[0-5][0-9]:[0-5][0-9] [0-9]+ ')" 5 \
	"-T: HH:MM:SS on each of the five lines"
ptrace 'calls -t 1 -n 5' -t 'p:calls:tick'
is "$(sed 1d "$TMP/out" | grep -cE '^[0-9]+\.[0-9]+ +[0-9]+ ')" 5 "-t: seconds on each line"

# ---- -p: only the process named ----
rm -f "$TMP/w1.in" "$TMP/w2.in"
mkfifo "$TMP/w1.in" "$TMP/w2.in"
calls -w -t 2 -n 20 <"$TMP/w1.in" >"$GT.1" &
q1=$!
calls -w -t 3 -n 20 <"$TMP/w2.in" >"$GT.2" &
q2=$!
exec 4>"$TMP/w1.in" 5>"$TMP/w2.in"
for _ in $(seq 100); do [ "$(cat "$GT.1" "$GT.2" 2>/dev/null | grep -c ready)" = 2 ] && break; sleep 0.05; done
: >"$TMP/err"	# no earlier banner (t/lib.sh: bg_plumb)
"$PLUMB" trace -p "$q1" 'p:calls:tick' >"$TMP/out" 2>"$TMP/err" 4>&- 5>&- &
ppid=$!
wait_banner "$TMP/err" || diag "no banner: $(cat "$TMP/err")"
echo >&4
echo >&5
exec 4>&- 5>&-
wait $q1
wait $q2
for _ in $(seq 100); do kill -0 $ppid 2>/dev/null || break; sleep 0.1; done
if kill -0 $ppid 2>/dev/null; then
	ok 1 "-p: plumb trace ends when its process exits"
	kill -INT $ppid
else
	ok 0 "-p: plumb trace ends when its process exits"
fi
wait $ppid
is "$?" 0 "-p: exit status 0"
is "$(sed 1d "$TMP/out" | awk '{ print $1 }' | sort | uniq -c | awk '{ print $2, $1 }')" "$q1 40" \
	"-p: the 40 ticks of the traced process, none of the other's"

done_testing
