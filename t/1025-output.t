#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Output: the text format of every kind of map (scalars, keyed and
# multi-key maps sorted by value, hist and lhist rows, stats, avg, min,
# max), the same in JSON lines (-j, read with jq), lost events, pipelines
# that close early, and -t. Truth: calls' ground truth, and its documented
# argument formulas computed in awk.
. "$(dirname "$0")/lib.sh"

need_kernel
need_cmd jq
use_targets
GT="$TMP/gt"


# work() arguments of THREADS x ITERS, one per line (awk: 2^k exact in doubles)
work_args() {
	awk -v T="$1" -v N="$2" 'BEGIN { for (t = 0; t < T; t++) for (i = 0; i < N; i++) {
		m = (i + 7 * t) % 64
		if (m <= 1) x = m
		else if (m <= 5) x = -(i * m + 1)
		else if (m <= 46) { p = 2 ^ (m - 6); x = p + i % p }
		else x = (37 * i + 101 * t) % 1000
		printf "%.0f\n", x } }'
}

# hist_text GTKEY: the rows a text histogram shows for the ground truth's
# "GTKEY LO HI COUNT" lines: label, count, bar of count * 52 / max '@'
hist_text() {
	awk -v key="$1" '
	function unit(v,   u, s) {
		s = "KMGTPE"; u = 0
		while (v > 0 && v % 1024 == 0 && u < 6) { v /= 1024; u++ }
		return u ? sprintf("%.0f%s", v, substr(s, u, 1)) : sprintf("%.0f", v)
	}
	$1 == key { n++; lo[n] = $2; hi[n] = $3; c[n] = $4; if ($4 > max) max = $4 }
	END { for (j = 1; j <= n; j++) {
		if (key ~ /lhist/) {
			if (lo[j] == "-inf") l = "(..., " hi[j] ")"
			else if (hi[j] == "inf") l = "[" lo[j] ", ...)"
			else l = "[" lo[j] ", " hi[j] ")"
		} else if (lo[j] == "-inf") l = "(..., 0)"
		else if (lo[j] == 0 && hi[j] == 1) l = "[0]"
		else if (lo[j] == 1 && hi[j] == 2) l = "[1]"
		else l = "[" unit(lo[j]) ", " unit(hi[j]) ")"
		w = int(c[j] * 52 / max); bar = ""
		for (b = 0; b < 52; b++) bar = bar (b < w ? "@" : " ")
		printf "%-16s %8d |%s|\n", l, c[j], bar } }' "$GT"
}

# rows MAP: a text histogram's non-empty rows; and its first and last counts
rows() {
	awk -v m="$1:" '$0 == m { on = 1; next } on && /^$/ { exit } on' "$TMP/out" >"$TMP/rows"
	awk '{ c = substr($0, 18, 8) + 0 } c != 0' "$TMP/rows"
}

# --- text ---------------------------------------------------------------------
"$PLUMB" -q -c "calls -t 4 -n 1500 >$GT" 'p:calls:work { @c = count(); @s = sum(arg0); @mn = min(arg0);
	@mx = max(arg0); @a = avg(arg0); @st = stats(arg0); @h = hist(arg0); @l = lhist(arg0, 0, 1000, 100); }' \
	>"$TMP/out" 2>"$TMP/err"
is "$?" 0 "text: plumb ran ($(head -1 "$TMP/err"))"
is "$(grep -v '^[[(]' "$TMP/out" | grep -v '^$' | paste -sd'|')" \
	"@a: $(gt "$GT" work.avg)|@c: $(gt "$GT" work.calls)|@h:|@l:|@mn: $(gt "$GT" work.min)|@mx: $(gt "$GT" work.max)|@s: $(gt "$GT" work.sum)|@st: count $(gt "$GT" work.calls), average $(gt "$GT" work.avg), total $(gt "$GT" work.sum)" \
	"scalars, in name order: @name: value; stats as count N, average A, total T"
rows @h >"$TMP/got"
hist_text work.hist >"$TMP/want"
same "$TMP/got" "$TMP/want" "hist: a row per bucket, [lo, hi) with K/M/G/T units, count and bar"
is "$(awk '{ print substr($0, 18, 8) + 0 != 0 }' "$TMP/rows" | sed -n '1p;$p' | paste -sd' ')" "1 1" \
	"hist: no empty leading or trailing bucket"
