# SPDX-License-Identifier: GPL-2.0-only
# What the test targets compute, worked out again outside plumb (shell
# arithmetic, awk, printf(1)), for the checks of the .cases files; and
# small readers of plumb's output. See t/targets/README.md for the
# formulas.

# add6_args I: a..f as calls' thread 0 passes them to add6() in
# iteration I
add6_args() {
	a=$(($1 - 500))
	b=$((($1 - 300) * 1000000007))
	c=$((($1 % 600) * 100 - 30000))
	d=$((-($1 * $1)))
	e=$(((7 * $1) & 255))
	f=$1
}

# add6_sums N: the sums of a..f over iterations 0..N-1
add6_sums() {
	local sa=0 sb=0 sc=0 sd=0 se=0 sf=0 i
	for i in $(seq 0 $(($1 - 1))); do
		add6_args "$i"
		sa=$((sa + a)) sb=$((sb + b)) sc=$((sc + c)) sd=$((sd + d)) se=$((se + e)) sf=$((sf + f))
	done
	echo "$sa $sb $sc $sd $se $sf"
}

# add6_literal I EXPR: EXPR with a..f written as iteration I's values
add6_literal() {
	add6_args "$1"
	printf '%s\n' "$2" | awk -v a="$a" -v b="$b" -v c="$c" -v d="$d" -v e="$e" -v f="$f" '{
		gsub(/a/, "(" a ")"); gsub(/b/, "(" b ")"); gsub(/c/, "(" c ")")
		gsub(/d/, "(" d ")"); gsub(/e/, "(" e ")"); gsub(/f/, "(" f ")"); print }'
}

# Unsigned 64-bit arithmetic; the shell's is signed.
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
# sx X BITS: the low BITS of X, sign-extended
sx() { echo $(((($1 & ((1 << $2) - 1)) ^ (1 << ($2 - 1))) - (1 << ($2 - 1)))); }

# work_x T I: the argument of work() in iteration I of thread T
work_x() {
	_m=$((($2 + 7 * $1) % 64))
	if [ $_m -le 1 ]; then echo $_m
	elif [ $_m -le 5 ]; then echo $((-($2 * _m + 1)))
	elif [ $_m -le 46 ]; then _k=$((_m - 6)); echo $(((1 << _k) + ($2 & ((1 << _k) - 1))))
	else echo $(((37 * $2 + 101 * $1) % 1000)); fi
}

# work_args THREADS ITERS: every work() argument, one a line
work_args() {
	awk -v T="$1" -v N="$2" 'BEGIN { for (t = 0; t < T; t++) for (i = 0; i < N; i++) {
		m = (i + 7 * t) % 64
		if (m <= 1) x = m
		else if (m <= 5) x = -(i * m + 1)
		else if (m <= 46) { p = 2 ^ (m - 6); x = p + i % p }
		else x = (37 * i + 101 * t) % 1000
		printf "%.0f\n", x } }'
}

# memsqld_texts: its six query texts in table order, from the ground
# truth of a plain run
memsqld_texts() {
	memsqld -t 1 -n 6 | awk '/^query / { split($0, w, " "); print substr($0, length("query " w[2] " ") + 1) }'
}

# queries THREADS ITERS: "t i textindex plan" for each query of memsqld
# (query i of thread t: text (t + i) % 6, plan 1 + (i + 4t) % 9)
queries() {
	awk -v T="$1" -v N="$2" 'BEGIN { for (t = 0; t < T; t++) for (i = 0; i < N; i++)
		print t, i, (t + i) % 6, 1 + (i + 4 * t) % 9 }'
}

# per_query AWK THREADS ITERS: the awk program run on each query, with
# s its text and t, i, plan (BEGIN and END parts allowed after it)
per_query() {
	memsqld_texts >"$TMP/texts"
	queries "$2" "$3" | awk "FNR == NR { txt[FNR - 1] = \$0; next }
		{ t = \$1; i = \$2; s = txt[\$3]; plan = \$4 } $1" "$TMP/texts" -
}

