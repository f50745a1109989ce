#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Bounded memory: the usym() cache is bounded in bytes (a unit test over
# live processes), and the "needs root" message is printed once however
# many maps and probes the program has.
. "$(dirname "$0")/lib.sh"

"$UNITDIR/test-symcache" >"$TMP/unit" 2>&1
st=$?
sed 's/^/# /' "$TMP/unit"
is "$st" 0 "the symbol cache stays within its bound and answers right (t/unit/test-symcache.c)"

command -v setpriv >/dev/null 2>&1 || { skip "setpriv (util-linux) is missing"; done_testing; exit 0; }
unpriv() {
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$PLUMB" -q "$@"
}
unpriv 'BEGIN { @a = count(); @b = count(); @c = count(); @d[1] = 1; }' >"$TMP/out" 2>"$TMP/err"
is "$?" 1 "without privilege, four maps: exit 1"
is "$(grep -c 'needs root' "$TMP/err")" 1 "... 'needs root' said once"
unpriv 'BEGIN { printf("x\n"); }' >"$TMP/out" 2>"$TMP/err"
is "$(grep -c 'needs root' "$TMP/err")" 1 "without privilege, no map of the program's, plumb's own three: said once"
unpriv 'tracepoint:sched:sched_switch { @a = count(); } tracepoint:sched:sched_wakeup { @b = count(); }
tracepoint:sched:sched_process_exit { @c = count(); }' >"$TMP/out" 2>"$TMP/err"
is "$?" 1 "without privilege, three tracepoints: exit 1"
is "$(grep -c 'needs root' "$TMP/err")" 1 "... 'needs root' said once"

done_testing
