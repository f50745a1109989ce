#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Variables: $locals (one clause's, zero at its start), global maps read
# back in other probes, self->x thread-locals (the seed's latency idiom on
# multi-threaded querysim; assigning 0 deletes) and positional parameters
# as integers and strings. Truth: the targets' ground truth and the
# documented argument formulas.
. "$(dirname "$0")/lib.sh"

need_kernel
need_cmd jq
use_targets
GT="$TMP/gt"

# jv MAP [KEY]: a map's value from the JSON lines in $TMP/out
jv() {
	if [ $# = 1 ]; then
		# objects with their keys sorted: the order of keys is the
		# order of values, not under test here
		jq -r --arg m "$1" 'select(.data[$m] != null) | .data[$m] |
			if type == "object" then to_entries | sort_by(.key) | from_entries else . end |
			tostring' "$TMP/out"
	else
		jq -r --arg m "$1" --arg k "$2" 'select(.data[$m] != null) | .data[$m][$k] // empty |
			tostring' "$TMP/out"
	fi
}

# work_x T I: the argument of work() in iteration I of thread T
work_x() {
	_m=$((($2 + 7 * $1) % 64))
	if [ $_m -le 1 ]; then echo $_m
	elif [ $_m -le 5 ]; then echo $((-($2 * _m + 1)))
	elif [ $_m -le 46 ]; then _k=$((_m - 6)); echo $(((1 << _k) + ($2 & ((1 << _k) - 1))))
	else echo $(((37 * $2 + 101 * $1) % 1000)); fi
}

# --- $locals ------------------------------------------------------------------
# $x is a different variable in each clause (even of another type); $y is
# only assigned when arg0 == 3, and is 0 in every other event, whatever an
# earlier event left.
"$PLUMB" -q -j -c "calls -t 1 -n 20 -q" 'p:calls:work { $x = arg0 * 2; @w[$x] = count(); }
	p:calls:compute { $x = comm; @c[$x] = count(); if (arg0 == 3) { $y = 5; } @y[$y] = count(); }
	p:calls:compute { $x = arg0 + 1000; if (arg0 > 100) { $x = 0; } @z = sum($x); }' \
	>"$TMP/out" 2>"$TMP/err"
is "$?" 0 "locals: plumb ran ($(head -1 "$TMP/err"))"
is "$(jv @y)" '{"0":19,"5":1}' "\$y is 0 wherever it was not assigned in the event"
is "$(jv @c)" '{"calls":20}' "\$x holds a string in one clause"
is "$(jv @z)" "$((20 * 1000 + 19 * 20 / 2))" "\$x holds an integer in another clause"
want=$(for i in $(seq 0 19); do echo $(($(work_x 0 "$i") * 2)); done | sort -n | uniq -c |
	awk '{ printf "%s%s:%s", (NR > 1 ? "," : ""), $2, $1 }')
is "$(jq -r '.data["@w"] // empty | to_entries | map("\(.key):\(.value)") | join(",")' "$TMP/out" |
	tr ',' '\n' | sort -t: -k1,1n | paste -sd, -)" "$want" "\$x in a third clause: 2 * arg0 of work"

# --- global maps, read in another probe ---------------------------------------
# one thread: work(x) runs just before compute(i) in each iteration
"$PLUMB" -q -j -c "calls -t 1 -n 30 -q" 'p:calls:work { @last = arg0; @seen[arg0 & 7] = 1; }
	p:calls:compute { @prev[arg0] = @last * 3; @unset = @seen[100] + @seen[arg0 + 8]; }' \
	>"$TMP/out" 2>"$TMP/err"
want=$(for i in $(seq 0 29); do printf '%s%s:%s' "$([ "$i" -gt 0 ] && echo ,)" "$i" \
	$(($(work_x 0 "$i") * 3)); done)
is "$(jq -r '.data["@prev"] // empty | to_entries | map("\(.key):\(.value)") | join(",")' "$TMP/out" |
	tr ',' '\n' | sort -t: -k1,1n | paste -sd, -)" "$want" "@last written by work, read by compute ($(head -1 "$TMP/err"))"
is "$(jv @unset)" 0 "an element never written reads as 0"

# --- self->x: the seed's latency idiom ---------------------------------------
"$PLUMB" -q -j -c "memsqld -t 4 -n 2000 >$GT" 'u:memsqld:querystart(char *q, u64 plan) {
		self->t = nsecs; self->p = plan; }
	u:memsqld:queryend(u64 lat, u64 plan) /self->t/ {
		@n = count(); @lat = hist(nsecs - self->t); @neg = sum(nsecs < self->t);
		if (self->p == plan) { @match = count(); } else { @mismatch = count(); }
		@tid[tid] = count(); self->t = 0; }' >"$TMP/out" 2>"$TMP/err"
is "$?" 0 "latency idiom: plumb ran ($(head -1 "$TMP/err"))"
is "$(jv @n)" "$(gt "$GT" queryend.calls)" "completed querystart/queryend pairs = queryend.calls"
is "$(jv @match)" "$(gt "$GT" queryend.calls)" "self->p set by querystart is the plan queryend sees"
is "$(jv @mismatch)" "" "no thread sees another thread's self->p"
is "$(jv @neg)" 0 "nsecs - self->t is never negative"
is "$(jq -r '.data["@lat"] // empty | map(.count) | add' "$TMP/out")" "$(gt "$GT" queryend.calls)" \
	"hist(nsecs - self->t) holds every pair"
