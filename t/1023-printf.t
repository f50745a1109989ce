#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# printf: every conversion with flags, width, precision and length
# modifiers, on constants and on run-time values, compared with the
# shell's own printf(1) of the same format and values; %s of char *,
# str(), comm, func and probe; one line per event, in order per thread;
# -j; and formats that do not fit their arguments (exact diagnostics).
. "$(dirname "$0")/cases.sh"

need_kernel
need_cmd jq
use_targets
GT="$TMP/gt"
SIG='p:calls:add6(int a, long b, short c, long d, unsigned char e, long f)'


# Integer conversions. A length modifier hh or h converts the value to
# (unsigned) char or short first, and no length modifier to (unsigned)
# int, as C's printf does; l, ll, z, j and t leave the 64-bit value as
# it is.
cat >"$TMP/formats" <<'EOF'
%d
%i
%u
%x
%X
%o
%+d
% d
%-8d
%08d
%.3d
%8.3d
%-+8d
%+.0d
%#x
%#X
%#o
%08x
%-8x
%.4x
%#10x
%#010x
%+5u
%hhd
%hhi
%hhu
%hhx
%hho
%hd
%hi
%hu
%hX
%ho
%ld
%lu
%lx
%lld
%llu
%llX
%zd
%zu
%jd
%ju
%td
%to
%5hhd
%-6hu
%#hx
%08.3hd
EOF

# the C conversion of a value for a format: VALUE FORMAT -> value
conv_value() {
	_v=$1
	# sh reads the literal -9223372036854775808 as -(2^63 - 1)
	[ "$_v" = -9223372036854775808 ] && _v=$((-9223372036854775807 - 1))
	case $2 in
	*hh[di]) echo $((((_v & 255) ^ 128) - 128)) ;;
	*hh?) echo $((_v & 255)) ;;
	*h[di]) echo $((((_v & 65535) ^ 32768) - 32768)) ;;
	*h?) echo $((_v & 65535)) ;;
	*[lzjt]?) echo "$1" ;;
	*[di]) echo $((((_v & 4294967295) ^ 2147483648) - 2147483648)) ;;
	*) echo $((_v & 4294967295)) ;;
	esac
}

# expect_line TAG VALUE...: what printf(1) prints for each format
expect_lines() {
	tag=$1
	shift
	k=0
	while IFS= read -r fmt; do
		k=$((k + 1))
		plain=$(printf '%s' "$fmt" | sed -E 's/(hh|h|ll|l|z|j|t)([diouxX])$/\2/')
		printf '%s%d' "$tag" "$k"
		for v in "$@"; do
			# shellcheck disable=SC2059
			printf "[$plain]" "$(conv_value "$v" "$fmt")"
		done
		echo
	done <"$TMP/formats"
}

# printf_stmts TAG ARG...: one printf statement per format, ARGs in each
printf_stmts() {
	tag=$1
	shift
	args=$(printf ', %s' "$@")
	awk -v tag="$tag" -v n=$# -v args="$args" '{
		line = ""
		for (i = 0; i < n; i++) line = line "[" $0 "]"
		printf "printf(\"%s%d%s\\n\"%s);\n", tag, NR, line, args }' "$TMP/formats"
}

# --- constants (folded into the record by BEGIN) -----------------------------
set -- 0 1 -1 42 -42 127 128 255 256 65535 65536 -129 -32769 2147483647 -2147483648 \
	4294967296 9223372036854775807 -9223372036854775808 123456789012 -987654321
