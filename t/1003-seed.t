#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The seed document's one-liners, written as README.md lists them, on
# memsqld (found on PATH, as in the seed's PATH=$PATH:/var/lib/memsql):
# every figure must equal the target's own ground truth.
. "$(dirname "$0")/lib.sh"

need_kernel
need_cmd jq
use_targets
GT="$TMP/gt"

# trace "MEMSQLD ARGS" PROGRAM: JSON lines in $TMP/out, ground truth in $GT
trace() {
	"$PLUMB" -q -j -c "memsqld $1 >$GT" "$2" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	[ "$rc" = 0 ] || diag "plumb failed ($rc): $(cat "$TMP/err")"
}

# keys MAP: "key value" lines of a keyed map, sorted
keys() {
	jq -r --arg m "$1" '.data[$m] // empty | to_entries[] | "\(.key) \(.value)"' \
		"$TMP/out" | sort
}

# Scalar value of a map.
jv() {
	jq -r --arg m "$1" 'select(.data[$m] != null) | .data[$m] | tostring' "$TMP/out"
}

# The query texts as a 63-byte string read sees them (64 with the NUL):
# "COUNT TEXT" from the ground truth's "query COUNT TEXT" lines.
texts63() {
	awk '$1 == "query" { c = $2; sub(/^query [0-9]+ /, ""); print c, substr($0, 1, 63) }' "$1"
}

# --- each query as it executes (trace 'u:memsqld:querystart "%s", arg1') ---
for arg in 'str(query)' query; do
	"$PLUMB" -q -c "memsqld -t 3 -n 150 -F 0 >$GT" \
		"u:memsqld:querystart(char *query) { printf(\"%s\\n\", $arg); }" >"$TMP/text" 2>"$TMP/err"
	is "$?" 0 "printf %s of $arg: plumb ran"
	got=$(sort "$TMP/text" | uniq -c | awk '{ c = $1; sub(/^ *[0-9]+ /, ""); print c, $0 }' | sort)
	is "$got" "$(texts63 "$GT" | sort)" \
		"printf %s of $arg: the lines are the queries run, cut to 63 bytes, as a multiset"
	is "$(wc -l <"$TMP/text" | tr -d ' ')" "$(gt "$GT" querystart.calls)" \
		"printf %s of $arg: one line per querystart"
done

# --- the histogram of query latencies (argdist -H ...queryend(u64 arg1)) ---
trace '-t 3 -n 400 -F 0' 'u:memsqld:queryend(u64 latency) { @ = hist(latency); }'
is "$rc" 0 "latency histogram: plumb ran"
# ground truth rows "latency.hist LO HI COUNT" are [LO, HI); JSON bounds inclusive
awk '$1 == "latency.hist" { printf "%s %.0f %s\n", $2, $3 - 1, $4 }' "$GT" >"$TMP/want"
jq -r '.data["@"] // empty | .[] | select(.count > 0) | "\(.min) \(.max) \(.count)"' \
	"$TMP/out" >"$TMP/got"
is "$(cat "$TMP/got")" "$(cat "$TMP/want")" "latency histogram: every non-empty bucket"

# --- background flusher wakeups, by thread (argdist -C ...:u32:$PID) ---
trace '-t 1 -n 10 -f 1 -F 12' 'u:memsqld:backgroundflusher { @[tid] = count(); @p[pid] = count(); }'
is "$rc" 0 "flusher: plumb ran"
is "$(keys @)" "$(gt "$GT" flusher.tid) $(gt "$GT" flusher.wakeups)" \
	"flusher: one key, the flusher's tid, with every wakeup"
is "$(keys @p)" "$(gt "$GT" pid) $(gt "$GT" flusher.wakeups)" "flusher: by pid, as argdist's \$PID"

# --- snapshot file and database names (argdist ...beginsnapshot(char*, char*)) ---
# 40 wakeups: 13 snapshots, so the six (file, db) pairs get 2 or 3 each
for k in 'file, db' 'str(file), str(db)'; do
	trace '-t 1 -n 1 -f 1 -F 40' \
		"u:memsqld:beginsnapshot(char *file, char *db) { @[$k] = count(); }"
	is "$(keys @)" "$(awk '$1 == "snapshot" { print $3 "," $4, $2 }' "$GT" | sort)" \
		"snapshots: @[$k] = count(), every (file, db) pair"
done

# --- queries with plan 7, by text (the README's first one-liner) ---
trace '-t 3 -n 400 -F 0' \
	'u:memsqld:querystart(char *query, u64 plan) /plan == 7/ { @[str(query)] = count(); }'
