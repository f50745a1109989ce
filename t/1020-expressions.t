#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# C's operators, precedence, associativity and signedness: every
# expression is computed by plumb (folded in BEGIN, and at run time on the
# arguments of calls' add6(), whose values follow documented formulas) and
# by the shell's own $((...)) arithmetic, which is C's on 64-bit integers.
. "$(dirname "$0")/cases.sh"

need_kernel
need_cmd jq
use_targets
GT="$TMP/gt"
N=400
SIG='p:calls:add6(int a, long b, short c, long d, unsigned char e, long f)'

# Expressions over a..f (add6's arguments), written the same for plumb and
# for sh. Divisors are never zero for i < 400 (a < 0, c | 1 is odd). No
# expression of plumb has a side effect, so && and || (short-circuit or
# not) are checked by their values: 0 or 1, as C's.
cat >"$TMP/exprs" <<'EOF'
a + b * c - d
a - b - c - d
b / a / 3
b % a
d / 7
d % 7
b / (c | 1)
b % (c | 1)
c / (f + 1) * 3
a * c % 1000
2 + 3 * f - 8 / 4 % 3
a << 3
a >> 2
b >> 5
e << 40 >> 38
~a
-a
!a + !f + !!e
a & e | f ^ c
a | e & f ^ c
a ^ b & c | d
a < c == e > f
a <= c != (e >= f)
f > 100 == e < 50
a && b || c
f && e
f || 0
!f || e && c > 0
a ? b : c ? d : e
f % 3 == 0 ? 100 : f % 3 == 1 ? 200 : 300
(f > 200 ? a : b) + (e ? c : d)
1 + 2 << 3 + f % 8
f * 2 == f + f
e - 128 < 0
c * c - c * -c
a > -100
d < -1
-1 < f
f >= -1
f == -1
(a + -20) / 3
a / -7
a % -7
-a / 3 + -b % 1000
(d - 100) >> 3
-f * 3 / 2
EOF
nexpr=$(wc -l <"$TMP/exprs")

# set_args I: a..f as calls' thread 0 passes them in iteration I
set_args() {
	a=$(($1 - 500))
	b=$((($1 - 300) * 1000000007))
	c=$((($1 % 600) * 100 - 30000))
	d=$((-($1 * $1)))
	e=$(((7 * $1) & 255))
	f=$1
}

# the printf statements: "E<k> <f> <value>" for each expression k
prog_printfs() {
	awk '{ printf "printf(\"E%d %%ld %%ld\\n\", f, (%s));\n", NR, $0 }' "$TMP/exprs"
}

# expected lines for iterations $@
expect_lines() {
	for i in "$@"; do
		set_args "$i"
		k=0
		v=
		while IFS= read -r ex; do
			k=$((k + 1))
			eval "v=\$(( $ex ))"
			echo "E$k $f $v"
		done <"$TMP/exprs"
	done
}