rows @l >"$TMP/got"
hist_text work.lhist >"$TMP/want"
same "$TMP/got" "$TMP/want" "lhist: (..., min), [lo, hi), [max, ...) rows"
is "$(awk '{ print substr($0, 18, 8) + 0 != 0 }' "$TMP/rows" | sed -n '1p;$p' | paste -sd' ')" "1 1" \
	"lhist: no empty leading or trailing bucket"

# keyed maps: sorted by value, largest last (keys in the opposite order);
# multi-key; string and integer values
"$PLUMB" -q -c "calls -t 1 -n 20 -q" 'p:calls:compute { @s[3 - arg0 % 4] = sum(arg0); @neg[arg0 % 3] = sum(-arg0);
	@x[arg0 % 2, comm] = count(); @str = comm; @last = arg0; @mn[arg0 % 2] = min(arg0 - 10);
	@st[arg0 % 2] = stats(arg0); @hk[arg0 % 2] = lhist(arg0, 0, 20, 5); }' >"$TMP/out" 2>"$TMP/err"
# compute(i), i = 0..19; key k of @s holds the i with i % 4 == 3 - k
awk 'BEGIN {
	print "@hk[0]:"
	for (lo = 0; lo < 20; lo += 5) { n = 0; for (i = 0; i < 20; i += 2) if (i >= lo && i < lo + 5) n++; c0[lo] = n }
	for (lo = 0; lo < 20; lo += 5) { n = 0; for (i = 1; i < 20; i += 2) if (i >= lo && i < lo + 5) n++; c1[lo] = n }
	for (lo = 0; lo < 20; lo += 5) row(lo, c0[lo], 3)
	print ""; print "@hk[1]:"
	for (lo = 0; lo < 20; lo += 5) row(lo, c1[lo], 3)
	print ""
	print "@last: 19"
	print "@mn[0]: -10"; print "@mn[1]: -9"; print ""
	for (i = 0; i < 20; i++) ng[i % 3] -= i
	print "@neg[1]: " ng[1]; print "@neg[0]: " ng[0]; print "@neg[2]: " ng[2]; print ""
	for (i = 0; i < 20; i++) s[3 - i % 4] += i
	for (k = 3; k >= 0; k--) print "@s[" k "]: " s[k]
	print ""
	print "@st[0]: count 10, average 9, total 90"; print "@st[1]: count 10, average 10, total 100"; print ""
	print "@str: calls"
	print "@x[0, calls]: 10"; print "@x[1, calls]: 10"; print "" }
	function row(lo, n, max,   bar, b) { bar = ""; for (b = 0; b < 52; b++) bar = bar (b < int(n * 52 / max) ? "@" : " ")
		printf "%-16s %8d |%s|\n", "[" lo ", " lo + 5 ")", n, bar }' >"$TMP/want"
same "$TMP/out" "$TMP/want" "keyed, multi-key, negative, string and keyed lhist maps, sorted by value ($(head -1 "$TMP/err"))"

# --- JSON -----------------------------------------------------------------------
"$PLUMB" -q -j -c "calls -t 2 -n 300 >$GT" 'p:calls:work { @c = count(); @s = sum(arg0); @mn = min(arg0);
	@mx = max(arg0); @a = avg(arg0); @st = stats(arg0); @h = hist(arg0); @l = lhist(arg0, -10, 10, 5);
	@k[arg0 < 0, comm] = count(); @hk[arg0 < 0] = hist(arg0); @ak[tid % 1] = avg(arg0);
	@stk[tid % 1] = stats(arg0); @str = comm; }' >"$TMP/out" 2>"$TMP/err"
is "$?" 0 "JSON: plumb ran ($(head -1 "$TMP/err"))"
is "$(jq -c . "$TMP/out" 2>&1 | wc -l)" "$(wc -l <"$TMP/out")" "JSON: every line is one JSON value"
is "$(head -1 "$TMP/out")" '{"type":"attached_probes","data":{"probes":1}}' "JSON: attached_probes first"
work_args 2 300 >"$TMP/x"
calls=$(gt "$GT" work.calls) sum=$(gt "$GT" work.sum) avg=$(gt "$GT" work.avg)
neg=$(awk '$1 < 0' "$TMP/x" | wc -l)
jl() { jq -c --arg m "$1" 'select(.data[$m] != null)' "$TMP/out"; }
is "$(jl @c)" "{\"type\":\"map\",\"data\":{\"@c\":$calls}}" "JSON: count"
is "$(jl @s)" "{\"type\":\"map\",\"data\":{\"@s\":$sum}}" "JSON: sum"
is "$(jl @mn)$(jl @mx)" "{\"type\":\"map\",\"data\":{\"@mn\":$(gt "$GT" work.min)}}{\"type\":\"map\",\"data\":{\"@mx\":$(gt "$GT" work.max)}}" \
	"JSON: min, max"