is "$rc" 0 "plan 7 by text: plumb ran"
# The target prints no per-plan-per-text count: derive it from README.md's
# formulas (text (t + i) % 6, plan 1 + (i + 4t) % 9), with the texts in
# table order from the "query" lines.
want=$(texts63 "$GT" | awk -v T="$(gt "$GT" threads)" -v N="$(gt "$GT" queries)" '
	{ sub(/^[0-9]+ /, ""); text[nt++] = $0 }
	END {
		for (t = 0; t < T; t++)
			for (i = 0; i < N; i++)
				if (1 + (i + 4 * t) % 9 == 7)
					n[(t + i) % 6]++
		for (q = 0; q < nt; q++)
			if (n[q])
				print text[q], n[q]
	}' | sort)
is "$(keys @)" "$want" "plan 7 by text: each text's count, exactly"
is "$(jq -r '.data["@"] // empty | [.[]] | add' "$TMP/out")" "$(gt "$GT" plan7.calls)" \
	"plan 7 by text: the counts add up to plan7.calls"

# --- the design card's form: < ... > block, arg1 beside named arguments ---
trace '-t 2 -n 300 -F 0' 'u:memsqld:querystart(char *query, u64 plan) /plan==7/ < @[arg1]=count(); >'
is "$rc" 0 "design card form: plumb ran"
is "$(keys @)" "7 $(gt "$GT" plan7.calls)" "design card form: one key, 7, with plan7.calls"

# --- latency measured by plumb, with a thread-local (README's last one-liner) ---
trace '-t 4 -n 300 -F 0' 'u:memsqld:querystart { self->t = nsecs; }
	u:memsqld:queryend /self->t/ { @n = count(); self->t = 0; }'
is "$rc" 0 "self->t: plumb ran"
is "$(jv @n)" "$(gt "$GT" queryend.calls)" "self->t: queryend counted once per query"

trace '-t 4 -n 300 -F 0' 'u:memsqld:querystart { self->t = nsecs; }
	u:memsqld:queryend /self->t/ { @lat = hist(nsecs - self->t); self->t = 0; }'
is "$rc" 0 "self->t hist: plumb ran"
is "$(jq -r '.data["@lat"] // empty | map(.count) | add' "$TMP/out")" \
	"$(gt "$GT" queryend.calls)" "self->t hist: one latency per query"
is "$(jq -r '.data["@lat"] // empty | map(select(.min == null or .min < 0)) | length' "$TMP/out")" \
	0 "self->t hist: no negative latency"

# Assigning 0 deletes: with room for one thread-local only
# (PLUMB_MAP_KEYS=1) and three single-query-thread processes run one
# after the other, each new thread finds room only if the last one's entry
# was deleted, not merely zeroed.  @stale counts querystarts that find the
# variable still set, which queryend's assignment must have prevented.
SEQ="memsqld -t 1 -n 200 -F 0 >$GT.1 && memsqld -t 1 -n 200 -F 0 >$GT.2 &&
	memsqld -t 1 -n 200 -F 0 >$GT.3"
PLUMB_MAP_KEYS=1 "$PLUMB" -q -j -c "$SEQ" \
	'u:memsqld:querystart { if (self->t) { @stale = count(); } self->t = nsecs; }
	u:memsqld:queryend /self->t/ { @n = count(); self->t = 0; }' >"$TMP/out" 2>"$TMP/err"
is "$?" 0 "self->t = 0 deletes: plumb ran"
is "$(jv @n)" "$(($(gt "$GT.1" queryend.calls) + $(gt "$GT.2" queryend.calls) + \
	$(gt "$GT.3" queryend.calls)))" "self->t = 0 deletes: every query of three threads counted"
is "$(jv @stale)" "0" "self->t = 0 deletes: querystart never finds it set (@stale never counted: 0)"
is "$(cat "$TMP/err")" "" "self->t = 0 deletes: no update dropped"

# The control: without the delete, the second and third threads find the
# one-entry map full, and plumb says so.  This shows the check above can fail.
PLUMB_MAP_KEYS=1 "$PLUMB" -q -j -c "$SEQ" \
	'u:memsqld:querystart { self->t = nsecs; }
	u:memsqld:queryend /self->t/ { @n = count(); self->t = 1; }' >"$TMP/out" 2>"$TMP/err"
is "$(jv @n)" "$(gt "$GT.1" queryend.calls)" "control (self->t = 1): only the first thread fits"
like "$(cat "$TMP/err")" "self->t: [0-9]+ updates? dropped: the map is full" \
	"control (self->t = 1): the full map is reported"

done_testing
