#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Probes only where an instruction starts, against the live kernel: every
# refused spec leaves the traced program's results (and its read-only
# string) as they are without plumb; a probe at an instruction start
# inside a function counts exactly; --unsafe; the -v note on single-steps.
. "$(dirname "$0")/lib.sh"

need_kernel
need_cmd objdump
need_cmd nm
use_targets
S="$TARGETS/safety"
[ -x "$S" ] || skip_all "test targets not built"

HEX='function hex(s,  i, n) { n = 0; s = tolower(s); sub(/^0x/, "", s); for (i = 1; i <= length(s); i++) n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1; return n }'
# the Nth instruction address of FUNC (1-based), or the first whose
# mnemonic matches /RE/
insn_addr() {
	objdump -d --disassemble="$1" "$S" | awk -F'\t' -v n="$2" -v re="${3:-}" '
		/^ *[0-9a-f]+:\t/ && NF >= 3 { k++; a = $1; sub(/^ */, "", a); sub(/:$/, "", a)
			if ((re == "" && k == n) || (re != "" && $3 ~ re)) { print "0x" a; exit } }'
}
sym() { printf '%#x' "0x$(nm "$S" | awk -v s="$1" '$3 == s { print $1 }')"; }

N=600
"$S" -n $N >"$TMP/base"
motto_line="motto a probe never changes what the traced program computes"
is "$(grep '^motto ' "$TMP/base")" "$motto_line" "the target prints its read-only string"

mix=$(sym mix)
motto=$(sym motto)
vpc=$(insn_addr vexones 0 '^vpcmpeqb')
spot=$(sym unsafe_spot)
refused="mix+1 $(printf '%#x' $((mix + 1))) swap8+0xa swapfirst $vpc motto $motto 10 $spot"

# One sleepy run of the target spans every refused attempt.
"$S" -s -n $N >"$TMP/during" &
tpid=$!
for spec in $refused; do
	run_plumb -q -t 300ms "p:safety:$spec { @ = count(); }"
	is "$rc" 2 "p:safety:$spec is refused (exit 2)"
	like "$(head -1 "$TMP/err")" "^<cmdline>:1:[0-9]+: error: " "... with a located error"
done
run_plumb -q -t 300ms --unsafe "p:safety:$motto { @ = count(); }"
is "$rc" 2 "--unsafe does not allow an address in .rodata"
kill -0 "$tpid" 2>/dev/null
ok $? "the target was running all along"
wait "$tpid"
same "$TMP/during" "$TMP/base" "its results are those of a run without plumb"
is "$(grep '^motto ' "$TMP/during")" "$motto_line" "its read-only string reads back unchanged"
"$S" -n $N >"$TMP/after"
same "$TMP/after" "$TMP/base" "a process started afterwards computes the same"

# An instruction start inside mix, before its branch: once a call.
second=$(insn_addr mix 2)
off=$(printf '%#x' $((second - mix)))
run_plumb -q -c "$S -n $N" "p:safety:mix+$off { @ = count(); }"
is "$rc" 0 "p:safety:mix+$off attaches"
is "$(awk '$1 == "@:" { print $2 }' "$TMP/out")" "$(gt "$TMP/base" mix.calls)" \
	"... and counts every call exactly"
grep -v '^@' "$TMP/out" >"$TMP/res"
same "$TMP/res" "$TMP/base" "... without changing the results"

# The start of the branch taken when (v & 7) == 3, by address.
odd=$(objdump -d --disassemble=mix "$S" | awk -F'\t' 'NF >= 3 && $3 ~ /^j[a-z]+ / { split($3, w, " "); print "0x" w[2]; exit }')
run_plumb -q -c "$S -n $N" "p:safety:$odd { @ = count(); }"
is "$rc" 0 "p:safety:$odd (the odd path) attaches"
is "$(awk '$1 == "@:" { print $2 }' "$TMP/out")" "$(gt "$TMP/base" mix.odd)" \
	"... and counts the path exactly"
grep -v '^@' "$TMP/out" >"$TMP/res"
same "$TMP/res" "$TMP/base" "... without changing the results"

# --unsafe: unsafe_spot is code in no function, called once an iteration.
run_plumb -q --unsafe -c "$S -n $N" "p:safety:$spot { @ = count(); }"
is "$rc" 0 "--unsafe attaches outside any function"
is "$(awk '$1 == "@:" { print $2 }' "$TMP/out")" "$(gt "$TMP/base" mix.calls)" \
	"... and counts exactly"
grep -v '^@' "$TMP/out" >"$TMP/res"
same "$TMP/res" "$TMP/base" "... without changing the results"

# -v: a single-stepped instruction is named with the nearest emulated one.
run_plumb -v -c "$S -n $N" "p:safety:mix+$off { @ = count(); }"
like "$(cat "$TMP/err")" "note: mix\\+$off is '[^']+', which the kernel single-steps \\(a second trap on every hit\\); the nearest instruction it emulates is '[^']+' at mix\\+0x[0-9a-f]+" \
	"-v notes a single-stepped probe and the nearest emulated instruction"
jcc=$(insn_addr mix 0 '^j[a-z]+ ')
run_plumb -v -c "$S -n $N" "p:safety:$jcc { @ = count(); }"
is "$(grep -c 'single-steps' "$TMP/err")" 0 "no note on an emulated jcc"
is "$(awk '$1 == "@:" { print $2 }' "$TMP/out")" "$(gt "$TMP/base" mix.calls)" \
	"... which counts every call"
done_testing
