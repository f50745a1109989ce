#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Actions: print(@m), clear(@m) and delete(@m[k]) during the run and in
# END; exit() and exit(N) (stop, print the maps, exit status); the order
# of BEGIN, the events and END. Truth: the targets' ground truth and the
# documented call sequence of calls (one thread: work, compute, add6,
# tick... per iteration).
. "$(dirname "$0")/lib.sh"

need_kernel
need_cmd jq
use_targets
GT="$TMP/gt"

# Processes still running our private calls (a -c command plumb should
# have stopped), by pid.
leftovers() {
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/exe" 2>/dev/null)" = "$TARGETS/calls" ] && echo "${p#/proc/}"
	done
}
# gone: true once no process runs our calls, waiting up to 3 s for them
gone() {
	for _ in $(seq 30); do
		[ -z "$(leftovers)" ] && return 0
		sleep 0.1
	done
	return 1
}
# end our own leftovers, so that a failure does not leave them running
reap() {
	for p in $(leftovers); do kill "$p" 2>/dev/null; done
}

# --- print() and clear() on a later probe --------------------------------------
# memsqld runs after calls has ended: its one flusher wakeup prints @c and
# @k, then clears them (records are handled in order), so that the final
# output has only @h. compute(i) with i > 0: 99 per thread.
"$PLUMB" -q -c 'calls -t 2 -n 100 -q; memsqld -t 1 -n 1 -F 1 -f 1 -q' \
	'p:calls:compute /arg0 > 0/ { @c = count(); @h = hist(arg0); @k[arg0 % 3] = count(); }
	u:memsqld:backgroundflusher { print(@c); print(@k); clear(@c); clear(@k); }' \
	>"$TMP/out" 2>"$TMP/err"
is "$?" 0 "print/clear on a later probe: plumb ran ($(head -1 "$TMP/err"))"
is "$(sed -n '1,/^$/p' "$TMP/out" | sort)" "$(printf '\n@c: 198\n@k[0]: 66\n@k[1]: 66\n@k[2]: 66' | sort)" \
	"print(@c), print(@k) show the values reached when calls ended"
is "$(grep -c '^@[ck]' "$TMP/out")" 4 "clear(@c), clear(@k): not printed again at the end"
is "$(grep -c '^@h:' "$TMP/out")" 1 "a map not cleared is printed at the end"

# --- delete() ---------------------------------------------------------------
# in a probe: tick() comes after compute(i), so @v[3] is gone for good
# once compute(3) is done; in END: @v[1]; delete(self->x) reads back as 0
"$PLUMB" -q -c 'calls -t 1 -n 20 -q' 'p:calls:compute { @v[arg0 % 4] = arg0 * 10; self->x = arg0 + 1;
		delete(self->x); @sx = sum(self->x); }
	p:calls:tick { delete(@v[3]); }
	END { delete(@v[1]); delete(@v[7]); }' >"$TMP/out" 2>"$TMP/err"
is "$(cat "$TMP/out")" "@sx: 0
@v[0]: 160
@v[2]: 180" "delete(@v[k]) in a probe and in END (a missing key is no error); delete(self->x) ($(head -1 "$TMP/err"))"

# an element of a keyed aggregation
"$PLUMB" -q -c 'calls -t 1 -n 20 -q' 'p:calls:compute { @c[arg0 % 4] = count(); @s[arg0 % 4] = sum(arg0); }
	END { delete(@c[1]); delete(@s[2]); }' >"$TMP/out" 2>"$TMP/err"
is "$(grep -v '^$' "$TMP/out" | sort)" "$(printf '@c[0]: 5\n@c[2]: 5\n@c[3]: 5\n@s[0]: 40\n@s[1]: 45\n@s[3]: 55' | sort)" \
	"delete() of an element of count() and sum() maps ($(head -1 "$TMP/err"))"

# --- print() and clear() in END ---------------------------------------------
"$PLUMB" -q -c "calls -t 3 -n 200 >$GT" 'p:calls:compute { @s = sum(arg0); @n[tid] = count(); @h = hist(arg0); }
	END { print(@s); print(@n); clear(@h); clear(@n); }' >"$TMP/out" 2>"$TMP/err"
