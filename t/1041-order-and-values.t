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

# --- printf: no length modifier is the whole 64 bits, as bpftrace has it ------
# (C's printf, and bpftrace 0.17, would take an int's 32 bits; hh and h
# still take 8 and 16, as in C)
cat >"$TMP/printf.c" <<'CEOF'
#include <stdio.h>
int main(void)
{
	long v[] = { -1, 4294967296 + 5, 0x123456789abcdefL, -4294967297L, 2147483648L };
	for (int i = 0; i < 5; i++)
		printf("%lld|%lli|%llu|%llx|%llX|%llo|%c|%5lld|%-10llx|%ld|%lx|%llx|%lu|%zu|%lld|%hd|%hhx\n",
		       (long long)v[i], (long long)v[i], (unsigned long long)v[i],
		       (unsigned long long)v[i], (unsigned long long)v[i],
		       (unsigned long long)v[i], (unsigned char)(65 + (v[i] & 15)), (long long)v[i],
		       (unsigned long long)v[i], v[i], v[i], (unsigned long long)v[i], (unsigned long)v[i],
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
	same "$TMP/got" "$TMP/want" "printf: plain conversions print 64 bits, as bpftrace; hh/h 8 and 16, as C"
	# the same at run time, from a probe's argument
	"$PLUMB" -q -c 'order hits 3 >/dev/null' 'p:order:hit { $v = arg0 - 1 + (arg0 == 1 ? 4294967301 : 0) + (arg0 == 2 ? 0x123456789abcdee : 0);
		printf("%d|%i|%u|%x|%X|%o|%c|%5d|%-10x|%ld|%lx|%llx|%lu|%zu|%lld|%hd|%hhx\n",
			$v, $v, $v, $v, $v, $v, 65 + ($v & 15), $v, $v, $v, $v, $v, $v, $v, $v, $v, $v); }' \
		>"$TMP/got" 2>&1
	head -3 "$TMP/want" >"$TMP/want3"
	same "$TMP/got" "$TMP/want3" "printf at run time: the same"
else
	skip "no C compiler: $(head -1 "$TMP/err")"
	skip "no C compiler"
fi

# --- clause order: every probe kind runs its clauses in program order ---------
# three clauses on one probe print 1, 2, 3 at each hit: the lines must
# come in that order, once per hit (order hits N makes N hits of each)
N=4
want=$(for i in $(seq $N); do printf '1 2 3 '; done)
for k in p:order:hit r:order:hit u:order:hit \
	't:syscalls:sys_enter_getppid /comm == "order"/'; do
	"$PLUMB" -q -c "order hits $N >$TMP/gt" "$k { printf(\"1\\n\"); } $k { printf(\"2\\n\"); }
		$k { printf(\"3\\n\"); }" >"$TMP/got" 2>"$TMP/err"
	is "$(paste -sd' ' "$TMP/got") " "$want" "clause order on ${k%% *}: 1 2 3 at each of $(gt "$TMP/gt" hits) hits"
done
out=$("$PLUMB" -q -t 10ms 'BEGIN { printf("b1\n"); } END { printf("e1\n"); } BEGIN { printf("b2\n"); }
	END { printf("e2\n"); } BEGIN { printf("b3\n"); } END { printf("e3\n"); }' 2>&1)
is "$(echo "$out" | paste -sd' ')" "b1 b2 b3 e1 e2 e3" "clause order on BEGIN and END"
out=$("$PLUMB" -q 'i:30ms { printf("i1\n"); } i:30ms { printf("i2\n"); @n++; if (@n == 3) { exit(); } }
	i:30ms { printf("i3\n"); }' 2>&1)
is "$(echo "$out" | paste -sd' ')" "i1 i2 i3 i1 i2 i3 i1 i2 @n: 3" \
	"clause order on an interval; exit() skips the clauses after it"

# --- exit() ends its clause and its event -------------------------------------
"$PLUMB" -q -c "order hits 3 >/dev/null" 'p:order:hit { printf("a%d\n", arg0); }
	p:order:hit /arg0 == 1/ { printf("b%d\n", arg0); exit(4); printf("never\n"); @never = 1; }
	p:order:hit { printf("c%d\n", arg0); }' >"$TMP/got" 2>&1
is "$?" 4 "exit(4) in the second of three clauses: status 4"
# (@never, never assigned, prints as bpftrace prints such a scalar: 0)
is "$(paste -sd' ' "$TMP/got")" "a0 c0 a1 b1 @never: 0" "... nothing after exit() runs: not its clause's statements, not the later clauses, not the later hits"
out=$("$PLUMB" -q 'BEGIN { printf("one\n"); exit(2); printf("never\n"); } BEGIN { printf("never2\n"); }
	END { printf("end\n"); }' 2>&1)
is "$?:$(echo "$out" | paste -sd' ')" "2:one end" "exit() in BEGIN: the rest of BEGIN does not run, END does"

# --- many clauses on one function: one program, or a chain of them ----------
awk 'BEGIN { for (i = 0; i < 600; i++) printf "p:order:hit { printf(\"%d\\n\"); }\n", i }' >"$TMP/o600"
"$PLUMB" -q -c "order hits 2 >/dev/null" -f "$TMP/o600" >"$TMP/got" 2>"$TMP/err"
{ seq 0 599; seq 0 599; } >"$TMP/want"
same "$TMP/got" "$TMP/want" "600 clauses on one function: in program order at every hit"
awk 'BEGIN { for (i = 0; i < 600; i++) printf "p:order:hit { printf(\"%d\\n\"); %s}\n", i, i == 300 ? "exit(9); " : "" }' >"$TMP/x600"
"$PLUMB" -q -c "order hits 2 >/dev/null" -f "$TMP/x600" >"$TMP/got" 2>"$TMP/err"
is "$?:$(wc -l <"$TMP/got"):$(tail -1 "$TMP/got")" "9:301:300" "exit() in clause 301 of 600 ends the chain there"
awk 'BEGIN { for (i = 0; i < 5000; i++) print "p:order:hit { @ = count(); }" }' >"$TMP/c5000"
"$PLUMB" -v -c "order hits 10 >$TMP/gt" -f "$TMP/c5000" >"$TMP/got" 2>"$TMP/err"
is "$(cat "$TMP/got")" "@: $((5000 * $(gt "$TMP/gt" hits)))" "5000 clauses of count() on one function: exact"
is "$(grep -c '^plumb: attached' "$TMP/err")" 1 "... one program attached, not 5000 (-v)"

# --- exit(), print() and clear() when the ring buffer is full --------------
# The reader does not read until $TMP/go exists (a test-only knob), so
# 200000 printf records overflow the 4 MiB ring buffer; stop_here() then
# asks for print(), clear() and exit(5) with no room for their records.
rm -f "$TMP/go"
PLUMB_TEST_READER_WAIT="$TMP/go" "$PLUMB" -q -c "order flood 200000 >$TMP/gt; sleep 60" \
	'p:order:flood { @c = count(); printf("%ld\n", arg0); }
	p:order:stop_here { print(@c); clear(@c); @after = 1; exit(5); printf("never\n"); }' \
	>"$TMP/got" 2>"$TMP/err" &
ppid=$!
for i in $(seq 600); do
	grep -q flood "$TMP/gt" 2>/dev/null && break
	sleep 0.1
done
start=$(date +%s)
touch "$TMP/go"
wait "$ppid"
rc=$?
took=$(($(date +%s) - start))
is "$rc" 5 "exit(5) with the ring buffer full: plumb stops with status 5"
ok "$([ "$took" -le 10 ] && echo 0 || echo 1)" "... promptly ($took s after its reader woke; the traced command sleeps 60 s)"
lines=$(grep -c '^[0-9]' "$TMP/got")
lost=$(sed -n 's/^plumb: \([0-9]*\) events lost.*/\1/p' "$TMP/err")
is "$((lines + ${lost:-0}))" "$(gt "$TMP/gt" flood)" "... every flood() printf is printed or counted lost ($lines + ${lost:-0})"
is "$(grep -v '^[0-9]' "$TMP/got" | paste -sd' ')" "@c: $(gt "$TMP/gt" flood) @after: 1" \
	"... print(@c) and clear(@c) were carried out, though their records found no room"
like "$(cat "$TMP/err")" "1 print\(@c\) request found the event buffer full: carried out once" "... and said so"
like "$(cat "$TMP/err")" "1 clear\(@c\) request found the event buffer full" "... for clear() too"
done_testing
