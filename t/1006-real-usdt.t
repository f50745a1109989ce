#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# A real server's own USDT probes, from a Debian package: CPython 3.11's
# python:gc__start (arg0 the generation) and python:gc__done (arg0 the
# objects found unreachable), in a non-PIE binary, behind semaphores.
. "$(dirname "$0")/lib.sh"

need_kernel
need_cmd jq
need_cmd readelf
# the Debian binary itself: a python3.11 found first on PATH may be a
# wrapper script (pyenv) or another build without probes
PY=/usr/bin/python3.11
[ -x "$PY" ] || skip_all "needs $PY (Debian package python3.11)"

jv() {
	jq -r --arg m "$1" 'select(.data[$m] != null) | .data[$m] | tostring' "$TMP/out"
}

# What makes these probes a good test: check it rather than assume it.
is "$(readelf -h "$PY" | awk '$1 == "Type:" { print $2 }')" EXEC "$PY is not PIE (ET_EXEC)"
for p in gc__start gc__done; do
	sem=$(readelf -n "$PY" | awk -v p="$p" '$1 == "Name:" { cur = $2 }
		$1 == "Location:" && cur == p { print $NF }')
	n=$(printf '%s\n' "$sem" | grep -c .)
	ok "$([ "$n" = 1 ] && printf '%s\n' "$sem" | grep -Eq '^0x0*[1-9a-f][0-9a-f]*$' &&
		echo 0 || echo 1)" "python:$p has one site, with a semaphore ($sem)"
done

# The one-liner: every explicit collection is seen; Python may collect on
# its own too (at start-up, at exit), so at least 20 per generation.
"$PLUMB" -q -j -c "$PY -c 'import gc; [gc.collect(i % 3) for i in range(60)]'" \
	"u:$PY:gc__start { @[arg0] = count(); }" >"$TMP/out" 2>"$TMP/err"
is "$?" 0 "gc__start by generation: plumb ran"
for g in 0 1 2; do
	n=$(jq -r --arg g "$g" '.data["@"] // empty | .[$g] // 0' "$TMP/out")
	ok "$([ "$n" -ge 20 ] && echo 0 || echo 1)" "gc__start: generation $g seen $n times (at least 20)"
done

# Exactly: Python's automatic collections are switched off first, and the
# audit probe (arg0 the event name) marks where the explicit collections
# begin and end on this thread.  gc.collect() returns what gc__done
# reports, so the script's own total is the ground truth of the sum.
cat >"$TMP/gc.py" <<'EOF'
import gc, sys
gc.disable()
sys.audit("plumb.begin")
total = 0
for i in range(60):
    a = []; b = [a]; a.append(b); del a, b  # a cycle to find
    total += gc.collect(i % 3)
sys.audit("plumb.end")
print("collected", total)
EOF
PATH="$(dirname "$PY"):$PATH" "$PLUMB" -q -j -c "$PY $TMP/gc.py >$TMP/gt" '
	u:python3.11:python:audit /str(arg0) == "plumb.begin"/ { self->on = 1; }
	u:python3.11:python:audit /str(arg0) == "plumb.end"/ { self->on = 0; }
	u:python3.11:python:gc__start /self->on/ { @gen[arg0] = count(); }
	u:python3.11:python:gc__done /self->on/ { @done = count(); @found = sum(arg0); }' \
	>"$TMP/out" 2>"$TMP/err"
is "$?" 0 "exact counts: plumb ran (python3.11 found on PATH, provider named)"
is "$(jq -r '.data["@gen"] // empty | to_entries[] | "\(.key) \(.value)"' "$TMP/out" | sort)" \
	"0 20
1 20
2 20" "exact counts: gc__start 20 times for each generation"
is "$(jv @done)" 60 "exact counts: gc__done once per collection"
is "$(jv @found)" "$(awk '$1 == "collected" { print $2 }' "$TMP/gt")" \
	"exact counts: gc__done's arg0 adds up to what gc.collect() returned"
like "$(awk '$1 == "collected" { print $2 }' "$TMP/gt")" '^[1-9]' "the script found garbage to collect"

done_testing
