#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Every example of man/plumb.1 runs, against the test targets, and prints
# what the page says it does: the manual cannot drift from the code.
# Comments before an example: ".\" run: OPTIONS" (added to each plumb of
# the example), ".\" expect: REGEX" (a line of its output must match),
# ".\" stderr" (match standard error instead), ".\" status: N",
# ".\" setup: COMMAND" (started before, ended after), ".\" needs: PMU" (a
# kernel without that PMU must refuse plainly, with status 1).
. "$(dirname "$0")/lib.sh"

need_kernel
use_targets
MAN="$SRCDIR/man/plumb.1"

# One example per file: key=value lines, then "cmd" and the command with
# roff escapes undone.
awk -v dir="$TMP" '
	function field(k, v) { meta[k] = v }
	/^\.\\" run: / { field("run", substr($0, 10)); next }
	/^\.\\" expect: / { field("expect", substr($0, 13)); next }
	/^\.\\" status: / { field("status", substr($0, 13)); next }
	/^\.\\" setup: / { field("setup", substr($0, 12)); next }
	/^\.\\" needs: / { field("needs", substr($0, 12)); next }
	/^\.\\" stderr/ { field("stderr", 1); next }
	/^\.EX/ && ("run" in meta) {
		n++; f = dir "/ex" n
		for (k in meta) print k "=" meta[k] > f
		print "cmd" >> f
		inex = 1; next
	}
	/^\.EE/ { if (inex) close(f); inex = 0; split("", meta); next }
	inex { gsub(/\\e/, "\\"); gsub(/\\-/, "-"); print >> f }
' "$MAN"

get() { sed -n "/^cmd\$/q; s/^$1=//p" "$2"; }

# "plumb" in an example is this plumb, with the example's run options
plumb() {
	eval "set -- $run \"\$@\""
	"$PLUMB" -q "$@"
}

total=$(ls "$TMP"/ex* | wc -l)
mkdir -p "$TMP/cwd"
for i in $(seq 1 "$total"); do
	ex="$TMP/ex$i"
	run=$(get run "$ex")
	expect=$(get expect "$ex")
	status=$(get status "$ex")
	setup=$(get setup "$ex")
	needs=$(get needs "$ex")
	cmd=$(sed '1,/^cmd$/d' "$ex")
	spid=
	if [ -n "$setup" ]; then
		$setup & spid=$!
		sleep 0.3
	fi
	# in a directory of their own: examples may write files
	(cd "$TMP/cwd" && eval "$cmd") >"$TMP/out" 2>"$TMP/err"
	rc=$?
	[ -n "$spid" ] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null
	got="$TMP/out"
	[ -n "$(get stderr "$ex")" ] && got="$TMP/err"
	first=$(printf '%s\n' "$cmd" | head -1)
	if [ -n "$needs" ] && [ ! -e "/sys/bus/event_source/devices/$needs" ]; then
		# a kernel without the feature must say so, plainly, with status 1
		grep -q "has no ${needs}s" "$TMP/err" && [ "$rc" = 1 ]
		ok $? "man example (no $needs here: refused plainly): $first"
		continue
	fi
	if [ "$rc" = "${status:-0}" ] && { [ -z "$expect" ] || grep -Eq -- "$expect" "$got"; }; then
		ok 0 "man example: $first"
	else
		ok 1 "man example: $first (exit $rc, wanted ${status:-0} and /$expect/)"
		sed 's/^/# out: /' "$TMP/out" | head -20
		sed 's/^/# err: /' "$TMP/err" | head -20
	fi
done

# every builtin, function, aggregation and option has an example
sed -n '/^\.SH EXAMPLES/,/^\.SH EXIT/p' "$MAN" | sed -n '/^\.EX/,/^\.EE/p' >"$TMP/examples"
for word in pid tid uid gid cpu comm nsecs elapsed cgroup arg0 retval func probe ustack \
	kstack args. str usym printf print clear delete exit startswith contains count sum avg \
	min max stats hist lhist self- BEGIN END u: p: r: t: i: profile kprobe; do
	grep -q -- "$word" "$TMP/examples"
	ok $? "an example uses $word"
done
for opt in -p -c -l -d -n -j -t -s -f -q -v -h --version -e -o -k --dry-run; do
	grep -qE -- "(^| )plumb.* $opt( |$)|^plumb $opt" "$TMP/examples" || grep -q -- "$opt " "$TMP/examples"
	ok $? "an example uses $opt"
done
done_testing