is "$(jq -r '.data["@tid"] // empty | to_entries | map("\(.key) \(.value)") | .[]' "$TMP/out" | sort)" \
	"$(awk '$1 == "tid" { print $2, $4 }' "$GT" | sort)" "pairs per thread"

# a thread-local never assigned in this thread reads as 0: one "first"
# per thread
"$PLUMB" -q -j -c "calls -t 5 -n 100 >$GT" 'p:calls:tick /self->seen == 0/ { @first = count(); self->seen = 1; }
	p:calls:tick { self->n += 1; @max = max(self->n); }' >"$TMP/out" 2>"$TMP/err"
is "$(jv @first)" "$(gt "$GT" threads)" "self->seen is 0 the first time in each thread ($(head -1 "$TMP/err"))"
is "$(jv @max)" "$(gt "$GT" iters)" "self->n counts one thread's calls"

# assigning 0 deletes: with room for 2 thread-locals, 6 threads one after
# the other (separate processes) can each hold self->x only if the
# previous ones' were deleted
PLUMB_MAP_KEYS=2 "$PLUMB" -q -j -c 'for r in 1 2 3 4 5 6; do calls -t 1 -n 7 -q; done' \
	'p:calls:work { self->x = arg0 + 1000; } p:calls:compute /self->x/ { @n = count(); self->x = 0; }' \
	>"$TMP/out" 2>"$TMP/err"
is "$(jv @n)" 42 "self->x = 0 deletes it: the map never fills"
is "$(cat "$TMP/err")" "" "self->x = 0 deletes it: no update dropped"
# the same with self->x = 1: the map fills, and that is reported
PLUMB_MAP_KEYS=2 "$PLUMB" -q -j -c 'for r in 1 2 3 4 5 6; do calls -t 1 -n 7 -q; done' \
	'p:calls:work { self->x = arg0 + 1000; } p:calls:compute /self->x/ { @n = count(); self->x = 1; }' \
	>"$TMP/out" 2>"$TMP/err"
is "$(jv @n)" 14 "self->x = 1 keeps it: only 2 threads get one"
like "$(cat "$TMP/err")" "self->x: 28 updates dropped: the map is full \(2 entries" \
	"a full thread-local map is reported"

# --- positional parameters ------------------------------------------------------
"$PLUMB" -q 'BEGIN { printf("%d %s %d %d %s|%s\n", $1, $2, $1 * 3 + $3, $4, $5, $2); exit(); }' \
	7 SELECT 0x10 -5 'a b' >"$TMP/got" 2>&1
is "$(cat "$TMP/got")" "7 SELECT 37 -5 a b|SELECT" "\$1..\$5: integers (decimal, hex, negative) and strings"

# in predicates and as map keys, on querysim: plan == $1, first word == $2
"$PLUMB" -q -j -c "memsqld -t 2 -n 99 >$GT" 'u:memsqld:querystart(char *q, u64 plan) /plan == $1/ {
	@[$2, str(q, 7) == $2] = count(); }' 7 SELECT >"$TMP/out" 2>"$TMP/err"
# query i of thread t: text (t + i) % 6 (0, 1, 4 start with SELECT), plan 1 + (i + 4t) % 9
want=$(awk 'BEGIN { for (t = 0; t < 2; t++) for (i = 0; i < 99; i++) if (1 + (i + 4 * t) % 9 == 7) {
	k = (t + i) % 6; n[k == 0 || k == 1 || k == 4]++ }
	printf "{\"SELECT,0\":%d,\"SELECT,1\":%d}", n[0], n[1] }')
is "$(jv @)" "$want" "\$1 in a predicate, \$2 as a key and in a string comparison ($(head -1 "$TMP/err"))"
is "$(jq -r '.data["@"] // empty | map(.) | add' "$TMP/out")" "$(awk '$1 == "plan" && $2 == 7 { print $3 }' "$GT")" \
	"/plan == \$1/ counts plan 7's queries of the ground truth"

# a negative parameter compared with run-time values
"$PLUMB" -q -j -c "calls -t 1 -n 10 -q" 'p:calls:compute /arg0 > $1/ { @gt = count(); }
	p:calls:compute { $p = $1; @lt = sum($p < (int64)arg0); @div = sum($p / 5); }' -5 \
	>"$TMP/out" 2>"$TMP/err"
is "$(jv @gt)" 10 "/arg0 > \$1/ with \$1 = -5 ($(head -1 "$TMP/err"))"
is "$(jv @lt)" 10 "\$p = \$1 = -5: \$p < arg0"
is "$(jv @div)" -10 "\$p = \$1 = -5: \$p / 5 is -1"

# missing parameters are errors before anything runs
"$PLUMB" -n 'BEGIN { printf("%d %d\n", $1, $3); }' 1 2 >"$TMP/out" 2>"$TMP/err"
is "$?" 2 "a missing positional parameter: exit status 2"
is "$(cat "$TMP/err")" "<cmdline>:1:31: error: positional parameter \$3 is not given (2 given)
BEGIN { printf(\"%d %d\\n\", \$1, \$3); }
                              ^^" "a missing positional parameter: the diagnostic"
# unused extra parameters are fine
"$PLUMB" -q 'BEGIN { printf("%s\n", $1); exit(); }' one two three >"$TMP/out" 2>"$TMP/err"
is "$(cat "$TMP/out" "$TMP/err")" "one" "unused parameters are allowed"

done_testing
