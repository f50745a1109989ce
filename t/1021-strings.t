#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Strings: ==, !=, startswith() and contains() on memsqld's query texts,
# counted by plumb and, from the texts in the target's ground truth, by
# awk; comparisons between two run-time strings; comm; strings as map keys
# and values; truncation at the default size, at -s and at str(p, n).
. "$(dirname "$0")/lib.sh"

need_kernel
need_cmd jq
use_targets
GT="$TMP/gt"
QS='u:memsqld:querystart(char *q, u64 plan)'


# The six texts, in table order, from the ground truth of a plain run.
memsqld -t 1 -n 6 | awk '/^query / { split($0, w, " "); print substr($0, length("query " w[2] " ") + 1) }' \
	>"$TMP/texts"
[ "$(wc -l <"$TMP/texts")" = 6 ] || diag "expected six texts in the ground truth"

# String tests, one per line: KIND|OPERAND. Each becomes a map of plumb's
# program, @sK[test] = count(), and a count that awk takes from the texts.
# ==, != and the longest literal go in programs of their own, so that the
# other tests do not depend on them.
cat >"$TMP/tests" <<'EOF'
startswith|SELECT
startswith|SELECT 
startswith|S
startswith|SELECT count(*)
startswith|select
startswith|INSERT INTO events (ts, kind, payload) VALUES (?, ?, ?)
startswith|DELETE FROM sessions WHERE expires < ?!
startswith|SELECT o.id, o.total, c.name, c.email FROM orders o JOIN custom
startswith|SELECT o.id, o.total, c.name, c.email FROM orders o JOIN customers
contains|users
contains|SELECT
contains|?
contains|FROM orders
contains|orders o JOIN custom
contains|JOIN customers
contains|LIMIT 100
contains|= balance - ? WHERE
contains|DELETE FROM sessions WHERE expires < ?
contains|sessions WHERE expires < ? 
contains|s
EOF
cat >"$TMP/tests-eq" <<'EOF'
eq|SELECT * FROM users WHERE id = ?
eq|SELECT count(*) FROM orders WHERE status = ?
eq|INSERT INTO events (ts, kind, payload) VALUES (?, ?, ?)
eq|UPDATE accounts SET balance = balance - ? WHERE id = ?
eq|DELETE FROM sessions WHERE expires < ?
eq|DELETE FROM sessions WHERE expires <
eq|SELECT
eq|SELECT o.id, o.total, c.name, c.email FROM orders o JOIN custom
EOF
# a literal longer than the string can never be equal to it
cat >"$TMP/tests-eq-long" <<'EOF'
eq|SELECT o.id, o.total, c.name, c.email FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.created > ? ORDER BY o.total DESC LIMIT 100
EOF
cat >"$TMP/tests-ne" <<'EOF'
ne|DELETE FROM sessions WHERE expires < ?
ne|SELECT o.id, o.total, c.name, c.email FROM orders o JOIN custom
ne|SELECT
EOF

# program TESTS: the program, into a file for -f: no shell quoting
program() {
	awk -F'|' -v qs="$QS" 'BEGIN { printf "%s {\n", qs }
	$1 == "startswith" { printf "@s%d[startswith(q, \"%s\")] = count();\n", NR, $2 }
	$1 == "contains" { printf "@s%d[contains(q, \"%s\")] = count();\n", NR, $2 }
	$1 == "eq" { printf "@s%d[str(q) == \"%s\"] = count();\n", NR, $2 }
	$1 == "ne" { printf "@s%d[str(q) != \"%s\"] = count();\n", NR, $2 }
	END { print "}" }' "$1" >"$TMP/prog"
}

# expected TESTS SIZE: "sK COUNT_FALSE COUNT_TRUE" from the ground truth's
# "query COUNT TEXT" lines, each text cut to SIZE - 1 bytes as plumb reads it
expected() {
	awk -F'|' -v size="$2" '
	FNR == NR { if ($0 ~ /^query /) { split($0, w, " "); n = w[2];
			t = substr($0, length("query " n " ") + 1);
			nt++; cnt[nt] = n; txt[nt] = substr(t, 1, size - 1) }
		    next }
	{ f = 0; tr = 0
	  for (j = 1; j <= nt; j++) {
		s = txt[j]
		if ($1 == "startswith") r = substr(s, 1, length($2)) == $2
		else if ($1 == "contains") r = index(s, $2) > 0
		else if ($1 == "eq") r = s == $2
		else r = s != $2
		if (r) tr += cnt[j]; else f += cnt[j]
	  }
	  print "s" FNR, f, tr }' "$GT" "$1"
}

# got TESTS: the same from plumb's JSON maps
got() {
	for k in $(seq 1 "$(wc -l <"$1")"); do
		jq -r --arg m "@s$k" 'select(.data[$m] != null) | .data[$m] |
			"\(.["0"] // 0) \(.["1"] // 0)"' "$TMP/out" | sed "s/^/s$k /"
	done
}

