# SPDX-License-Identifier: GPL-2.0-only
# Data-driven cases: a .cases file holds blocks
#
#   === description
#   prog: the one-liner (one line)
#   args: options before the program (default: -n)
#   params: positional parameters after the program
#   exit: expected status (default: 2)
#   stderr:            | stdout:
#   expected text, to the next "===" line (trailing blank lines dropped)
#
# @CALLS@, @QUERYSIM@ and @TARGETS@ stand for the built targets in both the
# program and the expected text. run_cases FILE prints TAP lines, naming
# the case's file and line on failure.

. "$(dirname "$0")/lib.sh"

split_cases() {
	awk -v dir="$2" '
	function flush() { if (n) { close(f) } }
	/^=== / { n++; f = dir "/" n; print substr($0, 5) > (f ".name"); close(f ".name");
		  print FNR > (f ".line"); close(f ".line"); mode = ""; next }
	n == 0 { next }
	mode == "" && /^prog: / { print substr($0, 7) > (f ".prog"); close(f ".prog"); next }
	mode == "" && /^args: / { print substr($0, 7) > (f ".args"); close(f ".args"); next }
	mode == "" && /^params: / { print substr($0, 9) > (f ".params"); close(f ".params"); next }
	mode == "" && /^exit: / { print substr($0, 7) > (f ".exit"); close(f ".exit"); next }
	mode == "" && /^(stderr|stdout):$/ { mode = substr($0, 1, 6); printf "" > (f "." mode); next }
	mode != "" { print > (f "." mode) }
	END { print n > (dir "/count") }
	' "$1"
}

subst() {
	sed -e "s|@CALLS@|$TARGETS/calls|g" -e "s|@QUERYSIM@|$TARGETS/querysim|g" \
	    -e "s|@TARGETS@|$TARGETS|g" "$1"
}

# Drop trailing blank lines.
trim() {
	awk '{ lines[NR] = $0 } END { n = NR; while (n > 0 && lines[n] == "") n--;
	      for (i = 1; i <= n; i++) print lines[i] }'
}

run_case() {
	local c=$1 file=$2 name line prog args want_exit params
	name=$(cat "$c.name")
	line=$(cat "$c.line")
	prog=$(subst "$c.prog")
	args=$(cat "$c.args" 2>/dev/null || printf '%s' -n)
	params=$(cat "$c.params" 2>/dev/null || true)
	want_exit=$(cat "$c.exit" 2>/dev/null || echo 2)
	# shellcheck disable=SC2086
	"$PLUMB" $args "$prog" $params >"$c.out" 2>"$c.err"
	local got=$? bad=
	[ "$got" = "$want_exit" ] || bad="exit $got, expected $want_exit"
	for s in stderr stdout; do
		[ -f "$c.$s" ] || continue
		local gotf="$c.err"
		[ $s = stdout ] && gotf="$c.out"
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
		local gotf="$c.err"
		[ $s = stdout ] && gotf="$c.out"
		subst "$c.$s" | trim | diff -u - "$gotf" | sed 's/^/# /'
	done
}

run_cases() {
	local file=$1 dir="$TMP/cases.$$"
	mkdir -p "$dir"
	split_cases "$file" "$dir"
	local n
	n=$(cat "$dir/count")
	for i in $(seq 1 "$n"); do
		run_case "$dir/$i" "${file#"$SRCDIR"/}"
	done
}
