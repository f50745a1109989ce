# SPDX-License-Identifier: GPL-2.0-only
# The runner of the data-driven tests. A .cases file holds cases; each
# case is one run of plumb and one or more TAP lines, and a failing line
# names the file and line of what failed.
#
#   === description          a case: one run of plumb
#   prog: the program         (a line that starts with a tab continues
#                              the value of the key above it)
#   args: options before the program, as shell words (default: -n)
#   cmd: the target and its arguments: plumb -c CMD
#   params: positional parameters after the program, as shell words
#   env: VAR=VALUE ... for plumb's environment (@TARGETS@ and the like
#        substituted)
#   vars: shell assignments for the checks below (NAME=VALUE ...)
#   needs: commands the checks use (jq ...): skipped without them
#   kernel: no | yes         runs without root, though not -n or -d; or
#                            needs root, though -n (tracefs is root's)
#   exit: expected status
#
# Two kinds of cases. The first compares the whole output:
#
#   stderr:            | stdout:
#   expected text, to the next "===" or "---" line (trailing blank lines
#   dropped)
#
# with exit 2 unless "exit:" says otherwise: one TAP line. The second
# makes one TAP line of "exit:" when given, and one of each check:
#
#   --- description          a check of the same run
#   got: shell code: the value under test (default: plumb's stdout)
#   want: shell code: the expected value (ground truth, $((...)), printf)
#   text: the expected value as text: on this line, or when nothing
#         follows "text:", the lines to the next "---" or "===" line
#   like: an extended regular expression that the value matches
#   ok: shell code that succeeds
#
# got, want and ok run in the test's shell (t/data/truth.sh has the
# targets' formulas) with stdin plumb's stdout, and $OUT, $ERR (plumb's
# stdout and stderr), $rc (its status), $took (its run time in ms), $GT
# (the ground truth the target printed, when cmd sends it to @GT@),
# $TARGETS, and the vars. Values are compared as "$(...)" does: without
# trailing newlines.
#
# A table: "rows:" at the end of a case, one row a line to the next
# "===" (blank lines skipped), makes one TAP line of each row, which names
# the row's line when it fails. Code of each row sees $ROW, its
# number $N (from 1), its "|"-separated fields $F1, $F2 and $F3 (the
# rest), and $NROWS:
#
#   each-prog: shell code printing the row's part of the program; the
#              parts of all rows, in order, replace @EACH@ in prog
#   each-got:  the row's value (stdin plumb's stdout)
#   each-want: its expected value
#
# Other lines outside the blocks (blank ones, "# comments") are skipped;
# inside a block they are text, so a case's comment goes under its "==="
# line. A key the runner does not know fails the file.
#
# @CALLS@, @QUERYSIM@, @TARGETS@ and @GT@ stand for the built targets and
# the ground-truth file in the program, cmd and expected text; @SRCDIR@
# for the source tree (data files kept there). A case
# that loads BPF (no -n, -d or "kernel: no"; or "kernel: yes") skips without root and
# uprobes, and fails instead under PLUMB_TEST_REQUIRE_KERNEL=1.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/data/truth.sh"

# split_cases FILE DIR: case K's keys to DIR/K.KEY, its check J's to
# DIR/K.cJ.KEY, its rows to DIR/K.rows ("LINE<tab>ROW"); DIR/count
split_cases() {
	awk -v dir="$2" -v case_keys='^(prog|args|cmd|params|env|vars|needs|kernel|exit|stdout|stderr|rows|each-prog|each-got|each-want)$' '
	function put(f, s, app) {
		if (app) print s >> f; else print s > f
		close(f)
	}
	function block(f) { mode = f; printf "" > f; close(f) }
	/^=== / { n++; chk = 0; base = dir "/" n; put(base ".name", substr($0, 5))
		  put(base ".line", FNR); mode = ""; last = ""; next }
	n == 0 { next }
	/^--- / { chk++; cbase = base ".c" chk; put(cbase ".name", substr($0, 5))
		  put(cbase ".line", FNR); mode = ""; last = ""; next }
	mode == base ".rows" { if ($0 != "") put(mode, FNR "\t" $0, 1); next }
	mode != "" { put(mode, $0, 1); next }
	/^\t/ && last != "" { put(last, $0, 1); next }
	/^[a-z-]+:( |$)/ {
		key = substr($0, 1, index($0, ":") - 1); val = substr($0, length(key) + 3)
		at = chk && key != "rows" ? cbase : base
		known = at == cbase ? key ~ /^(got|want|text|like|ok)$/ : key ~ case_keys
		if (!known) {
			put(dir "/errors", FILENAME ":" FNR ": unknown key " key ":", 1); next
		}
		if (key ~ /^(stdout|stderr|text|rows)$/ && val == "") { block(at "." key); last = ""; next }
		put(at "." key, val); last = at "." key; next
	}
	{ last = "" }
	END { print n + 0 > (dir "/count") }
	' "$1"
}