s=$(gt "$GT" compute.sum)
is "$(sed -n 1p "$TMP/out")" "@s: $s" "END: print(@s) ($(head -1 "$TMP/err"))"
is "$(sed -n 2,4p "$TMP/out" | sort)" "$(awk '$1 == "tid" { print "@n[" $2 "]: " $4 }' "$GT" | sort)" \
	"END: print(@n)"
is "$(sed -n '5,$p' "$TMP/out")" "
@s: $s" "END: clear(@h), clear(@n): at the end, only @s"

# --- exit() -------------------------------------------------------------------
# calls -s runs for 30 s and more; exit() at compute(20) stops everything at
# once, prints the maps; -t 25s only guards against a hang
start=$(date +%s)
"$PLUMB" -q -t 25s -c 'calls -t 1 -n 30000 -s -q' 'p:calls:compute /arg0 <= 20/ { @n = count(); }
	p:calls:compute /arg0 == 20/ { exit(); }' >"$TMP/out" 2>"$TMP/err"
rc=$?
took=$(($(date +%s) - start))
is "$rc" 0 "exit(): status 0"
is "$(cat "$TMP/out")" "@n: 21" "exit(): the maps are printed"
is "$(cat "$TMP/err")" "" "exit(): nothing on stderr"
ok "$([ "$took" -lt 15 ] && echo 0 || echo 1)" "exit(): plumb stopped at once (${took}s)"
gone
ok $? "exit(): the -c command is stopped too (left: $(leftovers | paste -sd' '))"
reap

"$PLUMB" -q -t 25s -c 'calls -t 1 -n 30000 -s -q' 'p:calls:compute /arg0 == 5/ { exit(3); }
	END { printf("end\n"); }' >"$TMP/out" 2>"$TMP/err"
is "$?" 3 "exit(3): status 3"
is "$(cat "$TMP/out" "$TMP/err")" "end" "exit(3): END runs"
gone
ok $? "exit(3): the -c command is stopped too"
reap

"$PLUMB" -q 'BEGIN { @a = 1; exit(7); } END { printf("end %d\n", @a); }' \
	>"$TMP/out" 2>"$TMP/err"
is "$?" 7 "exit(7) in BEGIN: status 7"
is "$(cat "$TMP/out" "$TMP/err")" "$(printf 'end 1\n@a: 1')" \
	"exit(7) in BEGIN: END runs, the maps are printed"

"$PLUMB" -q -j 'BEGIN { @a = 5; exit(); }' >"$TMP/out" 2>"$TMP/err"
is "$?" 0 "exit() with -j: status 0"
is "$(cat "$TMP/out" "$TMP/err")" '{"type":"attached_probes","data":{"probes":1}}
{"type":"map","data":{"@a":5}}' "exit() with -j: the maps as JSON"

# --- order of BEGIN, events and END -------------------------------------------
"$PLUMB" -q -c "calls -t 2 -n 50 >$GT" 'BEGIN { printf("begin\n"); }
	p:calls:compute { printf("event %d\n", arg0); }
	END { printf("end\n"); }' >"$TMP/out" 2>"$TMP/err"
is "$(head -1 "$TMP/out")" begin "BEGIN's line comes before any event's"
is "$(tail -1 "$TMP/out")" end "END's line comes after every event's"
is "$(grep -c '^event ' "$TMP/out")" "$(gt "$GT" compute.calls)" "every event in between"
is "$(wc -l <"$TMP/out")" $(($(gt "$GT" compute.calls) + 2)) "nothing else"

"$PLUMB" -q -j -c "calls -t 2 -n 50 -q" 'BEGIN { printf("begin\n"); }
	p:calls:compute { @n = count(); }
	END { printf("end\n"); }' >"$TMP/out" 2>"$TMP/err"
is "$(jq -c . "$TMP/out" | paste -sd' ')" '{"type":"attached_probes","data":{"probes":3}} {"type":"printf","data":"begin\n"} {"type":"printf","data":"end\n"} {"type":"map","data":{"@n":100}}' \
	"-j: attached_probes, BEGIN, END, then the maps"

done_testing