# str_test KIND "OPERAND" SIZE: "FALSE TRUE", the numbers of queries in
# $GT ("query COUNT TEXT" lines) for which the test is false and true,
# each text cut to SIZE - 1 bytes as plumb reads it
str_test() {
	local op=${2#\"}
	awk -v kind="$1" -v op="${op%\"}" -v size="$3" '
	/^query / { split($0, w, " "); n = w[2]; s = substr(substr($0, length("query " n " ") + 1), 1, size - 1)
		if (kind == "startswith") r = substr(s, 1, length(op)) == op
		else if (kind == "contains") r = index(s, op) > 0
		else if (kind == "eq") r = s == op
		else r = s != op
		if (r) tr += n; else f += n }
	END { print f + 0, tr + 0 }' "$GT"
}

# str_test_prog KIND "OPERAND": the test in plumb's words, on q
str_test_prog() {
	case $1 in
	eq) echo "str(q) == $2" ;;
	ne) echo "str(q) != $2" ;;
	*) echo "$1(q, $2)" ;;
	esac
}

# map_false_true MAP: "FALSE TRUE" of a map keyed by a test (a bool), from -j
map_false_true() {
	jq -r --arg m "$1" 'select(.data[$m] != null) | .data[$m] | "\(.["false"] // 0) \(.["true"] // 0)"' "$OUT"
}

# jv MAP [KEY]: a map's value from -j output; an object with its keys
# sorted (the order of keys is the order of values, not under test)
jv() {
	if [ $# = 1 ]; then
		jq -r --arg m "$1" 'select(.data[$m] != null) | .data[$m] |
			if type == "object" then to_entries | sort_by(.key) | from_entries else . end |
			tostring' "$OUT"
	else
		jq -r --arg m "$1" --arg k "$2" 'select(.data[$m] != null) | .data[$m][$k] // empty |
			tostring' "$OUT"
	fi
}

# jl MAP: the JSON line that holds MAP
jl() { jq -c --arg m "$1" 'select(.data[$m] != null)' "$OUT"; }

# key_value_list MAP: "key:value,..." of a map in -j output, keys in
# numeric order
key_value_list() {
	jq -r --arg m "$1" '.data[$m] // empty | to_entries | map("\(.key):\(.value)") | join(",")' "$OUT" |
		tr ',' '\n' | sort -t: -k1,1n | paste -sd, -
}

# VALUE as plumb's printf with FORMAT's length modifier prints it, for
# printf(1): hh and h convert to (unsigned) char and short first, as C
# does; no modifier, l, ll, z, j and t keep the 64 bits, as bpftrace does
conv_value() {
	_v=$1
	# sh reads the literal -9223372036854775808 as -(2^63 - 1)
	[ "$_v" = -9223372036854775808 ] && _v=$((-9223372036854775807 - 1))
	case $2 in
	*hh[di]) echo $((((_v & 255) ^ 128) - 128)) ;;
	*hh?) echo $((_v & 255)) ;;
	*h[di]) echo $((((_v & 65535) ^ 32768) - 32768)) ;;
	*h?) echo $((_v & 65535)) ;;
	*) echo "$1" ;;
	esac
}

# printf_expect TAG FORMAT VALUE...: "TAG[FORMAT of each value]..." as
# printf(1) prints it
printf_expect() {
	local tag=$1 fmt=$2 plain v
	shift 2
	plain=$(printf '%s' "$fmt" | sed -E 's/(hh|h|ll|l|z|j|t)([diouxX])$/\2/')
	printf '%s' "$tag"
	for v in "$@"; do
		# shellcheck disable=SC2059
		printf "[$plain]" "$(conv_value "$v" "$fmt")"
	done
	echo
}