is "$(jl @a)" "{\"type\":\"stats\",\"data\":{\"@a\":$avg}}" "JSON: avg"
is "$(jl @st)" "{\"type\":\"stats\",\"data\":{\"@st\":{\"count\":$calls,\"average\":$avg,\"total\":$sum}}}" \
	"JSON: stats"
is "$(jl @ak)" "{\"type\":\"stats\",\"data\":{\"@ak\":{\"0\":$avg}}}" "JSON: keyed avg"
is "$(jl @stk)" "{\"type\":\"stats\",\"data\":{\"@stk\":{\"0\":{\"count\":$calls,\"average\":$avg,\"total\":$sum}}}}" \
	"JSON: keyed stats"
is "$(jl @str)" '{"type":"map","data":{"@str":"calls"}}' "JSON: a string value"
is "$(jq -c '.data["@k"] // empty | to_entries | sort_by(.key) | from_entries' "$TMP/out")" \
	"{\"0,calls\":$((calls - neg)),\"1,calls\":$neg}" "JSON: multi-key map, keys joined by a comma"
is "$(jl @k | jq -r .type)" map "JSON: multi-key map type"
# lhist(x, -10, 10, 5): no min below -10, no max from 10 on, bounds inclusive
awk '{ if ($1 < -10) b = 0; else if ($1 >= 10) b = 5; else b = 1 + int(($1 + 10) / 5); n[b]++ }
	END { lo = 0; hi = 5; while (!n[lo]) lo++; while (!n[hi]) hi--
	  s = ""
	  for (b = lo; b <= hi; b++) {
		o = b == 0 ? "{" : sprintf("{\"min\":%d,", -10 + 5 * (b - 1))
		if (b < 5) o = o sprintf("\"max\":%d,", b == 0 ? -11 : -10 + 5 * b - 1)
		s = s (b > lo ? "," : "") o "\"count\":" (n[b] + 0) "}"
	  }
	  print "{\"type\":\"hist\",\"data\":{\"@l\":[" s "]}}" }' "$TMP/x" >"$TMP/want"
is "$(jl @l)" "$(cat "$TMP/want")" "JSON: lhist with an underflow and an overflow bucket"
# keyed hist: {"@hk":{"0":[...],"1":[...]}}, negative values in one bucket
is "$(jq -c '.data["@hk"]["1"] // empty' "$TMP/out")" "[{\"max\":-1,\"count\":$neg}]" \
	"JSON: keyed hist, the negative bucket has no min"
awk '$1 == "work.hist" && $2 != "-inf" { printf "%s%s-%.0f:%s", (n++ ? "," : ""), $2, $3 - 1, $4 }' "$GT" >"$TMP/want"
is "$(jq -r '.data["@hk"]["0"] // empty | map(select(.count > 0) | "\(.min)-\(.max):\(.count)") | join(",")' "$TMP/out")" \
	"$(cat "$TMP/want")" "JSON: keyed hist, the other key's buckets [min, max] inclusive"
is "$(jq -r '.data["@h"] // empty | map(.count) | add' "$TMP/out")" "$calls" "JSON: hist counts add up"

# strings in JSON: quote, backslash and control characters escaped
"$PLUMB" -q -j 'BEGIN { @k["a\"b\\c\td"] = count(); @s = "q\"\\"; printf("x\x01y\n"); exit(); }' \
	>"$TMP/out" 2>"$TMP/err"
is "$(cat "$TMP/out" "$TMP/err")" '{"type":"attached_probes","data":{"probes":1}}
{"type":"printf","data":"x\u0001y\n"}
{"type":"map","data":{"@k":{"a\"b\\c\td":1}}}
{"type":"map","data":{"@s":"q\"\\"}}' "JSON: strings escaped"
is "$(jq -j 'select(.type == "map") | .data["@k"] // empty | keys[0]' "$TMP/out")$(jq -j 'select(.type == "map") | .data["@s"] // empty' "$TMP/out")" \
	"$(printf 'a"b\\c\td')$(printf 'q"\\')" "JSON: the escaped strings read back as they were"

