#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The helpers the live tests wait with (t/lib.sh). Under load, tests that
# reused a stderr file read the previous plumb's "Attached" banner before
# the new plumb's shell had emptied the file, and ran their workload
# before plumb attached: the target counted USDT probes that plumb never
# saw, and a SIGINT sent before plumb's main() was lost (a background job
# starts with SIGINT ignored). bg_plumb empties the file before it starts
# plumb; here a stand-in for plumb that takes a second to attach shows
# that wait_banner then waits for the new banner.
. "$(dirname "$0")/lib.sh"

need_cmd python3

cat >"$TMP/slow-plumb" <<'SH'
#!/bin/sh
sleep 1
echo "Attached 1 probe" >&2
echo "$*"
SH
chmod +x "$TMP/slow-plumb"
PLUMB="$TMP/slow-plumb"

echo "Attached 1 probe" >"$TMP/err"	# an earlier run's banner
start=$(date +%s%N)
bg_plumb "$TMP/out" "$TMP/err" -q 'BEGIN { exit(); }'
wait_banner "$TMP/err"
ok $? 'wait_banner sees the new banner'
waited=$((($(date +%s%N) - start) / 1000000))
[ "$waited" -ge 900 ]
ok $? "... not the earlier one (waited ${waited} ms for a plumb that takes 1 s to attach)"
wait "$P"
is "$?:$(cat "$TMP/out")" "0:-q BEGIN { exit(); }" 'bg_plumb passes the arguments and sets P'

# free_port: a port that can be bound
port=$(free_port)
python3 -c 'import socket,sys; s=socket.socket(); s.bind(("127.0.0.1",int(sys.argv[1])))' "$port"
ok $? "free_port: $port can be bound"

# exits_within, and PIDS stopped at exit
sleep 30 &
S=$!
PIDS="$S"
exits_within 1 "$S"
is "$?" 1 'exits_within: a process still there fails'
stop_pids
exits_within 2 "$S"
ok $? 'stop_pids stops what PIDS lists'
wait "$S" 2>/dev/null

done_testing