# printf_stmt TAG FORMAT ARG...: plumb's printf of the ARGs, each with
# FORMAT in brackets
printf_stmt() {
	local tag=$1 fmt=$2 line= args=
	shift 2
	for v in "$@"; do line="${line}[$fmt]"; args="$args, $v"; done
	printf 'printf("%s%s\\n"%s);\n' "$tag" "$line" "$args"
}

# hist_text GTKEY: the rows a text histogram shows for the ground truth's
# "GTKEY LO HI COUNT" lines, as bpftrace prints them: label (hist bounds
# in K/M/G/T/P/E; lhist bounds in M or K when both bound and step are a
# whole number of them), count, bar of count / max * 52 '@' in float
hist_text() {
	awk -v key="$1" '
	function unit(v,   u, s) {
		s = "KMGTPE"; u = 0
		while (v > 0 && v % 1024 == 0 && u < 6) { v /= 1024; u++ }
		return u ? sprintf("%.0f%s", v, substr(s, u, 1)) : sprintf("%.0f", v)
	}
	function lin(v, step) {
		if (v != 0 && step % 1048576 == 0 && v % 1048576 == 0) return (v / 1048576) "M"
		if (v != 0 && step % 1024 == 0 && v % 1024 == 0) return (v / 1024) "K"
		return v
	}
	# x rounded to a C float (24-bit mantissa), ties away from zero
	function fl(x,   e, sc) {
		if (x == 0) return 0
		e = 0; sc = 1
		while (x * sc >= 16777216) sc /= 2
		while (x * sc < 8388608) sc *= 2
		return int(x * sc + 0.5) / sc
	}
	$1 == key { n++; lo[n] = $2; hi[n] = $3; c[n] = $4; if ($4 > max) max = $4
		if ($2 != "-inf" && $3 != "inf") step = $3 - $2 }
	END { for (j = 1; j <= n; j++) {
		if (key ~ /lhist/) {
			if (lo[j] == "-inf") l = "(..., " lin(hi[j], step) ")"
			else if (hi[j] == "inf") l = "[" lin(lo[j], step) ", ...)"
			else l = "[" lin(lo[j], step) ", " lin(hi[j], step) ")"
		} else if (lo[j] == "-inf") l = "(..., 0)"
		else if (lo[j] == 0 && hi[j] == 1) l = "[0]"
		else if (lo[j] == 1 && hi[j] == 2) l = "[1]"
		else l = "[" unit(lo[j]) ", " unit(hi[j]) ")"
		w = int(fl(fl(fl(c[j]) / fl(max)) * 52)); bar = ""
		for (b = 0; b < 52; b++) bar = bar (b < w ? "@" : " ")
		printf "%-16s%8d |%s|\n", l, c[j], bar } }' "$GT"
}

# hist_rows MAP: the rows of MAP's text histogram in $OUT (its header
# is "MAP: ", with bpftrace's trailing space)
hist_rows() {
	awk -v m="$1: " '$0 == m { on = 1; next } on && /^$/ { exit } on' "$OUT"
}

# nonempty_rows MAP: its rows with a count; edge_rows MAP: "1 1" when its
# first and last rows have a count
nonempty_rows() { hist_rows "$1" | awk '{ c = substr($0, 17, 8) + 0 } c != 0'; }
edge_rows() { hist_rows "$1" | awk '{ print substr($0, 17, 8) + 0 != 0 }' | sed -n '1p;$p' | paste -sd' '; }

# Processes still running the private copy of calls, by pid.
calls_left() {
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/exe" 2>/dev/null)" = "$TARGETS/calls" ] && echo "${p#/proc/}"
	done
}

# calls_gone: true once none is left, waiting up to 3 s; what is left
# then is ended, so that a failure leaves nothing running
calls_gone() {
	for _ in $(seq 30); do
		[ -z "$(calls_left)" ] && return 0
		sleep 0.1
	done
	for p in $(calls_left); do kill "$p" 2>/dev/null; done
	return 1
}