subst() {
	sed -e "s|@CALLS@|$TARGETS/calls|g" -e "s|@QUERYSIM@|$TARGETS/querysim|g" \
	    -e "s|@TARGETS@|$TARGETS|g" -e "s|@GT@|$GT|g" -e "s|@SRCDIR@|$SRCDIR|g" "$1"
}

# Drop trailing blank lines.
trim() {
	awk '{ lines[NR] = $0 } END { n = NR; while (n > 0 && lines[n] == "") n--;
	      for (i = 1; i <= n; i++) print lines[i] }'
}

# The old kind of case: exit status and whole stdout/stderr, one TAP line.
check_whole() {
	local c=$1 file=$2 name=$3 line=$4 want_exit bad=
	want_exit=$(cat "$c.exit" 2>/dev/null || echo 2)
	[ "$rc" = "$want_exit" ] || bad="exit $rc, expected $want_exit"
	for s in stderr stdout; do
		[ -f "$c.$s" ] || continue
		local gotf="$ERR"
		[ $s = stdout ] && gotf="$OUT"
		if ! subst "$c.$s" | trim >"$c.want" || ! trim <"$gotf" | cmp -s - "$c.want"; then
			bad="${bad:+$bad; }$s differs"
		fi
	done
	if [ -z "$bad" ]; then
		ok 0 "$name"
		return
	fi
	ok 1 "$name ($file:$line: $bad)"
	for s in stderr stdout; do
		[ -f "$c.$s" ] || continue
		local gotf="$ERR"
		[ $s = stdout ] && gotf="$OUT"
		subst "$c.$s" | trim | diff -u - "$gotf" | sed 's/^/# /'
	done
}

# code FILE: run the shell code in FILE with the case's vars, stdin
# plumb's stdout
code() {
	local in=/dev/null
	[ -f "$OUT" ] && in=$OUT
	(
		if [ -f "$C.vars" ]; then eval "$(cat "$C.vars")"; fi
		eval "$(cat "$1")"
	) <"$in"
}

# verdict DESCRIPTION WHERE GOT WANT: one TAP line; a diff on failure
verdict() {
	if [ "$3" = "$4" ]; then
		ok 0 "$1"
		return
	fi
	ok 1 "$1 ($2)"
	printf '%s\n' "$4" >"$C.w"
	printf '%s\n' "$3" >"$C.g"
	diff -u "$C.w" "$C.g" | sed -n '3,40s/^/# /p'
	[ -s "$ERR" ] && sed -n '1,3s/^/# stderr: /p' "$ERR"
	return 0
}

# check CHECK FILE: one check of a case; CHECK is DIR/K.cJ
check() {
	local k=$1 where got want
	where="$2:$(cat "$k.line")"
	if [ -f "$k.got" ]; then got=$(code "$k.got"); else got=$(cat "$OUT"); fi
	if [ -f "$k.ok" ]; then
		if code "$k.ok" >/dev/null 2>&1; then ok 0 "$(cat "$k.name")"; else
			ok 1 "$(cat "$k.name") ($where)"
			[ -s "$ERR" ] && sed -n '1,3s/^/# stderr: /p' "$ERR"
		fi
	elif [ -f "$k.like" ]; then
		if printf '%s\n' "$got" | grep -Eq -- "$(cat "$k.like")"; then ok 0 "$(cat "$k.name")"; else
			ok 1 "$(cat "$k.name") ($where)"
			printf '%s\n' "--- wanted /$(cat "$k.like")/ in" "$got" | sed 's/^/# /'
		fi
	else
		if [ -f "$k.text" ]; then want=$(subst "$k.text"); else want=$(code "$k.want"); fi
		verdict "$(cat "$k.name")" "$where" "$got" "$want"
	fi
}

