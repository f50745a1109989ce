#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The Prometheus exposition of every aggregation kind, with no kernel:
# t/unit/prom-text checks a program as -n does, fills its maps with
# made-up entries and prints the exposition. Each t/data/prom/X.prog has
# its expected text in X.expected (text format 0.0.4) and X.om.expected
# (OpenMetrics), and promtool must find nothing to complain about.
# Regenerate one with: PATH=t/targets:$PATH t/unit/prom-text -n 6 "$(cat X.prog)"
. "$(dirname "$0")/lib.sh"

export PATH="$TARGETS:$PATH"
[ -x "$TARGETS/querysim" ] || skip_all "test targets not built"
PT="$UNITDIR/prom-text"
[ -x "$PT" ] || skip_all "no $PT"
need_cmd promtool

for prog in "$SRCDIR"/t/data/prom/*.prog; do
	name=$(basename "$prog" .prog)
	"$PT" -n 6 "$(cat "$prog")" >"$TMP/$name.out" 2>&1
	same "$TMP/$name.out" "${prog%.prog}.expected" "$name: text format (t/data/prom/$name.expected)"
	promtool check metrics <"$TMP/$name.out" >"$TMP/$name.lint" 2>&1
	is "$?:$(cat "$TMP/$name.lint")" "0:" "$name: promtool check metrics has no complaint"
	"$PT" -o -n 6 "$(cat "$prog")" >"$TMP/$name.om" 2>&1
	same "$TMP/$name.om" "${prog%.prog}.om.expected" "$name: OpenMetrics"
done

kinds=$(cat "$SRCDIR/t/data/prom/kinds.prog")

# Label values: quotes, backslashes and newlines escaped; bytes that are
# not UTF-8 become U+FFFD; UTF-8 kept.
out=$("$PT" -n 6 "$kinds")
like "$out" '^plumb_queries_total\{query="with \\"quotes\\""\} 2$' 'double quote escaped'
like "$out" '^plumb_queries_total\{query="back\\\\slash"\} 3$' 'backslash escaped'
like "$out" '^plumb_queries_total\{query="new\\nline"\} 4$' 'newline escaped'
like "$out" "^plumb_queries_total\\{query=\"bad $(printf '\357\277\275\357\277\275') byte\"\\} 5\$" 'bytes that are not UTF-8 become U+FFFD'
like "$out" "^plumb_queries_total\\{query=\"caf$(printf '\303\251')\"\\} 6\$" 'UTF-8 kept'
like "$out" '^# HELP plumb_latency u:querysim:queryend\(u64 latency, u64 plan\) \{ @latency = hist' 'HELP is the clause'

# Help texts: a backslash and a newline in the clause are escaped.
out=$("$PT" -n 1 'BEGIN { @a = count();
printf("x\n"); }')
like "$out" '^# HELP plumb_a_total BEGIN \{ @a = count\(\);\\nprintf\("x\\\\n"\); \}$' 'HELP escapes newline and backslash'

# The series cap: the largest entries stay, the rest are counted.
out=$("$PT" -m 2 -n 5 "$kinds")
is "$(printf '%s\n' "$out" | grep -c '^plumb_queries_total{')" 2 'cap of 2 keeps 2 series'
like "$out" '^plumb_queries_total\{query="new\\nline"\} 4$' 'the largest entries are kept'
like "$out" '^plumb_queries_total\{query="bad .* byte"\} 5$' 'the largest entries are kept (2)'
like "$out" '^plumb_series_dropped_total\{map="@queries"\} 3$' 'the 3 others are counted'
like "$out" '^plumb_series_dropped_total\{map="@latency"\} 0$' 'a keyless map drops nothing'
is "$(printf '%s\n' "$out" | grep -c '^plumb_le_count{')" 2 'the cap counts a histogram series once'
printf '%s\n' "$out" | promtool check metrics >"$TMP/lint" 2>&1
is "$?:$(cat "$TMP/lint")" "0:" 'capped exposition passes promtool'

# Empty maps: keyless aggregations show zero from the start.
out=$("$PT" -n 0 "$kinds")
like "$out" '^plumb_latency_count 0$' 'empty keyless histogram at zero'
like "$out" '^plumb_latency_bucket\{le="\+Inf"\} 0$' 'with its +Inf bucket'
printf '%s\n' "$out" | promtool check metrics >"$TMP/lint" 2>&1
is "$?:$(cat "$TMP/lint")" "0:" 'empty exposition passes promtool'

# --metric-prefix
out=$("$PT" -n 1 -p 'db_' "$kinds")
like "$out" '^db_queries_total\{query="plain"\} 1$' 'prefix on map metrics'
like "$out" '^db_events_lost_total 0$' "prefix on plumb's own counters"

done_testing