# compare TAG EXPRFILE WHAT: each expression's lines in $TMP/got and $TMP/want
compare() {
	k=0
	while IFS= read -r ex; do
		k=$((k + 1))
		grep "^$1$k " "$TMP/got" >"$TMP/g1"
		grep "^$1$k " "$TMP/want" >"$TMP/w1"
		[ "$1" = U ] && ex=${ex#*|}
		same "$TMP/g1" "$TMP/w1" "$3: $ex"
	done <"$2"
}

# --- run time, on add6's arguments ---------------------------------------
"$PLUMB" -q -c "calls -t 1 -n $N >$GT" "$SIG { $(prog_printfs) }" >"$TMP/got" 2>"$TMP/err"
rc=$?
is "$rc" 0 "run time: plumb ran ($(head -3 "$TMP/err"))"
# the formulas above are the target's: their sums equal its ground truth
sa=0 sb=0 sc=0 sd=0 se=0 sf=0
for i in $(seq 0 $((N - 1))); do
	set_args "$i"
	sa=$((sa + a)) sb=$((sb + b)) sc=$((sc + c)) sd=$((sd + d)) se=$((se + e)) sf=$((sf + f))
done
is "$sa $sb $sc $sd $se $sf" "$(for k in 0 1 2 3 4 5; do gt "$GT" "add6.arg$k.sum"; done | paste -sd' ')" \
	"the test's argument formulas match the target's ground truth"
expect_lines $(seq 0 $((N - 1))) >"$TMP/want"
is "$(wc -l <"$TMP/got")" "$((N * nexpr))" "run time: one line per expression per call"
compare E "$TMP/exprs" "run time"

# --- folded in BEGIN, with the same values as literals ---------------------
for i in 7 123 345; do
	set_args "$i"
	awk -v a="$a" -v b="$b" -v c="$c" -v d="$d" -v e="$e" -v f="$f" '{
		ex = $0
		gsub(/a/, "(" a ")", ex); gsub(/b/, "(" b ")", ex); gsub(/c/, "(" c ")", ex)
		gsub(/d/, "(" d ")", ex); gsub(/e/, "(" e ")", ex); gsub(/f/, "(" f ")", ex)
		printf "printf(\"E%d %%ld %%ld\\n\", %s, (%s));\n", NR, f, ex
	}' "$TMP/exprs" >"$TMP/begin"
	"$PLUMB" -q "BEGIN { $(cat "$TMP/begin") exit(); }" >>"$TMP/got-begin" 2>"$TMP/err" ||
		diag "BEGIN program failed: $(head -3 "$TMP/err")"
done
expect_lines 7 123 345 >"$TMP/want"
mv "$TMP/got-begin" "$TMP/got"
compare E "$TMP/exprs" "folded"

# --- signedness: casts and unsigned 64-bit operations ----------------------
# The shell has only signed arithmetic: unsigned results are printed with
# printf %u and computed with these helpers.
MASK63=9223372036854775807
# ushr X K: logical shift right, 0 < K < 64
ushr() { echo $((($1 >> $2) & (MASK63 >> ($2 - 1)))); }
# udiv X K, umod X K: unsigned division of X by 0 < K < 2^62
udiv() {
	_q=$(((($1 >> 1) & MASK63) / $2 * 2))
	_r=$(($1 - _q * $2))
	[ "$_r" -ge "$2" ] && _q=$((_q + 1))
	echo "$_q"
}
umod() { echo $(($1 - $(udiv "$1" "$2") * $2)); }
# ult X Y: unsigned X < Y
ult() { echo $((($1 ^ (1 << 63)) < ($2 ^ (1 << 63)))); }
sx() { echo $(((($1 & ((1 << $2) - 1)) ^ (1 << ($2 - 1))) - (1 << ($2 - 1)))); }

