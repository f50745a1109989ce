#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# -i: the maps every interval under a timestamp line, in text and JSON;
# --interval-clear: each interval's own counts, which add up to the
# ground truth exactly, the partial last interval (at stop) included;
# --textfile: the exposition rewritten every interval, atomically.
. "$(dirname "$0")/lib.sh"

need_kernel
need_cmd jq
need_cmd promtool
use_targets

# About 1.2 s of queries: several 200 ms intervals, and a partial last one.
WORK='memsqld -t 2 -n 1200 -s 1000'
PROG='u:memsqld:querystart(char *query, u64 plan) { @n = count(); @plans[plan] = count(); @plansum = sum(plan); }
u:memsqld:queryend(u64 latency) { @latency = hist(latency); @st = stats(latency); @hi = max(latency); }'

run_plumb -i 200ms --interval-clear -c "$WORK >$TMP/gt" "$PROG"
is "$rc" 0 '-i --interval-clear: exit status 0'
times=$(grep -cE '^[0-9]{2}:[0-9]{2}:[0-9]{2}$' "$TMP/out")
ok $([ "$times" -ge 4 ]; echo $?) "a timestamp line per interval ($times)"
is "$(awk '$1 == "@n:" { s += $2 } END { print s }' "$TMP/out")" "$(gt "$TMP/gt" querystart.calls)" \
	'the intervals of count() add up to the ground truth'
is "$(awk '$1 == "@plansum:" { s += $2 } END { print s }' "$TMP/out")" \
	"$(awk '$1 == "plan" { s += $2 * $3 } END { print s }' "$TMP/gt")" \
	'the intervals of sum() add up to the ground truth'
for p in 1 5 9; do
	is "$(awk -v k="@plans[$p]:" '$1 == k { s += $2 } END { print s }' "$TMP/out")" \
		"$(awk -v p=$p '$1 == "plan" && $2 == p { print $3 }' "$TMP/gt")" \
		"keyed count, plan $p, adds up"
done
is "$(awk '$1 == "@st:" { s += $3 } END { print s }' "$TMP/out" | tr -d ,)" "$(gt "$TMP/gt" queryend.calls)" \
	'the intervals of stats() counts add up'
is "$(sed -n '/^@latency:/,/^$/s/^\[[^)]*) *\([0-9]*\) |.*/\1/p' "$TMP/out" | awk '{ s += $1 } END { print s }')" \
	"$(gt "$TMP/gt" queryend.calls)" 'the intervals of hist() counts add up'
n_first=$(awk '$1 == "@n:" { print $2; exit }' "$TMP/out")
ok $([ "$n_first" -lt "$(gt "$TMP/gt" querystart.calls)" ]; echo $?) \
	"an interval shows its own count ($n_first), not the running total"

# Without --interval-clear the counts keep running: the last is the total.
run_plumb -i 200ms -c "$WORK >$TMP/gt" "$PROG"
is "$(awk '$1 == "@n:" { v = $2 } END { print v }' "$TMP/out")" "$(gt "$TMP/gt" querystart.calls)" \
	'running totals: the last interval shows the whole count'
is "$(awk '$1 == "@hi:" { v = $2 } END { print v }' "$TMP/out")" "$(gt "$TMP/gt" latency.max)" \
	'running max: the last interval shows the maximum'

# JSON: {"type":"time",...} lines, then the maps.
run_plumb -j -i 200ms --interval-clear -c "$WORK >$TMP/gt" "$PROG"
is "$rc" 0 '-j -i: exit status 0'
jq -c 'select(.type == "time")' "$TMP/out" >"$TMP/times"
like "$(head -1 "$TMP/times")" '^\{"type":"time","data":"[0-9]{2}:[0-9]{2}:[0-9]{2}\\n"\}$' 'JSON time record'
is "$(jq -s '[.[] | select(.type == "map") | .data["@n"] // empty] | add' "$TMP/out")" \
	"$(gt "$TMP/gt" querystart.calls)" 'JSON intervals add up to the ground truth'

# Ctrl-C in the middle: the partial interval is printed too.
bg_plumb "$TMP/out" "$TMP/err" -i 10s --interval-clear "$PROG"
wait_banner "$TMP/err" || diag "no banner: $(cat "$TMP/err")"
memsqld -n 100 >"$TMP/gt"
kill -INT "$P"
wait "$P"
is "$?" 0 'SIGINT during an interval: exit status 0'
is "$(grep -cE '^[0-9]{2}:[0-9]{2}:[0-9]{2}$' "$TMP/out")" 1 'the partial interval has its timestamp'
is "$(awk '$1 == "@n:" { print $2 }' "$TMP/out")" "$(gt "$TMP/gt" querystart.calls)" \
	'the partial interval is printed, whole'

# --textfile: every interval a complete exposition, counts only growing,
# the last one equal to the ground truth.
F="$TMP/plumb.prom"
"$PLUMB" -q -i 100ms --textfile "$F" -c "$WORK >$TMP/gt" "$PROG" >"$TMP/out" 2>"$TMP/err" &
P=$!
prev=0 good=0 bad=0 seen=0
while kill -0 "$P" 2>/dev/null; do
	if [ -f "$F" ] && cp "$F" "$TMP/snap" 2>/dev/null; then
		if tail -1 "$TMP/snap" | grep -q '^plumb_series_omitted{map="@st"} 0$' &&
		   promtool check metrics <"$TMP/snap" >/dev/null 2>&1; then
			v=$(awk '$1 == "plumb_n_total" { print $2 }' "$TMP/snap")
			[ "$v" -ge "$prev" ] && good=$((good + 1)) || bad=$((bad + 1))
			[ "$v" != "$prev" ] && seen=$((seen + 1))
			prev=$v
		else
			bad=$((bad + 1))
			promtool check metrics <"$TMP/snap" 2>&1 | head -3 | sed 's/^/# /'
		fi
	fi
	sleep 0.05
done
wait "$P"
is "$?" 0 '--textfile: exit status 0'
is "$bad" 0 "every read of the file was a whole exposition, counts never going back ($good reads)"
ok $([ "$seen" -ge 3 ]; echo $?) "the file changed at several intervals ($seen)"
is "$(awk '$1 == "plumb_n_total" { print $2 }' "$F")" "$(gt "$TMP/gt" querystart.calls)" \
	'the last file equals the ground truth'
is "$(awk '$1 == "plumb_latency_sum" { print $2 }' "$F")" "$(gt "$TMP/gt" latency.sum)" \
	'... histogram sum too'
is "$(cat "$TMP/out")" "" '-q --textfile: nothing on stdout'
is "$(ls "$TMP" | grep -c 'plumb.prom.')" 0 'no temporary file left behind'
run_plumb --textfile /nonexistent/dir/x.prom 'BEGIN { exit(); }'
is "$rc" 1 'an unwritable --textfile: exit status 1'
like "$(cat "$TMP/err")" '^plumb: cannot write /nonexistent/dir/x.prom: No such file or directory$' '... says why'
run_plumb --interval-clear 'BEGIN { exit(); }'
is "$rc" 2 '--interval-clear without -i: usage error'

done_testing