printf_stmts C "$@" >"$TMP/prog"
"$PLUMB" -q "BEGIN { $(cat "$TMP/prog") exit(); }" >"$TMP/got" 2>"$TMP/err"
is "$?" 0 "constants: plumb ran ($(head -1 "$TMP/err"))"
expect_lines C "$@" >"$TMP/want"
k=0
while IFS= read -r fmt; do
	k=$((k + 1))
	is "$(grep "^C$k\[" "$TMP/got")" "$(grep "^C$k\[" "$TMP/want")" "constants: $fmt"
done <"$TMP/formats"

# --- run-time values: add6's arguments, iterations 0..N-1 of one thread ---------
N=5
printf_stmts R a b c d e f >"$TMP/prog"
"$PLUMB" -q -c "calls -t 1 -n $N -q" "$SIG { $(cat "$TMP/prog") }" >"$TMP/got" 2>"$TMP/err"
is "$?" 0 "run time: plumb ran ($(head -1 "$TMP/err"))"
for i in $(seq 0 $((N - 1))); do
	expect_lines R $((i - 500)) $(((i - 300) * 1000000007)) $((i * 100 - 30000)) $((-(i * i))) \
		$(((7 * i) & 255)) "$i"
done >"$TMP/want"
k=0
while IFS= read -r fmt; do
	k=$((k + 1))
	grep "^R$k\[" "$TMP/got" >"$TMP/g1"
	grep "^R$k\[" "$TMP/want" >"$TMP/w1"
	same "$TMP/g1" "$TMP/w1" "run time: $fmt"
done <"$TMP/formats"

# --- %c, %s, %p and %% ------------------------------------------------------------
"$PLUMB" -q 'BEGIN { printf("[%c][%c][%3c][%-3c][%c]\n", 65, 122, 48, 33, 321);
	printf("[%s][%10s][%-10s][%.3s][%8.2s][%s]\n", "hello", "hello", "hello", "hello", "hello", "");
	printf("[%d%%][%%d][%%%d]\n", 100, 7);
	exit(); }' >"$TMP/got" 2>&1
{
	printf '[%c][%c][%3c][%-3c][%c]\n' A z 0 ! A
	printf '[%s][%10s][%-10s][%.3s][%8.2s][%s]\n' hello hello hello hello hello ''
	printf '[%d%%][%%d][%%%d]\n' 100 7
} >"$TMP/want"
same "$TMP/got" "$TMP/want" "%c (of an int, as unsigned char), %s with width and precision, %%"

# %p: the value in hexadecimal with 0x, padded as a string would be
p1=4096 p2=140737488355328
"$PLUMB" -q "BEGIN { printf(\"[%p][%p]\\n\", $p1, $p2); exit(); }" >"$TMP/got" 2>&1
is "$(cat "$TMP/got")" "$(printf '[0x%x][0x%x]' $p1 $p2)" "%p"
"$PLUMB" -q "BEGIN { printf(\"[%20p][%-20p]\\n\", $p1, $p2); exit(); }" >"$TMP/got" 2>&1
is "$(cat "$TMP/got")" "$(printf '[%20s][%-20s]' "$(printf '0x%x' $p1)" "$(printf '0x%x' $p2)")" \
	"%p with a width, right and left aligned"

# --- %s of strings of every origin --------------------------------------------------
# char * argument, str(), comm, func and probe on querysim's queries and
# calls' wildcard functions; the texts are the ground truth's
"$PLUMB" -q -c "memsqld -t 1 -n 12 >$GT" 'u:memsqld:querystart(char *q, u64 plan) {
	printf("%s|%s|%-10s|%.6s|%d\n", q, str(q), comm, str(q, 40), plan); }' >"$TMP/got" 2>"$TMP/err"
awk '/^query / { split($0, w, " "); print substr($0, length("query " w[2] " ") + 1) }' "$GT" >"$TMP/texts"
awk 'FNR == NR { txt[FNR - 1] = $0; next }
	END { for (i = 0; i < 12; i++) { s = txt[i % 6]
		printf "%s|%s|%-10s|%.6s|%d\n", substr(s, 1, 63), substr(s, 1, 63), "memsqld", s, 1 + i % 9 } }' \
	"$TMP/texts" /dev/null >"$TMP/want"
same "$TMP/got" "$TMP/want" "%s of a char * argument, str(q), comm, str(q, 40); one line per query, in order"

"$PLUMB" -q -c "calls -t 1 -n 2 -q" 'p:calls:wild_* { printf("%s|%s|%s\n", func, probe, comm); }' \
	>"$TMP/got" 2>"$TMP/err"
for i in 0 1; do
	for fn in wild_alpha wild_beta wild_beta wild_gamma wild_gamma wild_gamma; do
		# probe: the expanded name of the site that fired
		echo "$fn|uprobe:$TARGETS/calls:$fn|calls"
	done
done >"$TMP/want"
same "$TMP/got" "$TMP/want" "%s of func, probe and comm, in call order ($(head -1 "$TMP/err"))"

# --- one line per event, in order per thread ------------------------------------
"$PLUMB" -q -c "calls -t 3 -n 700 >$GT" 'p:calls:compute { printf("%d %d\n", tid, arg0); }' \
	>"$TMP/got" 2>"$TMP/err"
is "$(wc -l <"$TMP/got")" "$(gt "$GT" compute.calls)" "a line per event ($(head -1 "$TMP/err"))"
for tid in $(awk '$1 == "tid" { print $2 }' "$GT"); do
	is "$(awk -v t="$tid" '$1 == t { print $2 }' "$TMP/got" | paste -sd' ')" "$(seq -s' ' 0 699)" \
		"thread $tid: its events in the order they happened"
done

# --- -j: each line a JSON string with the same text ---------------------------
"$PLUMB" -q -j -c "memsqld -t 1 -n 6 -q" 'u:memsqld:querystart(char *q, u64 plan) {
	printf("%s\t\"%d\"\\%x\n", q, plan, plan * 100); }' >"$TMP/got" 2>"$TMP/err"
is "$(jq -j 'select(.type == "printf") | .data' "$TMP/got")" \
	"$(head -6 "$TMP/texts" | awk '{ printf "%s\t\"%d\"\\%x\n", substr($0, 1, 63), NR, NR * 100 }')" \
	"-j: printf lines as JSON strings, tab, quote and backslash escaped ($(head -1 "$TMP/err"))"
is "$(jq -c 'select(.type == "printf") | keys' "$TMP/got" | sort -u)" '["data","type"]' \
	"-j: printf objects have type and data"

# --- formats that do not fit their arguments --------------------------------------
export PATH
run_cases "$SRCDIR/t/data/printf.cases"

done_testing