# run_tests TESTS SIZE QUERYSIM-ARGS: plumb -s SIZE on querysim
run_tests() {
	program "$1"
	"$PLUMB" -q -j -s "$2" -c "memsqld $3 >$GT" -f "$TMP/prog" >"$TMP/out" 2>"$TMP/err"
	is "$?" 0 "-s $2: plumb ran the tests of $(basename "$1") ($(head -1 "$TMP/err"))"
	is "$(awk '$1 == "query" { n += $2 } END { print n }' "$GT")" "$(gt "$GT" querystart.calls)" \
		"-s $2: the ground truth lists every query's text"
	expected "$1" "$2" >"$TMP/want"
	got "$1" >"$TMP/got"
	k=0
	while IFS= read -r t; do
		k=$((k + 1))
		is "$(grep "^s$k " "$TMP/got")" "$(grep "^s$k " "$TMP/want")" \
			"-s $2: ${t%%|*}(\"${t#*|}\")"
	done <"$1"
}

# -t 3 -n 103: the six texts are run different numbers of times
run_tests "$TMP/tests" 64 "-t 3 -n 103"
run_tests "$TMP/tests" 200 "-t 2 -n 50"
run_tests "$TMP/tests" 12 "-t 2 -n 50"
run_tests "$TMP/tests-eq" 64 "-t 3 -n 103"
run_tests "$TMP/tests-eq" 200 "-t 2 -n 50"
run_tests "$TMP/tests-eq-long" 64 "-t 2 -n 50"
run_tests "$TMP/tests-eq-long" 200 "-t 2 -n 50"
run_tests "$TMP/tests-ne" 64 "-t 3 -n 103"
run_tests "$TMP/tests-ne" 200 "-t 2 -n 50"

# query i of thread t: text (t + i) % 6, plan 1 + (i + 4t) % 9
# queries QTHREADS QUERIES: "t i textindex plan" per query
queries() {
	awk -v T="$1" -v N="$2" 'BEGIN { for (t = 0; t < T; t++) for (i = 0; i < N; i++)
		print t, i, (t + i) % 6, 1 + (i + 4 * t) % 9 }'
}

# --- two run-time strings ---------------------------------------------------
# $w is "SELECT" or "DELETE FROM" (a string[12]) by plan; str(q, 7) holds
# the first word (a string[7]); str(q, 12) the first 11 bytes. @a is
# str(q, 7) == $w, @b $w == str(q, 12), @c str(q, 7) != $w.
queries 2 40 | awk 'FNR == NR { txt[FNR - 1] = $0; next }
	{ s = txt[$3]; w = $4 > 4 ? "SELECT" : "DELETE FROM"
	  a[substr(s, 1, 6) == w]++; b[substr(s, 1, 11) == w]++ }
	END { printf "@a %d %d\n@b %d %d\n@c %d %d\n", a[0], a[1], b[0], b[1], a[1], a[0] }' \
	"$TMP/texts" - >"$TMP/want"
W="\$w = plan > 4 ? \"SELECT\" : \"DELETE FROM\";"
"$PLUMB" -q -j -c "memsqld -t 2 -n 40 -q" "$QS { $W
	@a[str(q, 7) == \$w] = count(); @b[\$w == str(q, 12)] = count(); }
	u:memsqld:beginsnapshot(char *file, char *db) { @d[str(file) == str(db), file == file] = count(); }" \
	>"$TMP/out" 2>"$TMP/err"
is "$?" 0 "two run-time strings: plumb ran ($(head -1 "$TMP/err"))"
"$PLUMB" -q -j -c "memsqld -t 2 -n 40 -q" "$QS { $W @c[str(q, 7) != \$w] = count(); }
	u:memsqld:beginsnapshot(char *file, char *db) { @e[file != db] = count(); }" \
	>>"$TMP/out" 2>"$TMP/err"
is "$?" 0 "two run-time strings, !=: plumb ran ($(head -1 "$TMP/err"))"
for m in a b c; do
	is "$(jq -r --arg m "@$m" 'select(.data[$m] != null) | .data[$m] |
		"\($m) \(.["0"] // 0) \(.["1"] // 0)"' "$TMP/out")" "$(grep "^@$m " "$TMP/want")" \
		"two run-time strings: @$m as awk counts it"
done
is "$(jq -c '.data["@d"] // empty' "$TMP/out")" '{"0,1":3}' \
	"two char * arguments: str(file) == str(db) is 0, file == file is 1 (3 snapshots)"
is "$(jq -c '.data["@e"] // empty' "$TMP/out")" '{"1":3}' "two char * arguments: file != db is 1"

# a string kept in a thread-local, compared in another probe
"$PLUMB" -q -j -c "memsqld -t 3 -n 61 >$GT" "$QS { self->w = str(q, 7); }
	u:memsqld:queryend /self->w == \"SELECT\"/ { @sel = count(); }" >"$TMP/out" 2>"$TMP/err"
sel=$(awk '$1 == "query" && $3 == "SELECT" { n += $2 } END { print n }' "$GT")
is "$(jq -r '.data["@sel"] // empty' "$TMP/out")" "$sel" \
	"self->w == \"SELECT\" in queryend ($(head -1 "$TMP/err"))"
