#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# A probed binary replaced while traced is noticed and said once on
# stderr. "cp" over it rewrites the same inode: the probes on it are
# detached (their breakpoints would land at the old offsets in the new
# code of every process that maps it) and the others go on. "mv" over it
# gives the name a new inode: the probes stay on the old one.
. "$(dirname "$0")/lib.sh"

need_kernel
use_targets

W="$TMP/w"
mkdir -p "$W"
cp "$TARGETS/calls" "$W/over-cp"
cp "$TARGETS/calls" "$W/over-mv"
cp "$TARGETS/calls" "$W/kept"

"$PLUMB" -q "BEGIN { printf(\"go\\n\"); }
	p:$W/over-cp:work { @cp = count(); } p:$W/over-cp:tick { @cptick = count(); }
	p:$W/over-mv:work { @mv = count(); } p:$W/kept:work { @kept = count(); }" \
	>"$TMP/out" 2>"$TMP/err" &
pid=$!
for _ in $(seq 200); do
	grep -q go "$TMP/out" && break
	sleep 0.05
done

# until the warning about FILE is out
said() {
	for _ in $(seq 100); do
		grep -q "$1 was" "$TMP/err" && return 0
		sleep 0.05
	done
	return 1
}

# cp: the same inode, dupsite's code where calls' was
ino=$(stat -c %i "$W/over-cp")
cp "$TARGETS/dupsite" "$W/over-cp"
is "$(stat -c %i "$W/over-cp")" "$ino" "cp over a binary keeps its inode"
said "$W/over-cp"
is "$(grep -c "over-cp was" "$TMP/err")" 1 "cp over a probed binary: said once"
is "$(grep "over-cp was" "$TMP/err")" "plumb: warning: $W/over-cp was overwritten while traced: its probes (2 sites) are detached, as their breakpoints would land at the old offsets in the new code; the other probes go on" \
	"... that its probes are detached, and why"
"$W/over-cp" -n 1000 | grep -v '^pid' >"$TMP/new.out"
"$TARGETS/dupsite" -n 1000 | grep -v '^pid' >"$TMP/truth"
same "$TMP/new.out" "$TMP/truth" "... and the new program there computes what it should"
# calls again in the same inode: detached, its runs are not counted
cp "$TARGETS/calls" "$W/over-cp"
"$W/over-cp" -t 1 -n 100 -q

# mv: a new inode under the old name
cp "$TARGETS/dupsite" "$W/new"
mv "$W/new" "$W/over-mv"
said "$W/over-mv"
is "$(grep "over-mv was" "$TMP/err")" "plumb: warning: $W/over-mv was replaced (another file took its name) while traced: its probes stay on the old file, for the processes that run it; processes started from the new file now are not traced" \
	"mv over a probed binary: said"
"$W/over-mv" -n 1000 | grep -v '^pid' >"$TMP/new.out"
same "$TMP/new.out" "$TMP/truth" "... and the new program computes what it should"

# the rest goes on; more changes say nothing more
"$W/kept" -t 2 -n 50 -q
chmod -x "$W/over-cp"
touch "$W/over-mv"
sleep 0.3
kill -INT $pid
wait $pid
is "$?" 0 "plumb goes on, and stops at SIGINT with status 0"
# (a count never taken prints 0, as bpftrace prints it)
is "$(cat "$TMP/out")" "go
@cp: 0
@cptick: 0
@kept: 100
@mv: 0" "... the binary left alone is traced, every call counted; the overwritten one is not"
is "$(wc -l <"$TMP/err")" 2 "... one line per replaced binary, no more"

done_testing
