#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Input has limits: a program larger than plumb takes is a located error
# read no further (under a memory limit, -f /dev/zero must not grow until
# the OOM killer comes), a read error is said as such, a NUL inside a
# string is an error, and a diagnostic on a very long line shows a window.
# The compile-time refusals (lhist width, 64 maps) are diagnostics cases.
. "$(dirname "$0")/lib.sh"

[ -x "$PLUMB" ] || skip_all "no plumb binary at $PLUMB"
big="error: the program is larger than the 1 MiB plumb accepts"

# An address-sanitized plumb reserves terabytes of address space: no
# ulimit -v for it, only the bound on what it reads.
if ldd "$PLUMB" 2>/dev/null | grep -q libasan; then
	limit=unlimited
else
	limit=300000
fi
(ulimit -v $limit && exec timeout 60 "$PLUMB" -n -f /dev/zero) >"$TMP/out" 2>"$TMP/err"
is "$?" 2 "-f /dev/zero under ulimit -v $limit: exit 2"
is "$(head -1 "$TMP/err")" "/dev/zero:1:1048577: $big" "... a located error"
ok "$([ "$(wc -c <"$TMP/err")" -lt 1000 ] && echo 0 || echo 1)" "... of a few lines"

awk 'BEGIN { for (i = 0; i < 200000; i++) print "// a comment line" }' |
	"$PLUMB" -n -f - >"$TMP/out" 2>"$TMP/err"
is "$?" 2 "3.6 MB on standard input: exit 2"
is "$(head -1 "$TMP/err")" "<stdin>:58255:5: $big" "... located where the limit is crossed"

awk 'BEGIN { for (i = 0; i < 58000; i++) print "// a comment line"; print "BEGIN { exit(); }" }' |
	"$PLUMB" -n -f - >"$TMP/out" 2>"$TMP/err"
is "$?" 0 "just under 1 MiB on standard input: accepted"

mkdir -p "$TMP/dir"
"$PLUMB" -n -f "$TMP/dir" >"$TMP/out" 2>"$TMP/err"
is "$?" 2 "-f on a directory: exit 2"
is "$(cat "$TMP/err")" "plumb: cannot read $TMP/dir: Is a directory" "... says why"
"$PLUMB" -n -f - <"$TMP/dir" >"$TMP/out" 2>"$TMP/err"
is "$(cat "$TMP/err")" "plumb: cannot read standard input: Is a directory" \
	"standard input a directory: says why"

printf 'BEGIN { printf("a\000b\\n"); exit(); }' >"$TMP/nul.bt"
"$PLUMB" -n -f "$TMP/nul.bt" >"$TMP/out" 2>"$TMP/err"
is "$?" 2 "a NUL byte in a string literal: exit 2"
is "$(cat "$TMP/err")" "$TMP/nul.bt:1:18: error: unexpected byte 0x00 in a string (write \\0 for a NUL)
BEGIN { printf(\"a b\\n\"); exit(); }
                 ^" "... located, like a NUL anywhere else"

awk 'BEGIN { printf "BEGIN { @x = 1"; for (i = 0; i < 250000; i++) printf " + 1"; print " + ; }" }' \
	>"$TMP/long.bt"
"$PLUMB" -n -f "$TMP/long.bt" >"$TMP/out" 2>"$TMP/err"
is "$?" 2 "an error at the end of a 1 MB line: exit 2"
is "$(sed -n 2p "$TMP/err" | wc -c)" 164 "... the line shown is a window of 160 bytes and a ..."
is "$(sed -n 3p "$TMP/err" | tr -d ' ')" "^" "... with the caret under the error"

# lhist bounds at the edge of int64 that are allowed print right (the
# sanitizer build checks that no arithmetic on them overflows)
if [ "$(id -u)" = 0 ] && [ -e /sys/bus/event_source/devices/uprobe/type ]; then
	lh='lhist($v, -9223372036854775807 - 1, -1, 1317624576693539401)'
	prog="BEGIN { \$v = -9223372036854775807 - 1; @ = $lh; \$v = -1; @ = $lh; exit(); }"
	"$PLUMB" -q "$prog" >"$TMP/out" 2>"$TMP/err"
	is "$(grep -cE '^\[-9223372036854775808, -7905747460161236407\) +1 \||^\[-1, \.\.\.\) +1 \|' "$TMP/out")" 2 \
		"lhist from INT64_MIN: text"
	"$PLUMB" -q -j "$prog" >"$TMP/out" 2>"$TMP/err"
	like "$(cat "$TMP/out")" '^\{"type":"hist","data":\{"@":\[\{"min":-9223372036854775808,"max":-7905747460161236408,"count":1\},.*\{"min":-1,"count":1\}\]\}\}$' \
		"lhist from INT64_MIN: JSON"
	is "$(cat "$TMP/err")" "" "... and nothing on stderr"
else
	skip "needs root and BPF"
	skip "needs root and BPF"
	skip "needs root and BPF"
fi

done_testing