"$PLUMB" -q -j -c "memsqld -t 3 -n 61 >$GT" "$QS { self->w = str(q, 7); }
	u:memsqld:queryend /self->w != \"SELECT\"/ { @other = count(); }" >"$TMP/out" 2>"$TMP/err"
is "$(jq -r '.data["@other"] // empty' "$TMP/out")" "$(($(gt "$GT" queryend.calls) - sel))" \
	"self->w != \"SELECT\" in queryend ($(head -1 "$TMP/err"))"

# --- comm -------------------------------------------------------------------
"$PLUMB" -q -j -c "calls -t 2 -n 50 >$GT" 'p:calls:tick {
	@eq[comm == "calls"] = count(); @pre[comm == "call"] = count();
	@sw[startswith(comm, "cal")] = count(); @ct[contains(comm, "ll")] = count(); @k[comm] = count(); }' \
	>"$TMP/out" 2>"$TMP/err"
n=$(gt "$GT" tick.calls)
is "$(jq -c 'select(.type == "map") | .data' "$TMP/out" | sort | tr '\n' ' ')" \
	"{\"@ct\":{\"1\":$n}} {\"@eq\":{\"1\":$n}} {\"@k\":{\"calls\":$n}} {\"@pre\":{\"0\":$n}} {\"@sw\":{\"1\":$n}} " \
	"comm == \"calls\", a prefix is not equal, startswith, contains, as a key ($(head -1 "$TMP/err"))"
"$PLUMB" -q -j -c "calls -t 2 -n 50 >$GT" 'p:calls:tick { @ne[comm != "calls"] = count(); }' \
	>"$TMP/out" 2>"$TMP/err"
is "$(jq -c '.data["@ne"] // empty' "$TMP/out")" "{\"0\":$(gt "$GT" tick.calls)}" \
	"comm != \"calls\" ($(head -1 "$TMP/err"))"

# --- map keys mixing strings and integers -----------------------------------
"$PLUMB" -q -j -c "memsqld -t 3 -n 77 -q" "$QS { @m[plan, str(q, 7)] = count(); @t[q, plan % 2] = count(); }" \
	>"$TMP/out" 2>"$TMP/err"
queries 3 77 | awk 'FNR == NR { txt[FNR - 1] = $0; next }
	{ s = txt[$3]; m[$4 "," substr(s, 1, 6)]++; t[substr(s, 1, 63) "," ($4 % 2)]++ }
	END { for (k in m) print "m", k, m[k]; for (k in t) print "t", k, t[k] }' \
	"$TMP/texts" - | sort >"$TMP/want"
jq -r '.data | to_entries[] | select(.key == "@m" or .key == "@t") | .key[1:] as $m |
	.value | to_entries[] | "\($m) \(.key) \(.value)"' "$TMP/out" | sort >"$TMP/got"
same "$TMP/got" "$TMP/want" "@m[plan, str(q, 7)] and @t[q, plan % 2]: every key and count"

# --- truncation ---------------------------------------------------------------
# each query as printf shows it: -s 16 cuts char * to 15 bytes, str(q, 5)
# to 4, str(q, 200) keeps all 144 bytes of the longest text
"$PLUMB" -q -s 16 -c "memsqld -t 1 -n 12 -q" "$QS { printf(\"%s|%s|%s|%s\\n\", q, str(q), str(q, 5), str(q, 200)); }" \
	>"$TMP/got" 2>"$TMP/err"
queries 1 12 | awk 'FNR == NR { txt[FNR - 1] = $0; next }
	{ s = txt[$3]; print substr(s, 1, 15) "|" substr(s, 1, 15) "|" substr(s, 1, 4) "|" s }' \
	"$TMP/texts" - >"$TMP/want"
same "$TMP/got" "$TMP/want" "-s 16, str(q), str(q, 5), str(q, 200) in printf"
"$PLUMB" -q -c "memsqld -t 1 -n 12 -q" "$QS { printf(\"%s|%s\\n\", q, str(q, 2)); }" >"$TMP/got" 2>"$TMP/err"
queries 1 12 | awk 'FNR == NR { txt[FNR - 1] = $0; next }
	{ s = txt[$3]; print substr(s, 1, 63) "|" substr(s, 1, 1) }' "$TMP/texts" - >"$TMP/want"
same "$TMP/got" "$TMP/want" "default size: 63 bytes and the NUL; str(q, 2): one byte"
"$PLUMB" -q -s 16 -c "memsqld -t 1 -n 12 -q" "$QS { @[q] = count(); }" >"$TMP/got" 2>"$TMP/err"
queries 1 12 | awk 'FNR == NR { txt[FNR - 1] = $0; next } { n[substr(txt[$3], 1, 15)]++ }
	END { for (k in n) print "@[" k "]: " n[k] }' "$TMP/texts" - | sort >"$TMP/want"
grep -v '^$' "$TMP/got" | sort >"$TMP/got2"
same "$TMP/got2" "$TMP/want" "-s 16: map keys cut to 15 bytes"

done_testing