cat >"$TMP/uexprs" <<'EOF'
%u|(u32)a
%d|(int8)e
%u|(u8)a
%d|(s16)b
%d|(int32)b
%u|(uint16)c
%d|(int)(u32)a
%u|(u32)a + 1
%u|(u64)a / 3
%u|(u64)a % 7
%u|(u64)a >> 4
%d|a >> 4
%u|(u64)b / (u64)(f + 1)
%d|(u64)d > 5
%d|(u64)a < (u64)f
%d|(u64)a >= 0
%u|-(u64)f
%d|(u32)a > 0
%d|(u32)f < -1
%d|(int8)e < 0
%u|(uint8_t)(e + 200)
%d|(short)(c * 3)
EOF
uexpect() {
	for i in "$@"; do
		set_args "$i"
		printf 'U1 %u\n' $((a & 0xffffffff))
		printf 'U2 %d\n' "$(sx "$e" 8)"
		printf 'U3 %u\n' $((a & 255))
		printf 'U4 %d\n' "$(sx "$b" 16)"
		printf 'U5 %d\n' "$(sx "$b" 32)"
		printf 'U6 %u\n' $((c & 0xffff))
		printf 'U7 %d\n' "$a"
		printf 'U8 %u\n' $(((a & 0xffffffff) + 1))
		printf 'U9 %u\n' "$(udiv "$a" 3)"
		printf 'U10 %u\n' "$(umod "$a" 7)"
		printf 'U11 %u\n' "$(ushr "$a" 4)"
		printf 'U12 %d\n' $((a >> 4))
		if [ "$b" -ge 0 ]; then q=$((b / (f + 1))); else q=$(udiv "$b" $((f + 1))); fi
		printf 'U13 %u\n' "$q"
		printf 'U14 %d\n' "$(ult 5 "$d")"
		printf 'U15 %d\n' "$(ult "$a" "$f")"
		printf 'U16 %d\n' 1
		printf 'U17 %u\n' $((-f))
		printf 'U18 %d\n' 1
		# (u32)f is a 64-bit value 0..2^32-1: signed against -1
		printf 'U19 %d\n' 0
		printf 'U20 %d\n' $((e >= 128))
		printf 'U21 %u\n' $(((e + 200) & 255))
		printf 'U22 %d\n' "$(sx $((c * 3)) 16)"
	done
}
# (64-bit values: %lu and %ld in plumb, as C's printf wants them)
uprog=$(awk -F'|' '{ fm = $1; sub(/%/, "%l", fm)
	printf "printf(\"U%d %s\\n\", %s);\n", NR, fm, $2 }' "$TMP/uexprs")
"$PLUMB" -q -c "calls -t 1 -n $N -q" "$SIG { $uprog }" >"$TMP/got" 2>"$TMP/err"
is "$?" 0 "signedness: plumb ran ($(head -3 "$TMP/err"))"
uexpect $(seq 0 $((N - 1))) >"$TMP/want"
compare U "$TMP/uexprs" "run time"

# the same, folded, for one set of values
i=77
set_args $i
bprog=$(awk -F'|' -v a="$a" -v b="$b" -v c="$c" -v d="$d" -v e="$e" -v f="$f" '{
	ex = $2
	gsub(/a/, "(" a ")", ex); gsub(/b/, "(" b ")", ex); gsub(/c/, "(" c ")", ex)
	gsub(/d/, "(" d ")", ex); gsub(/e/, "(" e ")", ex); gsub(/f/, "(" f ")", ex)
	fm = $1; sub(/%/, "%l", fm)
	printf "printf(\"U%d %s\\n\", %s);\n", NR, fm, ex }' "$TMP/uexprs")
"$PLUMB" -q "BEGIN { $bprog exit(); }" >"$TMP/got" 2>"$TMP/err"
is "$?" 0 "signedness folded: plumb ran ($(head -3 "$TMP/err"))"
uexpect $i >"$TMP/want"
compare U "$TMP/uexprs" "folded"

# literals of every width, folded
"$PLUMB" -q 'BEGIN { printf("%lu %ld %lu %ld %ld %lu\n", 0xffffffffffffffff, 0x7fffffffffffffff,
	(u32)-1, (int8)200, (s16)-32769, 18446744073709551615 / 2); exit(); }' >"$TMP/got" 2>&1
is "$(cat "$TMP/got")" "$(printf '%u %d %u %d %d %u' -1 $MASK63 4294967295 $((200 - 256)) \
	$((65536 - 32769)) $MASK63)" "folded: literals and casts of every width"

