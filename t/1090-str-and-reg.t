#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# str(p, n) with a run-time n and reg() (issue 9, items 6 and 7). The
# strreg target passes pointer + length pairs cut from a buffer with no
# NUL (as the JVM's hotspot:class__loaded does) and prints each pair's
# text; every key plumb makes must be that text, byte for byte, cut to
# the string size, for n = 0, negative n and n past -s.
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

done_testing
