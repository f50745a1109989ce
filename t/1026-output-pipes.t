#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Output under pressure: lost events (a reader too slow for the ring
# buffer) and pipelines that close early. These stay shell, not cases of
# t/data/output.cases: each runs plumb into a pipe whose reader the test
# controls (a sleeping reader, head -3 on a fifo with plumb in the
# background) and checks how plumb and its -c command end.
. "$(dirname "$0")/lib.sh"

need_kernel
need_cmd jq
use_targets
GT="$TMP/gt"

# --- lost events -------------------------------------------------------------------
# A reader that does not read for 2 s while querysim fires 60000 probes,
# each a record of more than 256 bytes (4 MB of ring buffer hold ~15000):
# what is printed and what is reported lost must add up to every event.
PROG='u:memsqld:querystart(char *q) { printf("%d%.0s\n", tid, str(q, 256)); }'
"$PLUMB" -q -c "memsqld -t 2 -n 30000 >$GT" "$PROG" 2>"$TMP/err" | (sleep 2; cat) >"$TMP/out"
printed=$(wc -l <"$TMP/out")
lost=$(sed -n 's/^plumb: \([0-9]*\) events\{0,1\} lost.*/\1/p' "$TMP/err")
[ "${lost:-0}" -gt 0 ] || diag "no event was lost: the ring buffer did not overflow"
is "$((printed + ${lost:-0}))" "$(gt "$GT" querystart.calls)" \
	"text: printed + reported lost = every event ($printed + ${lost:-none})"
is "$(grep -cv ' lost: ' "$TMP/err")" 0 "text: the lost count is the only thing on stderr"
"$PLUMB" -q -j -c "memsqld -t 2 -n 30000 >$GT" "$PROG" 2>"$TMP/err" | (sleep 2; cat) >"$TMP/out"
printed=$(jq -c 'select(.type == "printf")' "$TMP/out" | wc -l)
lost=$(jq -r 'select(.type == "lost_events") | .data.events' "$TMP/out")
[ "${lost:-0}" -gt 0 ] || diag "no event was lost: the ring buffer did not overflow"
is "$((printed + ${lost:-0}))" "$(gt "$GT" querystart.calls)" \
	"JSON: printf lines + lost_events = every event ($printed + ${lost:-none})"
is "$(jq -c 'select(.type == "lost_events") | keys' "$TMP/out")" '["data","type"]' \
	"JSON: {\"type\":\"lost_events\",\"data\":{\"events\":N}}"
is "$(cat "$TMP/err")" "" "JSON: nothing on stderr"

# --- pipelines ------------------------------------------------------------------------
# head -3 closes the pipe; plumb must end at once, with status 0, silently
# (the target would run for 30 s and more; -t 25s only guards against a hang)
leftovers() {
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/exe" 2>/dev/null)" = "$TARGETS/calls" ] && echo "${p#/proc/}"
	done
}
mkfifo "$TMP/fifo"
for j in "" -j; do
	start=$(date +%s)
	# shellcheck disable=SC2086
	"$PLUMB" -q $j -t 25s -c 'calls -t 1 -n 30000 -s -q' 'p:calls:compute { printf("%d\n", arg0); }' \
		>"$TMP/fifo" 2>"$TMP/err" &
	pid=$!
	head -3 <"$TMP/fifo" >"$TMP/out"
	wait $pid
	rc=$?
	took=$(($(date +%s) - start))
	if [ -z "$j" ]; then
		is "$(cat "$TMP/out")" "0
1
2" "| head -3: the first three events"
	else
		is "$(jq -c '.data' "$TMP/out")" '{"probes":1}
"0\n"
"1\n"' "-j | head -3: attached_probes, then the first events"
	fi
	is "$rc" 0 "${j:+-j }| head -3: status 0"
	is "$(cat "$TMP/err")" "" "${j:+-j }| head -3: nothing on stderr"
	ok "$([ "$took" -lt 15 ] && echo 0 || echo 1)" "${j:+-j }| head -3: plumb ended at once (${took}s)"
	# the -c command ends with plumb (waiting up to 3 s for it to go)
	for _ in $(seq 30); do [ -z "$(leftovers)" ] && break; sleep 0.1; done
	is "$(leftovers)" "" "${j:+-j }| head -3: the -c command is stopped too"
	for p in $(leftovers); do kill "$p" 2>/dev/null; done
done

done_testing
