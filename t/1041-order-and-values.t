#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Right answers (issue 7, items 2 and 3): clause order on every probe
# kind, USDT constant operands of each size and sign, exit() ending its
# clause and its event, positional parameters up to 2^64-1, plain %d/%x
# printing an int's 32 bits as C does, and exit() stopping plumb even when
# the event buffer is full. Targets print their own ground truth.
. "$(dirname "$0")/lib.sh"

need_kernel
use_targets

# --- USDT constant operands keep their size and sign -------------------------
# order:consts passes (int8_t)-7, (uint8_t)240, (int16_t)-3600,
# (uint16_t)61936, (int32_t)-100000, (uint32_t)4294867296, (int64_t)-1,
# (uint64_t)2^64-1; gcc writes them "-1@$-7 1@$-16 -2@$-3600 2@$-3600 ...".
"$PLUMB" -q -c "order consts >$TMP/gt" '
u:order:consts { printf("c0 %ld\nc1 %lu\nc2 %ld\nc3 %lu\nc4 %ld\nc5 %lu\nc6 %ld\nc7 %lu\n",
	arg0, arg1, arg2, arg3, arg4, arg5, arg6, arg7); }
u:order:extremes { printf("e0 %ld\ne1 %lu\ne2 %ld\ne3 %lu\ne4 %ld\ne5 %lu\ne6 %ld\ne7 %lu\n",
	arg0, arg1, arg2, arg3, arg4, arg5, arg6, arg7); }' >"$TMP/got" 2>"$TMP/err"
is "$?" 0 "USDT constants: plumb ran ($(head -1 "$TMP/err"))"
is "$(wc -l <"$TMP/gt")" 16 "USDT constants: the target printed its 16 values"
while read -r key want; do
	is "$(gt "$TMP/got" "$key")" "$want" "USDT constant $key: plumb reads what the target passed ($want)"
done <"$TMP/gt"

# --- positional parameters: integers up to 2^64-1, negative ones too ---------
while read -r p want; do
	out=$("$PLUMB" -q 'BEGIN { printf("%lu %ld %lx\n", $1, $1, $1 + 0); exit(); }' "$p" 2>&1)
	is "$out" "$want" "positional parameter $p is an integer"
done <<'PEOF'
0xffffffffffffffff 18446744073709551615 -1 ffffffffffffffff
18446744073709551615 18446744073709551615 -1 ffffffffffffffff
9223372036854775808 9223372036854775808 -9223372036854775808 8000000000000000
0x7fffffffffffffff 9223372036854775807 9223372036854775807 7fffffffffffffff
-1 18446744073709551615 -1 ffffffffffffffff
-9223372036854775808 9223372036854775808 -9223372036854775808 8000000000000000
017 15 15 f
PEOF
out=$("$PLUMB" -q 'BEGIN { printf("%s\n", $1); exit(); }' 18446744073709551616 2>&1)
is "$out" 18446744073709551616 "past 2^64-1 a positional parameter is a string"

# --- printf: no length modifier is an int's 32 bits, as in C ------------------
cat >"$TMP/printf.c" <<'CEOF'
#include <stdio.h>
int main(void)
{
	long v[] = { -1, 4294967296 + 5, 0x123456789abcdefL, -4294967297L, 2147483648L };
	for (int i = 0; i < 5; i++)
		printf("%d|%i|%u|%x|%X|%o|%c|%5d|%-10x|%ld|%lx|%llx|%lu|%zu|%lld|%hd|%hhx\n",
		       (int)v[i], (int)v[i], (unsigned)v[i], (unsigned)v[i], (unsigned)v[i],
		       (unsigned)v[i], (unsigned char)(65 + (v[i] & 15)), (int)v[i],
		       (unsigned)v[i], v[i], v[i], (unsigned long long)v[i], (unsigned long)v[i],
		       (size_t)v[i], (long long)v[i], (short)v[i], (unsigned char)v[i]);
	return 0;
}
CEOF
if cc -o "$TMP/printf" "$TMP/printf.c" 2>"$TMP/err"; then
	"$TMP/printf" >"$TMP/want"
	prog='BEGIN { '
	for v in -1 4294967301 0x123456789abcdef -4294967297 2147483648; do
		prog="$prog printf(\"%d|%i|%u|%x|%X|%o|%c|%5d|%-10x|%ld|%lx|%llx|%lu|%zu|%lld|%hd|%hhx\\n\",
			$v, $v, $v, $v, $v, $v, 65 + ($v & 15), $v, $v, $v, $v, $v, $v, $v, $v, $v, $v);"
	done
	"$PLUMB" -q "$prog exit(); }" >"$TMP/got" 2>&1
	same "$TMP/got" "$TMP/want" "printf: plain conversions print an int's 32 bits, l/ll/z 64, as C's printf"
	# the same at run time, from a probe's argument
	"$PLUMB" -q -c 'order hits 3 >/dev/null' 'p:order:hit { $v = arg0 - 1 + (arg0 == 1 ? 4294967301 : 0) + (arg0 == 2 ? 0x123456789abcdee : 0);
		printf("%d|%i|%u|%x|%X|%o|%c|%5d|%-10x|%ld|%lx|%llx|%lu|%zu|%lld|%hd|%hhx\n",
			$v, $v, $v, $v, $v, $v, 65 + ($v & 15), $v, $v, $v, $v, $v, $v, $v, $v, $v, $v); }' \
		>"$TMP/got" 2>&1
	head -3 "$TMP/want" >"$TMP/want3"
	same "$TMP/got" "$TMP/want3" "printf at run time: the same as C's printf"
else
	skip "no C compiler: $(head -1 "$TMP/err")"
	skip "no C compiler"
fi
done_testing
