#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# str(p, n) with a run-time n and reg() (issue 9, items 6 and 7). The
# strreg target passes pointer + length pairs cut from a buffer with no
# NUL (as the JVM's hotspot:class__loaded does) and prints each pair's
# text; every key plumb makes must be that text, byte for byte, cut to
# the string size, for n = 0, negative n and n past -s. For reg(), it
# calls leaf() from two callers a known number of times each.
. "$(dirname "$0")/lib.sh"

need_kernel
use_targets

# want S [CAP]: "n|text" as plumb must see it: n characters, clamped to
# 0 .. S - 1 (and to CAP when given), from the target's "name N TEXT".
want() {
	awk -v s="$1" -v cap="${2:--1}" '$1 == "name" {
		k = $2 < 0 ? 0 : $2; if (k > s - 1) k = s - 1
		if (cap >= 0 && k > cap) k = cap
		print $2 "|" substr($3, 1, k) }' "$TMP/gt" | sort
}

# got: "n|text" from plumb's -j output of @[n, str(...)].
got() {
	jq -r '.data["@"] // {} | keys[] ' "$TMP/out" | sed 's/,/|/' | sort
}

for s in 64 8 2 256; do
	for probe in 'u:strreg:loaded(char *p, long n)' 'usdt:strreg:strreg:loaded'; do
		case $probe in
		u:*) p=p n=n ;;
		*) p=arg0 n=arg1 ;;
		esac
		run_plumb -q -j -s "$s" -c "strreg names >$TMP/gt" \
			"$probe { @[$n, str($p, $n)] = count(); }"
		is "$rc" 0 "str(p, n), -s $s, ${probe%%:*}: plumb ran ($(head -1 "$TMP/err"))"
		is "$(got)" "$(want "$s")" "str(p, n), -s $s, ${probe%%:*}: every key is the target's text"
	done
done

# Same text from reads whose next bytes differ: one key, so the bytes
# after the NUL are zero (strings compare as words).
run_plumb -q -j -c "strreg names >$TMP/gt" \
	'u:strreg:loaded(char *p, long n) { $k = n > 4 ? 4 : n; @[str(p, $k)] = count(); }'
is "$rc" 0 "str(p, \$k): plumb ran ($(head -1 "$TMP/err"))"
is "$(jq -cS '.data["@"] // empty' "$TMP/out")" \
	"$(want 64 4 | cut -d'|' -f2 | sort | uniq -c | awk '{ printf "%s\"%s\":%d", n++ ? "," : "{", $2, $1 }
		END { print "}" }' | jq -cS .)" \
	"str(p, \$k) of one text from different places is one key (zero after the NUL)"

# A string cut at a run-time length: str(str(p), n), and comm.
run_plumb -q -j -c "strreg names >$TMP/gt" \
	'u:strreg:loaded(char *p, long n) { @[n, str(str(p), n)] = count(); }'
is "$(got)" "$(want 64)" "str(str(p), n): a string cut at a run-time n"
run_plumb -q -j -c "strreg names >$TMP/gt" \
	'u:strreg:loaded(char *p, long n) { @[n, str(comm, n)] = count(); }'
is "$(got)" "$(awk '$1 == "name" { k = $2 < 0 ? 0 : $2
	print $2 "|" substr("strreg", 1, k) }' "$TMP/gt" | sort)" "str(comm, n)"

# --- reg(): at a function's entry the return address is at the stack pointer
callers() {
	awk '$1 ~ /^caller_/ { print "@[" $1 "]: " $2 }' "$TMP/gt" | sort
}
run_plumb -q -c "strreg callers 7 3 >$TMP/gt" \
	'p:strreg:leaf { @[usym(*(u64 *)reg("sp"))] = count(); }'
is "$rc" 0 "reg(\"sp\"): plumb ran ($(head -1 "$TMP/err"))"
is "$(grep . "$TMP/out" | sed 's/+0x[0-9a-f]*\]/]/' | sort)" "$(callers)" \
	"usym(*(u64 *)reg(\"sp\")) at leaf's entry: each caller, as often as the target called"
run_plumb -q -c "strreg callers 2 5 >$TMP/gt" \
	'p:strreg:leaf { @[usym(reg("ip")), reg("ip") == *(u64 *)reg("sp")] = count(); }'
is "$(grep . "$TMP/out")" "@[leaf, false]: 7" "usym(reg(\"ip\")) at leaf's entry is leaf, 2 + 5 times"
# arg0 is di, retval is ax: reg() reads the same pt_regs
run_plumb -q -c "strreg callers 4 4 >$TMP/gt" \
	'p:strreg:leaf { @a[arg0 == reg("di")] = count(); }
	 uretprobe:strreg:leaf { @r[retval == reg("ax")] = count(); }'
is "$(grep . "$TMP/out" | sort | tr '\n' ' ')" "@a[true]: 8 @r[true]: 8 " \
	"reg(\"di\") is arg0 and reg(\"ax\") is retval on every call"
run_plumb -q -c "strreg names >$TMP/gt" \
	'usdt:strreg:strreg:loaded { @[reg("sp") != 0, reg("ip") == 0] = count(); }'
is "$(grep . "$TMP/out")" "@[true, false]: $(grep -c '^name ' "$TMP/gt")" "reg() in a USDT probe"

done_testing