# --- division and shifts that C leaves undefined --------------------------
# BPF defines x / 0 as 0 and x % 0 as x (signed and unsigned alike).
"$PLUMB" -q -c "calls -t 1 -n 20 -q" "$SIG { \$z = f - f;
	printf(\"%d %ld %ld %lu %lu\\n\", f, b / \$z, b % \$z, (u64)b / (u64)\$z, (u64)b % (u64)\$z); }" \
	>"$TMP/got" 2>"$TMP/err"
for i in $(seq 0 19); do set_args "$i"; printf '%d 0 %d 0 %u\n' "$f" "$b" "$b"; done >"$TMP/want"
is "$(cat "$TMP/got")" "$(cat "$TMP/want")" "division by a run-time zero: 0, remainder the dividend"

# what is refused before anything runs, and what is not: a constant zero
# divisor whatever the left side is (as 7 / 0 is), nine map keys...
run_cases "$SRCDIR/t/data/language.cases"

# shift counts: folded and run-time shifts agree, for constant counts and
# for counts computed at run time (both taken modulo 64 when >= 64)
"$PLUMB" -q 'BEGIN { printf("%d %d %d\n", 5 << 64, 5 << 65, 40 >> 66); exit(); }' >"$TMP/want" 2>&1
"$PLUMB" -q -c "calls -t 1 -n 6 -q" "$SIG /f == 5/ { printf(\"%d %d %d\\n\", f << 64, f << 65, (f * 8) >> 66); }" \
	>"$TMP/got" 2>&1
is "$(cat "$TMP/got")" "$(cat "$TMP/want")" "constant shift counts >= 64: run time agrees with folding"
"$PLUMB" -q -c "calls -t 1 -n 6 -q" "$SIG /f == 5/ { \$s = f + 59; printf(\"%d %d\\n\", f << \$s, (f * 8) >> (\$s + 2)); }" \
	>"$TMP/got" 2>&1
is "$(cat "$TMP/got")" "$((5 << 0)) $((40 >> 2))" "run-time shift counts >= 64 are taken modulo 64"

# --- assignments, compound and increments ---------------------------------
# each per event on a local, a map element and a thread-local, printed back
ops='= f + 100; X += 5; X -= 2; X *= 3; X /= 2; X %= 50; X &= 0x3c; X |= 1; X ^= 0x100; X <<= 3; X >>= 1; X -= 1100; X /= 3; X %= 7; X >>= 1;'
compound=$(printf '%s' "$ops" | sed 's/X/$x/g; s/^/$x /')
compound_map=$(printf '%s' "$ops" | sed 's/X/@m[e]/g; s/^/@m[e] /')
compound_self=$(printf '%s' "$ops" | sed 's/X/self->s/g; s/^/self->s /')
"$PLUMB" -q -c "calls -t 1 -n 40 -q" "$SIG { $compound $compound_map $compound_self
	printf(\"%d %d %d %d\\n\", f, \$x, @m[e], self->s); @inc++; @dec--; ++@pre; --@pre; --@pre;
	\$i = 10; \$i++; \$i++; \$i--; @li = sum(\$i); self->n++; @sn = sum(self->n); }" >"$TMP/got" 2>&1
for i in $(seq 0 39); do
	set_args "$i"
	x=$((f + 100)); x=$((x + 5)); x=$((x - 2)); x=$((x * 3)); x=$((x / 2)); x=$((x % 50))
	x=$((x & 0x3c)); x=$((x | 1)); x=$((x ^ 0x100)); x=$((x << 3)); x=$((x >> 1))
	x=$((x - 1100)); x=$((x / 3)); x=$((x % 7)); x=$((x >> 1))
	echo "$f $x $x $x"
done >"$TMP/want"
# self->n counts the calls of the thread: 1 + 2 + ... + 40
printf '@dec: -40\n@inc: 40\n@li: %d\n@pre: -40\n@sn: %d\n' $((40 * 11)) $((40 * 41 / 2)) >>"$TMP/want"
grep -v '^@m\[' "$TMP/got" | grep -v '^$' >"$TMP/got2"
same "$TMP/got2" "$TMP/want" "compound assignments on \$x, @m[k], self->x; ++ and --"

# --- statements and predicates --------------------------------------------
"$PLUMB" -q -c "calls -t 1 -n 60 -q" "$SIG {
	if (f < 10) { \$c = 1; } else if (f < 20) { \$c = 2; } else if (f == 20) { \$c = 3; } else { \$c = 4; }
	if (f % 2) { \$o = 7; }
	if (e > 100) { if (c > 0) { \$n = 1; } else { \$n = 2; } } else { \$n = 3; }
	printf(\"%d %d %d %d\\n\", f, \$c, \$o, \$n); }" >"$TMP/got" 2>&1
for i in $(seq 0 59); do
	set_args "$i"
	if [ "$f" -lt 10 ]; then cc=1; elif [ "$f" -lt 20 ]; then cc=2; elif [ "$f" = 20 ]; then cc=3; else cc=4; fi
	o=$((f % 2 ? 7 : 0))
	n=$((e > 100 ? (c > 0 ? 1 : 2) : 3))
	echo "$f $cc $o $n"
done >"$TMP/want"
same "$TMP/got" "$TMP/want" "if / else if / else chains, nested ifs; \$locals start at 0"

# predicates: counted by plumb, and by the shell over the same values
"$PLUMB" -q -j -c "calls -t 1 -n $N -q" "$SIG /f % 3 == 0 && a < -300 || e > 250/ { @p1 = count(); }
	$SIG /!(c > 0) && (d < -1000 || f == 1)/ { @p2 = count(); }
	$SIG /a & 1 ? e > 128 : f % 5 == 0/ { @p3 = count(); }
	$SIG /f/ { @p4 = count(); }" >"$TMP/got" 2>&1
p1=0 p2=0 p3=0
for i in $(seq 0 $((N - 1))); do
	set_args "$i"
	p1=$((p1 + (f % 3 == 0 && a < -300 || e > 250)))
	p2=$((p2 + (!(c > 0) && (d < -1000 || f == 1))))
	p3=$((p3 + (a & 1 ? e > 128 : f % 5 == 0)))
done
for m in p1 p2 p3 p4; do
	eval "want=\${$m:-}"
	[ "$m" = p4 ] && want=$((N - 1))
	is "$(jq -r --arg m "@$m" '.data[$m] // empty' "$TMP/got" 2>/dev/null)" "$want" \
		"predicate @$m ($(grep -v '^{' "$TMP/got" | head -1))"
done

# conditions that fold to a constant: the dead branch is simply not taken
"$PLUMB" -q -j -c "calls -t 1 -n 10 -q" "$SIG /1/ { @always = count(); }
	$SIG /0/ { @never = count(); }
	$SIG /1 == 2/ { @never2 = count(); }
	$SIG { if (0) { @never3 = count(); } if (2 > 1) { @yes = count(); } else { @no = count(); }
	@t = sum(0 ? f : 5); @u = sum(f && 0); }" >"$TMP/got" 2>&1
is "$(jq -c 'select(.type == "map") | .data' "$TMP/got" 2>/dev/null | sort | tr '\n' ' ')" \
	'{"@always":10} {"@t":50} {"@u":0} {"@yes":10} ' \
	"constant conditions ($(grep -v '^{' "$TMP/got" | head -1))"

# several probes in one clause share its predicate
"$PLUMB" -q -j -c "calls -t 2 -n 300 >$GT" 'p:calls:work, p:calls:compute /arg0 == 1 || arg0 == 2/ {
	@[func] = count(); }' >"$TMP/got" 2>&1
w=0
for t in 0 1; do
	for i in $(seq 0 299); do
		m=$(((i + 7 * t) % 64))
		if [ "$m" -le 1 ]; then x=$m
		elif [ "$m" -le 5 ]; then x=$((-(i * m + 1)))
		elif [ "$m" -le 46 ]; then k=$((m - 6)); x=$(((1 << k) + (i & ((1 << k) - 1))))
		else x=$(((37 * i + 101 * t) % 1000)); fi
		[ "$x" = 1 ] || [ "$x" = 2 ] && w=$((w + 1))
	done
done
is "$(jq -r '.data["@"].work // empty' "$TMP/got")" "$w" "two probes, one predicate: work"
is "$(jq -r '.data["@"].compute // empty' "$TMP/got")" 4 "two probes, one predicate: compute"

done_testing
