#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Prometheus series that stay honest: plumb_series_dropped_total never
# goes down, whatever the series cap leaves out from one scrape to the
# next and whatever clear() empties; keys that print alike are one series
# whose value the aggregation combines; failed reads are exported, per
# place in the program, against badptr's own counts.
. "$(dirname "$0")/lib.sh"

export PATH="$TARGETS:$PATH"
need_cmd promtool
PT="$UNITDIR/prom-text"
[ -x "$PT" ] || skip_all "no $PT"

# lint FILE DESCRIPTION: promtool finds nothing to complain about
lint() {
	promtool check metrics <"$1" >"$TMP/lint" 2>&1
	is "$?:$(cat "$TMP/lint")" "0:" "$2"
}

# ---- the series cap over successive scrapes (no kernel) ----
# Rounds of 5, 5, 2 and 5 entries under a cap of 2, the left-out ones
# changing: keys 0,10,20 then 10,20,30 then none (a cleared map) then
# 30,40,50. The counter counts each left-out series once: 3, 4, 4, 6;
# the gauge is each scrape's own figure: 3, 3, 0, 3.
"$PT" -m 2 -r 5:0,5:1,2:0,5:3 'BEGIN { @keys[pid] = count(); }' >"$TMP/rounds"
is "$(awk '/^plumb_series_dropped_total/ { printf "%s ", $2 }' "$TMP/rounds")" "3 4 4 6 " \
	'series_dropped_total counts each left-out series once, never less than before'
is "$(awk '/^plumb_series_omitted/ { printf "%s ", $2 }' "$TMP/rounds")" "3 3 0 3 " \
	'series_omitted: what each exposition left out'
awk '/^---$/ { n++; next } n == 3' "$TMP/rounds" >"$TMP/r3"
lint "$TMP/r3" 'promtool: an exposition of the rounds'

# ---- keys that print alike (no kernel) ----
# prom-text's entries 4 and 7 are strings whose bytes that are not UTF-8
# both print as U+FFFD: one series, count 5 + 8, stats {5, 35} + {8, 56}.
kinds=$(cat "$SRCDIR/t/data/prom/kinds.prog")
"$PT" -n 8 "$kinds" >"$TMP/dup"
bad="bad $(printf '\357\277\275\357\277\275') byte"
is "$(grep -c "^plumb_queries_total{query=\"$bad\"}" "$TMP/dup")" 1 'keys that print alike: one series'
like "$(cat "$TMP/dup")" "^plumb_queries_total\\{query=\"$bad\"\\} 13\$" '... whose counts add'
like "$(cat "$TMP/dup")" "^plumb_st_sum\\{query=\"$bad\"\\} 91\$" '... stats sums add'
like "$(cat "$TMP/dup")" "^plumb_st_count\\{query=\"$bad\"\\} 13\$" '... stats counts add'
lint "$TMP/dup" 'promtool: no duplicate series'
# the other combinations: entries 4 and 7 hold min/max 5 and 8, avg
# {count, sum} {5, 35} and {8, 56}, plain values 15 and 24
"$PT" -n 8 'u:querysim:querystart(char *query, u64 plan) { @last[str(query)] = plan;
	@lo[str(query)] = min(plan); @hi[str(query)] = max(plan); @mean[str(query)] = avg(plan); }' |
	grep "{query=\"$bad\"}" >"$TMP/dup2"
