#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# uprobes and uretprobes on a multi-threaded target: every aggregation
# must equal the target's own ground truth, number for number.
. "$(dirname "$0")/lib.sh"

need_kernel
need_cmd jq
use_targets
GT="$TMP/gt"

# trace PROGRAM [TARGET ARGS]: JSON lines in $TMP/out, ground truth in $GT
trace() {
	prog=$1
	shift
	"$PLUMB" -q -j -c "calls $* >$GT" "$prog" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	[ "$rc" = 0 ] || diag "plumb failed ($rc): $(cat "$TMP/err")"
}

# Scalar value of a map, from the JSON lines.
jv() {
	jq -r --arg m "$1" 'select(.data[$m] != null) | .data[$m] | tostring' "$TMP/out"
}

trace 'p:calls:work {
	@count = count(); @sum = sum(arg0); @min = min(arg0); @max = max(arg0);
	@avg = avg(arg0); @stats = stats(arg0);
}' -t 4 -n 2000
is "$rc" 0 "plumb ran the scalar aggregations"
is "$(jv @count)" "$(gt "$GT" work.calls)" "count() of work"
is "$(jv @sum)" "$(gt "$GT" work.sum)" "sum(arg0)"
is "$(jv @min)" "$(gt "$GT" work.min)" "min(arg0) (negative)"
is "$(jv @max)" "$(gt "$GT" work.max)" "max(arg0)"
is "$(jv @avg)" "$(gt "$GT" work.avg)" "avg(arg0)"
is "$(jv @stats)" "{\"count\":$(gt "$GT" work.calls),\"average\":$(gt "$GT" work.avg),\"total\":$(gt "$GT" work.sum)}" \
	"stats(arg0)"

trace 'p:calls:work { @h = hist(arg0); @l = lhist(arg0, 0, 1000, 100); }' -t 4 -n 3000
# ground truth rows "work.hist LO HI COUNT", [LO, HI); JSON buckets are inclusive
awk '$1 == "work.hist" { lo = $2 == "-inf" ? "-" : $2; hi = $3 == "inf" ? "-" : $3 - 1;
	printf "%s %s %s\n", lo, hi == "-" ? "-" : sprintf("%.0f", hi), $4 }' "$GT" >"$TMP/want-h"
jq -r '.data["@h"] // empty | .[] | select(.count > 0) |
	"\(.min // "-") \(.max // "-") \(.count)"' "$TMP/out" >"$TMP/got-h"
is "$(cat "$TMP/got-h")" "$(cat "$TMP/want-h")" "hist(arg0): every non-empty bucket"
awk '$1 == "work.lhist" { lo = $2 == "-inf" ? "-" : $2; hi = $3 == "inf" ? "-" : $3 - 1;
	printf "%s %s %s\n", lo, hi == "-" ? "-" : sprintf("%.0f", hi), $4 }' "$GT" >"$TMP/want-l"
jq -r '.data["@l"] // empty | .[] | select(.count > 0) |
	"\(.min // "-") \(.max // "-") \(.count)"' "$TMP/out" >"$TMP/got-l"
is "$(cat "$TMP/got-l")" "$(cat "$TMP/want-l")" "lhist(arg0, 0, 1000, 100): every non-empty bucket"

trace 'r:calls:work { @w = sum(retval); } r:calls:compute { @c = sum(retval); }' -t 3 -n 1000
is "$(jv @w)" "$(gt "$GT" work.retsum)" "uretprobe: sum(retval) of work"
is "$(jv @c)" "$(gt "$GT" compute.retsum)" "uretprobe: sum(retval) of compute"

trace 'p:calls:add6 {
	@a0 = sum((int32)arg0); @a1 = sum(arg1); @a2 = sum((int16)arg2);
	@a3 = sum(arg3); @a4 = sum((uint8)arg4); @a5 = sum(arg5);
}' -t 2 -n 500
for i in 0 1 2 3 4 5; do
	is "$(jv "@a$i")" "$(gt "$GT" "add6.arg$i.sum")" "arg$i in the SysV register"
done

trace 'p:calls:add6(int a, long b, short c, long d, unsigned char e, long f) {
	@a = sum(a); @c = sum(c); @e = sum(e); @f = sum(f);
}' -t 2 -n 500
is "$(jv @a)" "$(gt "$GT" add6.arg0.sum)" "signature: int a is sign-extended"
is "$(jv @c)" "$(gt "$GT" add6.arg2.sum)" "signature: short c"
is "$(jv @e)" "$(gt "$GT" add6.arg4.sum)" "signature: unsigned char e"
is "$(jv @f)" "$(gt "$GT" add6.arg5.sum)" "signature: long f"

trace 'p:calls:work { @[tid] = count(); @s[tid] = sum(arg0); }' -t 4 -n 1500
want=$(awk '$1 == "tid" { print $2, $4 }' "$GT" | sort)
got=$(jq -r '.data["@"] // empty | to_entries[] | "\(.key) \(.value)"' "$TMP/out" | sort)
is "$got" "$want" "@[tid] = count(): one key per thread, exact"
is "$(jq -r '.data["@s"] // empty | [.[]] | add' "$TMP/out")" "$(gt "$GT" work.sum)" \
	"@s[tid] = sum(arg0): the per-thread sums add up"

trace 'p:calls:wild_* { @[func] = count(); }' -t 2 -n 700
for f in wild_alpha wild_beta wild_gamma; do
	is "$(jq -r --arg f "$f" '.data["@"] // empty | .[$f]' "$TMP/out")" \
		"$(gt "$GT" "$f.calls")" "wildcard: $f counted under its own name"
done

trace 'p:calls:tick, p:calls:thread_start { @[probe] = count(); }' -t 3 -n 400
is "$(jq -r '.data["@"] // empty | to_entries | map(.value) | sort | join(" ")' "$TMP/out")" \
	"$(gt "$GT" thread_start.calls) $(gt "$GT" tick.calls)" "two probes, one clause, @[probe]"

# the text format, on the same numbers
"$PLUMB" -q -c "calls -t 2 -n 100 >$GT" 'p:calls:work { @n = count(); @s = sum(arg0); }' \
	>"$TMP/text" 2>"$TMP/err"
is "$(cat "$TMP/text")" "@n: $(gt "$GT" work.calls)
@s: $(gt "$GT" work.sum)" "text output of scalar maps"

done_testing