# set_row LINE<tab>ROW: $ROW, $N, $F1, $F2, $F3 (N counts up)
set_row() {
	ROW=${1#*	}
	N=$((N + 1))
	F1=${ROW%%|*} F2= F3=
	case $ROW in *'|'*)
		F2=${ROW#*|}
		case $F2 in *'|'*) F3=${F2#*|} F2=${F2%%|*} ;; esac
	esac
}

# rows CODE-FILE: CODE for each row, its output in order
each() {
	local r
	N=0
	while IFS= read -r r; do
		set_row "$r"
		code "$1" || return 1
	done <"$C.rows"
}

# unmet CASE: why the case cannot run here, or nothing
unmet() {
	local c=$1 kernel=yes cmd
	for w in $(cat "$c.args" 2>/dev/null || printf %s -n); do
		case $w in -n|-d) kernel=no ;; esac
	done
	[ -f "$c.kernel" ] && kernel=$(cat "$c.kernel")
	if [ $kernel = yes ]; then
		[ "$(id -u)" = 0 ] || { echo "needs root (BPF, uprobes, tracefs)"; return; }
		[ -e /sys/bus/event_source/devices/uprobe/type ] || { echo "no uprobe PMU in this kernel"; return; }
	fi
	[ -x "$PLUMB" ] || { echo "no plumb binary at $PLUMB"; return; }
	for cmd in $(cat "$c.needs" 2>/dev/null); do
		command -v "$cmd" >/dev/null 2>&1 || { echo "needs $cmd"; return; }
	done
}

# run CASE: plumb as the case says; $OUT, $ERR, $rc, $took
run() {
	local c=$1 prog frag
	prog=$(subst "$c.prog")
	if [ -f "$c.each-prog" ]; then
		frag=$(each "$c.each-prog")
		prog="${prog%%@EACH@*}$frag${prog#*@EACH@}"
	fi
	eval "set -- $(cat "$c.args" 2>/dev/null || printf '%s' -n)"
	[ -f "$c.cmd" ] && set -- "$@" -c "$(subst "$c.cmd")"
	set -- "$@" "$prog"
	[ -f "$c.params" ] && eval "set -- \"\$@\" $(cat "$c.params")"
	local start
	start=$(date +%s%N)
	# shellcheck disable=SC2046
	env $(subst "$c.env" 2>/dev/null) "$PLUMB" "$@" >"$OUT" 2>"$ERR"
	rc=$?
	took=$((($(date +%s%N) - start) / 1000000))
}

run_case() {
	local c=$1 file=$2 name line n why r k
	C=$c OUT=$c.out ERR=$c.err GT=$c.gt
	name=$(cat "$c.name")
	line=$(cat "$c.line")
	NROWS=0
	[ -f "$c.rows" ] && NROWS=$(wc -l <"$c.rows")
	local checks= j=1
	while [ -f "$c.c$j.name" ]; do
		checks="$checks $c.c$j"
		j=$((j + 1))
	done
	n=1
	if [ -n "$checks" ] || [ "$NROWS" != 0 ]; then
		n=$((j - 1 + NROWS))
		[ -f "$c.exit" ] && n=$((n + 1))
	fi
	why=$(unmet "$c")
	if [ -n "$why" ]; then
		if [ "${PLUMB_TEST_REQUIRE_KERNEL:-0}" = 1 ]; then
			for _ in $(seq "$n"); do ok 1 "$name ($file:$line): required but would skip: $why"; done
		else
			for _ in $(seq "$n"); do skip "$name: $why"; done
		fi
		return
	fi
	run "$c"
	if [ $n = 1 ] && [ -z "$checks" ] && [ "$NROWS" = 0 ]; then
		check_whole "$c" "$file" "$name" "$line"
		return
	fi
	if [ -f "$c.exit" ]; then
		verdict "$name: exit $(cat "$c.exit")" "$file:$line" "$rc" "$(cat "$c.exit")"
	fi
	for k in $checks; do
		check "$k" "$file"
	done
	[ "$NROWS" = 0 ] && return
	N=0
	while IFS= read -r r; do
		set_row "$r"
		verdict "$name: $ROW" "$file:${r%%	*}" "$(code "$c.each-got")" "$(code "$c.each-want")"
	done <"$c.rows"
}

# run_cases FILE...: every case of each file, in order
run_cases() {
	local file dir i
	for file; do
		dir="$TMP/cases.$(basename "$file")"
		mkdir -p "$dir"
		split_cases "$file" "$dir"
		if [ -s "$dir/errors" ]; then
			ok 1 "${file#"$SRCDIR"/} cannot be read"
			sed 's/^/# /' "$dir/errors"
			continue
		fi
		for i in $(seq 1 "$(cat "$dir/count")"); do
			run_case "$dir/$i" "${file#"$SRCDIR"/}"
		done
	done
}