is "$(cat "$TMP/dup2")" "plumb_hi{query=\"$bad\"} 8
plumb_last{query=\"$bad\"} 24
plumb_lo{query=\"$bad\"} 5
plumb_mean{query=\"$bad\"} 7" 'merged: max and min the extremes, avg (35 + 56) / 13, a plain value the largest'
"$PT" -m 3 -n 8 "$kinds" >"$TMP/dupcap"
like "$(cat "$TMP/dupcap")" '^plumb_series_omitted\{map="@queries"\} 4$' \
	'the cap counts series, not keys (7 series, 3 kept)'

need_kernel
use_targets

# ---- the same, live: usym() of two processes of a PIE binary ----
# Each process has its own key for work(); both print "work". The
# textfile written at stop holds one series per map, combined exactly.
calls -n 5 -t 2 >"$TMP/gt1"
calls -n 3 -t 1 >"$TMP/gt2"
run_plumb -q --textfile "$TMP/m.prom" -c 'sh -c "calls -n 5 -t 2 >/dev/null; calls -n 3 -t 1 >/dev/null"' \
	'p:calls:work(long x) { @calls[usym(reg("ip"))] = count(); @total[usym(reg("ip"))] = sum(x);
	@lowest[usym(reg("ip"))] = min(x); @highest[usym(reg("ip"))] = max(x);
	@mean[usym(reg("ip"))] = avg(x); @st[usym(reg("ip"))] = stats(x);
	@dist[usym(reg("ip"))] = hist(x); }'
is "$rc" 0 'two processes, usym() keys: exit 0'
g() { echo $(($(gt "$TMP/gt1" "$1") $2 $(gt "$TMP/gt2" "$1"))); }
calls_=$(g work.calls +)
sum_=$(g work.sum +)
lo1=$(gt "$TMP/gt1" work.min) lo2=$(gt "$TMP/gt2" work.min)
hi1=$(gt "$TMP/gt1" work.max) hi2=$(gt "$TMP/gt2" work.max)
[ "$lo1" -lt "$lo2" ] && lo=$lo1 || lo=$lo2
[ "$hi1" -gt "$hi2" ] && hi=$hi1 || hi=$hi2
sort >"$TMP/want" <<EOF
plumb_calls_total{key0="work"} $calls_
plumb_total_total{key0="work"} $sum_
plumb_lowest{key0="work"} $lo
plumb_highest{key0="work"} $hi
plumb_mean{key0="work"} $((sum_ / calls_))
plumb_st_sum{key0="work"} $sum_
plumb_st_count{key0="work"} $calls_
plumb_dist_sum{key0="work"} $sum_
plumb_dist_count{key0="work"} $calls_
EOF
grep -F -x -f "$TMP/want" "$TMP/m.prom" | sort >"$TMP/got"
same "$TMP/got" "$TMP/want" 'one series per map: counts and sums add, min and max the extremes, avg of the whole'
is "$(grep -c '^plumb_[a-z]*\(_total\)\?{key0="work"}' "$TMP/m.prom")" 5 \
	'no map has the same series twice'
# hist: both targets' buckets added, cumulative (le = HI - 1)
cat "$TMP/gt1" "$TMP/gt2" | awk '$1 == "work.hist" { n[$3] += $4 } END { for (h in n) print h, n[h] }' |
	sort -n | awk '{ c += $2; printf "plumb_dist_bucket{key0=\"work\",le=\"%d\"} %d\n", $1 - 1, c }' >"$TMP/want"
grep -F -x -f "$TMP/want" "$TMP/m.prom" >"$TMP/got"
same "$TMP/got" "$TMP/want" 'histogram buckets add up'
lint "$TMP/m.prom" 'promtool: the merged textfile'

# ---- failed reads: a counter per place in the program ----
N=7
badptr -n $N >"$TMP/truth"
failing=$(($(gt "$TMP/truth" null) + $(gt "$TMP/truth" wild) + $(gt "$TMP/truth" unpaged)))
run_plumb -q --textfile "$TMP/r.prom" -c "badptr -n $N" 'p:badptr:take(char *s) { @[str(s)] = count(); }
p:badptr:take { @w = sum(*(u8*)arg0); }'
is "$rc" 0 'failed reads to a textfile: exit 0'
is "$(grep '^plumb_failed_reads_total{' "$TMP/r.prom" | grep -v ' 0$')" \
"plumb_failed_reads_total{location=\"<cmdline>:1:28\",expression=\"str(s)\"} $failing
plumb_failed_reads_total{location=\"<cmdline>:2:26\",expression=\"*(u8*)arg0\"} $failing" \
	"each read site's failures, as badptr counts them (null + wild + unpaged = $failing)"
like "$(cat "$TMP/err")" "plumb: $failing failed reads at <cmdline>:1:28 \\(str\\(s\\)\\)" \
	'... the figure said on stderr'
like "$(cat "$TMP/r.prom")" '^# TYPE plumb_failed_reads_total counter$' '... a counter'
like "$(cat "$TMP/r.prom")" "^plumb_anon_total\\{s=\"hello\"\\} $(gt "$TMP/truth" good)\$" \
	'... and the readable string counted'
lint "$TMP/r.prom" 'promtool: failed reads'

# ---- loops stopped at their cap: a counter per loop ----
run_plumb -q --textfile "$TMP/l.prom" 'BEGIN { $i = 0; while ($i < 5000) { $i++; } @n = count(); exit(); }'
is "$rc" 0 'a loop at its cap, to a textfile: exit 0'
is "$(grep '^plumb_loop_caps_total{' "$TMP/l.prom")" \
	'plumb_loop_caps_total{location="<cmdline>:1:17",expression="while ($i < 5000) { $i++; }"} 1' \
	'the loop that stopped at its cap once, at its place'
lint "$TMP/l.prom" 'promtool: loop caps'

# ---- live: scrapes while clear() empties the map and -i --interval-clear runs ----
# A cap of 2 on a map of work()'s arguments, cleared every 100 ms by the
# program, with --interval-clear on top: the counter never goes down.
run_plumb -q --max-series 2 -i 150ms --interval-clear --textfile "$TMP/live.prom" \
	-c 'sh -c "calls -s -n 1000 -t 2 >/dev/null"' \
	'p:calls:work(long x) { @args[x] = count(); } interval:ms:100 { clear(@args); }' &
P=$!
prev=0 down=0 seen=0
for _ in $(seq 60); do
	kill -0 "$P" 2>/dev/null || break
	v=$(awk '$1 == "plumb_series_dropped_total{map=\"@args\"}" { print $2 }' "$TMP/live.prom" 2>/dev/null)
	if [ -n "$v" ]; then
		seen=$((seen + 1))
		[ "$v" -lt "$prev" ] && down=$((down + 1))
		prev=$v
	fi
	sleep 0.1
done
wait "$P"
is "$?" 0 'live: exit 0'
v=$(awk '$1 == "plumb_series_dropped_total{map=\"@args\"}" { print $2 }' "$TMP/live.prom")
[ "$v" -lt "$prev" ] && down=$((down + 1))
is "$down" 0 "live: series_dropped_total never decreased ($seen readings, last $v)"
[ "$v" -gt 0 ]
ok $? 'live: series were left out and counted'
lint "$TMP/live.prom" 'promtool: the live textfile'

done_testing
