#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Probes only where an instruction starts (no kernel needed): the x86
# decoder's instruction boundaries against objdump's, its verdict on what
# the kernel's uprobes do with an instruction, and the located refusals of
# offsets and addresses that are not instruction starts in code.
. "$(dirname "$0")/cases.sh"

export PATH="$TARGETS:$PATH"
S="$TARGETS/safety"
[ -x "$S" ] && [ -x "$UNITDIR/dump-insns" ] || skip_all "test targets not built"
need_cmd objdump
need_cmd nm

run_cases "$SRCDIR/t/data/probe-safety.cases"

# hex("0x1a") in awk (mawk has no strtonum)
HEX='function hex(s,  i, n) { n = 0; s = tolower(s); sub(/^0x/, "", s); for (i = 1; i <= length(s); i++) n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1; return n }'

# objdump's instruction addresses in FUNC, below END (it may go on into
# the alignment padding after the symbol's size)
objdump_starts() {
	objdump -d --disassemble="$2" "$1" |
		awk -F'\t' -v end="$3" "$HEX"' /^ *[0-9a-f]+:\t/ && NF >= 3 {
			a = $1; sub(/^ */, "", a); sub(/:$/, "", a)
			if (hex(a) < hex(end)) print "0x" a }'
}

for f in "$S mix" "$S swap8" "$S vexones" "$S main" "$TARGETS/calls work" \
	 "$TARGETS/querysim main"; do
	set -- $f
	"$UNITDIR/dump-insns" "$1" "$2" >"$TMP/insns" 2>&1
	end=$(awk '$1 == "end" { print $2 }' "$TMP/insns")
	decoded=$(awk '$1 == "end" { print $4 }' "$TMP/insns")
	is "$decoded" "$end" "$(basename "$1") $2: decoded to the end of the function"
	awk '$1 != "end" { print $1 }' "$TMP/insns" >"$TMP/ours"
	objdump_starts "$1" "$2" "$end" >"$TMP/theirs"
	[ -s "$TMP/theirs" ] || diag "objdump printed nothing for $2"
	same "$TMP/ours" "$TMP/theirs" "$(basename "$1") $2: instruction starts equal objdump's"
done

# What arch/x86/kernel/uprobes.c (6.18) does with these bytes.
"$UNITDIR/dump-insns" classify \
	55 4154 4855 6655 f30f1efa 4889e5 c3 ffe0 0f05 \
	e800000000 66e800000000 eb00 e900000000 7403 0f8400000000 \
	90 6690 0f1f00 0f1f4000 0f1f440000 660f1f440000 0f1f8000000000 0f1f840000000000 f390 \
	662e0f1f840000000000 f00fc107 3effe0 cc cd80 8ed0 \
	4990 c5f174c9 c5fa7f0f c5f1efc9 c5f877 c5f1fec9 >"$TMP/cls"
cat >"$TMP/want" <<'WANT'
55 emulated
4154 emulated
4855 stepped
6655 stepped
f30f1efa stepped
4889e5 stepped
c3 stepped
ffe0 stepped
0f05 stepped
e800000000 emulated
66e800000000 refused
eb00 emulated
e900000000 emulated
7403 emulated
0f8400000000 emulated
90 emulated
6690 emulated
0f1f00 emulated
0f1f4000 emulated
0f1f440000 emulated
660f1f440000 emulated
0f1f8000000000 emulated
0f1f840000000000 emulated
f390 emulated
662e0f1f840000000000 refused
f00fc107 refused
3effe0 refused
cc refused
cd80 refused
8ed0 refused
4990 misrun
c5f174c9 misrun
c5fa7f0f misrun
c5f1efc9 refused
c5f877 misrun
c5f1fec9 stepped
WANT
same "$TMP/cls" "$TMP/want" "each instruction classified as the kernel treats it"

# Addresses (they move with the build, so they come from the binary)
addr_of() { objdump -d --disassemble="$2" "$S" | awk -F'\t' -v m="$3" \
	'NF >= 3 && $3 ~ m { a = $1; sub(/^ */, "", a); sub(/:$/, "", a); print "0x" a; exit }'; }