# --- lost events -------------------------------------------------------------------
# A reader that does not read for 2 s while querysim fires 60000 probes,
# each a record of more than 256 bytes (4 MB of ring buffer hold ~15000):
# what is printed and what is reported lost must add up to every event.
PROG='u:memsqld:querystart(char *q) { printf("%d%.0s\n", tid, str(q, 256)); }'
"$PLUMB" -q -c "memsqld -t 2 -n 30000 >$GT" "$PROG" 2>"$TMP/err" | (sleep 2; cat) >"$TMP/out"
printed=$(wc -l <"$TMP/out")
lost=$(sed -n 's/^plumb: \([0-9]*\) events\{0,1\} lost.*/\1/p' "$TMP/err")
[ "${lost:-0}" -gt 0 ] || diag "no event was lost: the ring buffer did not overflow"
is "$((printed + ${lost:-0}))" "$(gt "$GT" querystart.calls)" \
	"text: printed + reported lost = every event ($printed + ${lost:-none})"
is "$(grep -cv ' lost: ' "$TMP/err")" 0 "text: the lost count is the only thing on stderr"
"$PLUMB" -q -j -c "memsqld -t 2 -n 30000 >$GT" "$PROG" 2>"$TMP/err" | (sleep 2; cat) >"$TMP/out"
printed=$(jq -c 'select(.type == "printf")' "$TMP/out" | wc -l)
lost=$(jq -r 'select(.type == "lost_events") | .data.events' "$TMP/out")
[ "${lost:-0}" -gt 0 ] || diag "no event was lost: the ring buffer did not overflow"
is "$((printed + ${lost:-0}))" "$(gt "$GT" querystart.calls)" \
	"JSON: printf lines + lost_events = every event ($printed + ${lost:-none})"
is "$(jq -c 'select(.type == "lost_events") | keys' "$TMP/out")" '["data","type"]' \
	"JSON: {\"type\":\"lost_events\",\"data\":{\"events\":N}}"
is "$(cat "$TMP/err")" "" "JSON: nothing on stderr"

# --- pipelines ------------------------------------------------------------------------
# head -3 closes the pipe; plumb must end at once, with status 0, silently
# (the target would run for 30 s and more; -t 25s only guards against a hang)
leftovers() {
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/exe" 2>/dev/null)" = "$TARGETS/calls" ] && echo "${p#/proc/}"
	done
}
mkfifo "$TMP/fifo"
for j in "" -j; do
	start=$(date +%s)
	# shellcheck disable=SC2086
	"$PLUMB" -q $j -t 25s -c 'calls -t 1 -n 30000 -s -q' 'p:calls:compute { printf("%d\n", arg0); }' \
		>"$TMP/fifo" 2>"$TMP/err" &
	pid=$!
	head -3 <"$TMP/fifo" >"$TMP/out"
	wait $pid
	rc=$?
	took=$(($(date +%s) - start))
	if [ -z "$j" ]; then
		is "$(cat "$TMP/out")" "0
1
2" "| head -3: the first three events"
	else
		is "$(jq -c '.data' "$TMP/out")" '{"probes":1}
"0\n"
"1\n"' "-j | head -3: attached_probes, then the first events"
	fi
	is "$rc" 0 "${j:+-j }| head -3: status 0"
	is "$(cat "$TMP/err")" "" "${j:+-j }| head -3: nothing on stderr"
	ok "$([ "$took" -lt 15 ] && echo 0 || echo 1)" "${j:+-j }| head -3: plumb ended at once (${took}s)"
	# the -c command ends with plumb (waiting up to 3 s for it to go)
	for _ in $(seq 30); do [ -z "$(leftovers)" ] && break; sleep 0.1; done
	is "$(leftovers)" "" "${j:+-j }| head -3: the -c command is stopped too"
	for p in $(leftovers); do kill "$p" 2>/dev/null; done
done

# --- -t -------------------------------------------------------------------------------
for d in 300ms:300 1s:1000 1:1000 2ms:2; do
	arg=${d%%:*} want=${d#*:}
	start=$(date +%s%N)
	"$PLUMB" -q -t "$arg" 'END { printf("%d\n", elapsed / 1000000); }' >"$TMP/out" 2>"$TMP/err"
	rc=$?
	took=$((($(date +%s%N) - start) / 1000000))
	is "$rc" 0 "-t $arg: status 0"
	e=$(cat "$TMP/out")
	ok "$([ "${e:-0}" -ge "$want" ] && [ "${e:-0}" -le "$took" ] && echo 0 || echo 1)" \
		"-t $arg: stopped after ${want} ms (elapsed ${e:-?} ms, ${took} ms by the clock)"
done
"$PLUMB" -q -t 0.5s 'BEGIN { }' >"$TMP/out" 2>"$TMP/err"
is "$?" 2 "-t 0.5s: a usage error"

done_testing