mix=$(printf '%#x' "0x$(nm "$S" | awk '$3 == "mix" { print $1 }')")
mid=$(printf '%#x' $((mix + 1)))
"$PLUMB" -n "p:safety:$mid { @ = count(); }" >"$TMP/out" 2>"$TMP/err"
is "$?" 2 "an address inside an instruction: exit 2"
like "$(cat "$TMP/err")" "^<cmdline>:1:10: error: $mid is inside the [0-9]+-byte instruction '[^']+' at $mix \\(mix\\+0\\); nearest instruction starts: $mix \\(mix\\+0\\), 0x[0-9a-f]+ \\(mix\\+0x[0-9a-f]+\\)" \
	"... says so with the nearest starts"
like "$(sed -n 3p "$TMP/err")" '^         \^+$' "... caret under the address"

vpc=$(addr_of safety vexones vpcmpeqb)
"$PLUMB" -n "p:safety:$vpc { @ = count(); }" >"$TMP/out" 2>"$TMP/err"
is "$?" 2 "vpcmpeqb (VEX 0f 74, a jcc to the kernel) is refused"
like "$(cat "$TMP/err")" "error: $vpc is 'vpcmpeqb [^']+': the kernel takes this VEX-encoded instruction for a branch or a nop and would skip it" \
	"... with the reason"

# unsafe_spot is a label with no type and no size: code in no function.
spot=$(printf '%#x' "0x$(nm "$S" | awk '$3 == "unsafe_spot" { print $1 }')")
"$PLUMB" -n "p:safety:$spot { @ = count(); }" >"$TMP/out" 2>"$TMP/err"
is "$?" 2 "an address outside any function is refused"
like "$(head -1 "$TMP/err")" "error: $spot is not inside any function of $S \\(it is in \\.text\\); --unsafe attaches there unchecked" \
	"... and names --unsafe"
"$PLUMB" -n --unsafe "p:safety:$spot { @ = count(); }" >"$TMP/out" 2>"$TMP/err"
is "$?" 0 "--unsafe accepts it"
"$PLUMB" -n -v --unsafe "p:safety:$spot { @ = count(); }" >"$TMP/out" 2>"$TMP/err"
like "$(head -1 "$TMP/err")" "note: $spot is outside any known function of $S: attached unchecked \\(--unsafe\\)" \
	"... and -v says it is unchecked"
"$PLUMB" -n --unsafe "p:safety:unsafe_spot { @ = count(); }" >"$TMP/out" 2>"$TMP/err"
is "$?" 0 "--unsafe accepts it by its name"
"$PLUMB" -n "p:safety:unsafe_spot { @ = count(); }" >"$TMP/out" 2>"$TMP/err"
like "$(head -1 "$TMP/err")" "error: 'unsafe_spot' is not a function of $S; --unsafe attaches there unchecked" \
	"... which without --unsafe is refused as no function"
# what the kernel would decode there is still judged: the padding after
# mix is a nopw with a cs prefix, which the kernel refuses
end=$("$UNITDIR/dump-insns" "$S" mix | awk '$1 == "end" { print $2 }')
if "$UNITDIR/dump-insns" classify "$(objdump -d --start-address="$end" --stop-address=$((end + 15)) "$S" |
	awk -F'\t' 'NF >= 3 { gsub(/ /, "", $2); print $2; exit }')" | grep -q refused; then
	"$PLUMB" -n --unsafe "p:safety:$end { @ = count(); }" >"$TMP/out" 2>"$TMP/err"
	like "$(head -1 "$TMP/err")" "error: $end would be probed as '[^']+': the kernel refuses uprobes" \
		"--unsafe still refuses an instruction the kernel refuses"
else
	skip "the padding after mix is not one the kernel refuses in this build"
fi

"$PLUMB" -h >"$TMP/out"
like "$(cat "$TMP/out")" '--unsafe' "--help documents --unsafe"
done_testing
