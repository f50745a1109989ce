#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The USDT machinery on querysim: every argument form of the PIE, non-PIE
# and shared-library builds, multi-site probes, semaphores (on while plumb
# is attached, off after it has gone however it went), -p, wildcards, the
# ways to name a binary, duplicate notes, diagnostics and string sizes.
# Figures come from the targets' ground truth, sites from readelf.
. "$(dirname "$0")/lib.sh"

need_kernel
need_cmd jq
need_cmd readelf
need_cmd nm
use_targets
GT="$TMP/gt"

# trace "COMMAND" PROGRAM [PLUMB OPTIONS]: JSON lines in $TMP/out, the
# banner and diagnostics in $TMP/err (no -q: the banner is checked)
trace() {
	_cmd=$1
	_prog=$2
	shift 2
	"$PLUMB" -j "$@" -c "$_cmd" "$_prog" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	[ "$rc" = 0 ] || diag "plumb failed ($rc): $(cat "$TMP/err")"
}

# Scalar value of a map.
jv() {
	jq -r --arg m "$1" 'select(.data[$m] != null) | .data[$m] | tostring' "$TMP/out"
}

# keys MAP: "key value" lines of a keyed map, sorted
keys() {
	jq -r --arg m "$1" '.data[$m] // empty | to_entries[] | "\(.key) \(.value)"' \
		"$TMP/out" | sort
}

# texts N GT: "TEXT COUNT" for the query texts cut to N-1 bytes (a string
# of N bytes with its NUL), counts of equal prefixes added, sorted
texts() {
	awk -v n="$1" '$1 == "query" { c = $2; sub(/^query [0-9]+ /, "");
		s[substr($0, 1, n - 1)] += c }
		END { for (k in s) print k, s[k] }' "$2" | sort
}

# notes BIN [NAME]: how many NT_STAPSDT notes (of probe NAME) readelf sees
notes() {
	if [ $# = 1 ]; then
		readelf -n "$1" | grep -c 'NT_STAPSDT'
	else
		readelf -n "$1" | grep -c "^ *Name: $2\$"
	fi
}

# site_pcs BIN NAME: the Location of each note of probe NAME, in note order
site_pcs() {
	readelf -n "$1" | awk -v n="$2" '$1 == "Name:" { cur = $2 }
		$1 == "Location:" && cur == n { sub(/,$/, "", $2); print $2 }'
}

# spec BIN NAME: the argument specs of probe NAME's first note
spec() {
	readelf -n "$1" | awk -v n="$2" '$1 == "Name:" { cur = $2 }
		$1 == "Arguments:" && cur == n { $1 = ""; sub(/^ /, ""); print; exit }'
}

# banner PROGRAM: the "Attached ..." line plumb writes to stderr once every
# probe of PROGRAM is attached (-j replaces it with a JSON line)
banner() {
	"$PLUMB" -c true "$1" >/dev/null 2>"$TMP/banner"
	grep '^Attached' "$TMP/banner"
}

# ---------------------------------------------------------------------------
# Every argument form: PIE, non-PIE (symbol+index operands in beginsnapshot),
# shared library (attached by its path, run through querysim-lib).
for variant in querysim querysim-nopie lib; do
	case $variant in
	lib) bin="$TARGETS/libquerysim.so" cmd=querysim-lib ;;
	*) bin=$variant cmd=$variant ;;
	esac
	file=$bin
	[ "$variant" = lib ] || file="$TARGETS/$bin"
	prog="u:$bin:querystart { @plan[arg1] = count(); }
		u:$bin:queryend { @lat = sum(arg0); @n = count(); @p7[arg1 == 7] = sum(arg0); }
		u:$bin:beginsnapshot { @snap[str(arg0), str(arg1)] = count(); }
		u:$bin:execstats_addmemoryuse { @amu = sum(arg0); @amun = count(); }
		u:$bin:backgroundflusher { @fl = count(); }"
	is "$(banner "$prog")" "Attached 5 probes ($(notes "$file") sites)" \
		"$variant: banner counts the sites readelf lists"
	trace "$cmd -t 3 -n 300 -f 1 -F 9 >$GT" "$prog"
	is "$rc" 0 "$variant: plumb ran"
	is "$(gt "$GT" querystart.fired)" "$(gt "$GT" querystart.calls)" \
		"$variant: the semaphore was on for every query (process started after attach)"
	is "$(keys @plan)" "$(awk '$1 == "plan" { print $2, $3 }' "$GT" | sort)" \
		"$variant: querystart @plan[arg1] equals the plan lines ($(spec "$file" querystart))"
	is "$(jv @lat)" "$(gt "$GT" latency.sum)" \
		"$variant: sum of queryend arg0 ($(spec "$file" queryend))"
	is "$(jv @n)" "$(gt "$GT" queryend.calls)" "$variant: queryend count"
	is "$(jq -r '.data["@p7"] // empty | .["true"]' "$TMP/out")" "$(gt "$GT" plan7.latency.sum)" \
		"$variant: latency sum of plan 7 queries"
	is "$(keys @snap)" "$(awk '$1 == "snapshot" { print $3 "," $4, $2 }' "$GT" | sort)" \
		"$variant: beginsnapshot strings ($(spec "$file" beginsnapshot))"
	is "$(jv @amu)" "$(gt "$GT" addmemoryuse.sum)" \
		"$variant: execstats_addmemoryuse sum over its sites (constant, register, stack)"
	is "$(jv @amun)" "$(gt "$GT" addmemoryuse.calls)" "$variant: execstats_addmemoryuse calls"
	is "$(jv @fl)" "$(gt "$GT" flusher.wakeups)" "$variant: backgroundflusher (no arguments)"
done

# Two processes at once, at different load addresses (ASLR): nothing may
# depend on one process's runtime addresses (bcc #2027).
for variant in querysim lib; do
	case $variant in
	lib) bin="$TARGETS/libquerysim.so" cmd=querysim-lib ;;
	*) bin=$variant cmd=$variant ;;
	esac
	trace "$cmd -t 2 -n 300 -f 1 -F 6 >$GT.1 & $cmd -t 3 -n 200 -f 1 -F 9 >$GT.2; wait" "
		u:$bin:execstats_addmemoryuse { @amu = sum(arg0); }
		u:$bin:beginsnapshot { @snap = count(); @b[str(arg1)] = count(); }"
	is "$(jv @amu)" "$(($(gt "$GT.1" addmemoryuse.sum) + $(gt "$GT.2" addmemoryuse.sum)))" \
		"$variant, two processes: execstats_addmemoryuse sums of both"
	is "$(jv @snap)" "$(($(gt "$GT.1" beginsnapshot.calls) + $(gt "$GT.2" beginsnapshot.calls)))" \
		"$variant, two processes: snapshots of both"
	is "$(keys @b)" "$(cat "$GT.1" "$GT.2" | awk '$1 == "snapshot" { n[$4] += $2 }
		END { for (d in n) print d, n[d] }' | sort)" \
		"$variant, two processes: database names read in both"
done

# A uprobe at a semaphore-guarded site beside the USDT probe there: the
# kernel wants both to name the same semaphore (else EINVAL, "ref_ctr_offset
# mismatch"); both must attach and count every query.
pc=$(site_pcs "$TARGETS/querysim" querystart)
trace "querysim -t 2 -n 300 -F 0 >$GT" \
	"u:querysim:querystart { @u = count(); } p:querysim:$pc { @p = count(); }"
is "$rc" 0 "USDT and uprobe at one guarded site ($pc): plumb ran"
is "$(jv @u) $(jv @p)" "$(gt "$GT" querystart.calls) $(gt "$GT" querystart.calls)" \
	"USDT and uprobe at one guarded site: both count every query"

# ---------------------------------------------------------------------------
# Multi-site: the banner names as many sites as readelf, and a uprobe at
# each site's address counts that site's calls (so the sites plumb reads
# are the ones the ground truth numbers).
nsites=$(notes "$TARGETS/querysim" execstats_addmemoryuse)
is "$nsites" 3 "readelf: execstats_addmemoryuse has 3 sites in querysim"
prog='u:querysim:execstats_addmemoryuse { @s = sum(arg0); @n = count(); }'
is "$(banner "$prog")" "Attached 1 probe ($nsites sites)" "multi-site: banner says $nsites sites"
trace "querysim -t 2 -n 250 -F 0 >$GT" "$prog"
is "$(jv @s)" "$(gt "$GT" addmemoryuse.sum)" "multi-site: sum"
is "$(jv @n)" "$(gt "$GT" addmemoryuse.calls)" "multi-site: count"
prog= k=0
for pc in $(site_pcs "$TARGETS/querysim" execstats_addmemoryuse); do
	prog="$prog p:querysim:$pc { @site$k = count(); }"
	k=$((k + 1))
done
trace "querysim -t 2 -n 250 -F 0 >$GT" "$prog"
for k in 0 1 2; do
	is "$(jv "@site$k")" "$(gt "$GT" "addmemoryuse.site$k.calls")" \
		"multi-site: a uprobe at site $k's Location counts site $k's calls"
done

# ---------------------------------------------------------------------------
# Semaphores, with querysim -S: one "sema querystart=N queryend=M" line per
# line written to it.  Each -S process reads a fifo held open on fd 4 or 5;
# every other process started here closes both, so that closing one ends
# only its own querysim.

# sema_open FD [BINARY]: start BINARY -S -w reading the fifo on FD
sema_open() {
	rm -f "$TMP/sema$1.in"
	mkfifo "$TMP/sema$1.in"
	"${2:-querysim}" -S -w <"$TMP/sema$1.in" >"$TMP/sema$1.out" 4>&- 5>&- &
	eval "spid$1=\$!"
	eval "exec $1>\"\$TMP/sema$1.in\""
	wait_for "$TMP/sema$1.out" '^ready ' || diag "querysim -S did not start"
	eval "echo >&$1"	# past -w
}

# sema FD: the semaphores of the -S process on FD, as "N M"
sema() {
	_want=$(($(wc -l <"$TMP/sema$1.out") + 1))
	eval "echo >&$1"
	for _ in $(seq 200); do
		[ "$(wc -l <"$TMP/sema$1.out")" -ge "$_want" ] && break
		sleep 0.05
	done
	sed -n "${_want}s/^sema querystart=\([0-9]*\) queryend=\([0-9]*\)\$/\1 \2/p" \
		"$TMP/sema$1.out"
}

# sema_settles FD WANT: the semaphores reach WANT within 10 s (the kernel
# drops its references when the perf events are closed, at plumb's exit)
sema_settles() {
	for _ in $(seq 100); do
		_s=$(sema "$1")
		[ "$_s" = "$2" ] && break
		sleep 0.1
	done
	echo "$_s"
}

sema_close() {
	eval "exec $1>&-"
	eval "wait \$spid$1"
}

# plumb_bg [OPTIONS]: plumb in the background on both semaphore probes,
# pid in $ppid, once its banner is out
SEMA_PROG='u:querysim:querystart { @s = count(); } u:querysim:queryend { @e = count(); }'
plumb_bg() {
	rm -f "$TMP/bg.err"
	"$PLUMB" "$@" "$SEMA_PROG" >"$TMP/bg.out" 2>"$TMP/bg.err" 4>&- 5>&- &
	ppid=$!
	wait_for "$TMP/bg.err" '^Attached' || diag "plumb did not attach: $(cat "$TMP/bg.err")"
}

sema_open 4
is "$(sema 4)" "0 0" "semaphores: 0 before plumb attaches"

for how in SIGINT -t KILL; do
	case $how in
	-t) plumb_bg -t 3s ;;
	*) plumb_bg ;;
	esac
	is "$(sema 4)" "1 1" "semaphores ($how): on in a process that ran before plumb attached"
	case $how in
	SIGINT) kill -INT $ppid ;;
	KILL) kill -9 $ppid ;;
	esac
	wait $ppid 2>/dev/null	# no "Killed" from the shell
	st=$?
	case $how in
	KILL) is "$st" 137 "semaphores ($how): plumb was killed" ;;
	*) is "$st" 0 "semaphores ($how): plumb exited 0" ;;
	esac
	is "$(sema_settles 4 "0 0")" "0 0" "semaphores ($how): back to 0 after plumb is gone"
done

# a process started while plumb is attached
plumb_bg
sema_open 5
is "$(sema 5)" "1 1" "semaphores: on in a process started after plumb attached"
kill -INT $ppid
wait $ppid
is "$(sema_settles 5 "0 0")" "0 0" "semaphores: off in it after plumb exits"
sema_close 5

# -p: only that process's semaphores
sema_open 5
plumb_bg -p "$spid4"
is "$(sema 4)" "1 1" "-p: on in the traced process"
is "$(sema 5)" "0 0" "-p: off in another process of the same binary"
kill -INT $ppid
wait $ppid
is "$(sema_settles 4 "0 0")" "0 0" "-p: off again after plumb exits"
sema_close 5
sema_close 4

# -p on a workload: two querysim -w processes, only the first traced
rm -f "$TMP/w1.in" "$TMP/w2.in"
mkfifo "$TMP/w1.in" "$TMP/w2.in"
querysim -w -t 2 -n 300 -F 0 <"$TMP/w1.in" >"$GT.1" &
q1=$!
querysim -w -t 3 -n 200 -F 0 <"$TMP/w2.in" >"$GT.2" &
q2=$!
exec 4>"$TMP/w1.in" 5>"$TMP/w2.in"
wait_for "$GT.1" '^ready' && wait_for "$GT.2" '^ready'
"$PLUMB" -j -p "$q1" 'u:querysim:querystart { @s = count(); } u:querysim:queryend { @l = sum(arg0); }' \
	>"$TMP/out" 2>"$TMP/err" 4>&- 5>&- &
ppid=$!
wait_for "$TMP/out" '"attached_probes"' || diag "plumb: $(cat "$TMP/err")"
echo >&4
echo >&5
exec 4>&- 5>&-
wait $q1
wait $q2
# plumb -p ends by itself when its process has exited
for _ in $(seq 100); do
	kill -0 $ppid 2>/dev/null || break
	sleep 0.1
done
if kill -0 $ppid 2>/dev/null; then
	ok 1 "-p: plumb ends when the traced process exits"
	kill -INT $ppid
else
	ok 0 "-p: plumb ends when the traced process exits"
fi
wait $ppid
is "$?" 0 "-p: exit status 0"
is "$(jv @s)" "$(gt "$GT.1" querystart.calls)" "-p: every query of the traced process counted"
is "$(jv @l)" "$(gt "$GT.1" latency.sum)" "-p: its latency sum, not the other's"
is "$(gt "$GT.1" querystart.fired)" "$(gt "$GT.1" querystart.calls)" \
	"-p: the traced process saw its semaphore on"
is "$(gt "$GT.2" querystart.fired) $(gt "$GT.2" queryend.fired)" "0 0" \
	"-p: the other process never did"

# ---------------------------------------------------------------------------
# Wildcards in the provider and the name.
trace "querysim -t 2 -n 300 -f 1 -F 7 >$GT" \
	'u:querysim:memsqld:query* { @[func] = count(); } u:querysim:*:backgroundflusher { @b[func] = count(); }'
is "$rc" 0 "wildcards: plumb ran"
is "$(keys @)" "memsqld:queryend $(gt "$GT" queryend.calls)
memsqld:querystart $(gt "$GT" querystart.calls)" \
	"wildcards: memsqld:query* is querystart and queryend, each under its name"
is "$(keys @b)" "memsqld:backgroundflusher $(gt "$GT" flusher.wakeups)" \
	"wildcards: *:backgroundflusher"
trace "querysim -t 2 -n 100 -F 0 -q" 'u:querysim:*:query?nd { @[func] = count(); }'
is "$(keys @ | cut -d' ' -f1)" "memsqld:queryend" "wildcards: ? matches one character"

# ---------------------------------------------------------------------------
# Naming the binary: on PATH, relative, absolute; a library by its short
# name through /proc/PID/maps.
QS_PROG='{ @ = count(); }'
trace "memsqld -t 2 -n 200 -F 0 >$GT" "u:memsqld:querystart $QS_PROG"
is "$(jv @)" "$(gt "$GT" querystart.calls)" "binary on PATH (memsqld)"
(cd "$TARGETS" && "$PLUMB" -q -j -c "./querysim -t 2 -n 200 -F 0 >$GT" \
	"u:./querysim:querystart $QS_PROG" >"$TMP/out" 2>"$TMP/err")
is "$(jv @)" "$(gt "$GT" querystart.calls)" "binary by relative path (./querysim)"
trace "$TARGETS/querysim -t 2 -n 200 -F 0 >$GT" "u:$TARGETS/querysim:querystart $QS_PROG"
is "$(jv @)" "$(gt "$GT" querystart.calls)" "binary by absolute path"
# probes follow the file (inode), not its name
ln "$TARGETS/querysim" "$TMP/other-name"
trace "$TMP/other-name -t 2 -n 200 -F 0 >$GT" "u:querysim:querystart $QS_PROG"
is "$(jv @)" "$(gt "$GT" querystart.calls)" "a hard link of the binary, run under another name"

# libquerysim.so in a directory that is not on PATH: only the process's
# maps can tell plumb where it is
mkdir "$TMP/lib"
cp "$TARGETS/querysim-lib" "$TARGETS/libquerysim.so" "$TMP/lib/"
rm -f "$TMP/w1.in"
mkfifo "$TMP/w1.in"
"$TMP/lib/querysim-lib" -w -t 2 -n 300 -F 0 <"$TMP/w1.in" >"$GT" &
q1=$!
exec 4>"$TMP/w1.in"
wait_for "$GT" '^ready'
PATH=/usr/bin:/bin "$PLUMB" -j -p "$q1" \
	'u:libquerysim.so:querystart { @s = count(); } u:libquerysim.so:queryend { @l = sum(arg0); }' \
	>"$TMP/out" 2>"$TMP/err" 4>&- &
ppid=$!
wait_for "$TMP/out" '"attached_probes"' || diag "plumb: $(cat "$TMP/err")"
exec 4>&-
wait $q1
for _ in $(seq 100); do
	kill -0 $ppid 2>/dev/null || break
	sleep 0.1
done
kill -INT $ppid 2>/dev/null
wait $ppid
is "$?" 0 "library short name with -p: plumb ran"
is "$(jv @s)" "$(gt "$GT" querystart.calls)" "library short name with -p: querystart counted"
is "$(jv @l)" "$(gt "$GT" latency.sum)" "library short name with -p: queryend latency sum"

# ---------------------------------------------------------------------------
# A site listed twice: counted once, attached once.
D="$TARGETS/dupsite"
is "$(site_pcs "$D" hit | sort -u | wc -l | tr -d ' ') $(notes "$D" hit)" "1 2" \
	"readelf: dupsite lists hit twice at one address"
is "$(notes "$D")" 5 "readelf: dupsite has 5 notes"
prog='u:dupsite:hit { @n = count(); @s = sum(arg0); }'
is "$(banner "$prog")" "Attached 1 probe" "duplicate site: 1 probe, 1 site"
trace "dupsite -n 777 >$GT" "$prog"
is "$rc" 0 "duplicate site: plumb attached (no 'Device or resource busy')"
is "$(jv @n)" "$(gt "$GT" hit.calls)" "duplicate site: each call counted once"
is "$(jv @s)" "$(gt "$GT" hit.sum)" "duplicate site: the argument (signed) summed once per call"
prog='u:dupsite:hit { @h = count(); } u:dupsite:hitdiff { @d = count(); @ds = sum(arg0); }
	u:dupsite:once { @o = count(); @os = sum(arg0); }'
is "$(banner "$prog")" "Attached 3 probes" "duplicate sites: 3 probes on 3 sites, not 5"
trace "dupsite -n 500 >$GT" "$prog"
is "$(jv @h) $(jv @d) $(jv @o)" "$(gt "$GT" hit.calls) $(gt "$GT" hitdiff.calls) $(gt "$GT" once.calls)" \
	"duplicate sites: every probe counted once per call"
is "$(jv @ds)" "$(gt "$GT" hitdiff.sum)" "duplicate notes that disagree: the first note's argument is used"
is "$(jv @os)" "$(gt "$GT" once.sum)" "an ordinary probe beside them"
like "$(cat "$TMP/err")" "warning: dupsite:hitdiff is listed twice at 0x[0-9a-f]+ with different arguments; using the first" \
	"duplicate notes that disagree: a warning says so"

# ---------------------------------------------------------------------------
# Diagnostics: exact text, exit status 2.
QS="$TARGETS/querysim"
run_plumb 'u:querysim:querystrat { @ = count(); }'
is "$rc" 2 "unknown probe: exit 2"
is "$(cat "$TMP/err")" "<cmdline>:1:12: error: no USDT probe 'querystrat' in $QS; did you mean memsqld:querystart?
u:querysim:querystrat { @ = count(); }
           ^^^^^^^^^^" "unknown probe: names the closest, with its provider"

fn=main
nm "$QS" | grep -q " T $fn\$" || diag "querysim has no function $fn"
run_plumb "u:querysim:$fn { @ = count(); }"
is "$rc" 2 "a function, not a probe: exit 2"
is "$(cat "$TMP/err")" "<cmdline>:1:12: error: '$fn' is a function of $QS, not a USDT probe; trace it with p:querysim:$fn
u:querysim:$fn { @ = count(); }
           ^^^^" "a function, not a probe: suggests p:"
# a function whose name is close to a probe's is still a function
fn=execstats_add_rows
nm "$QS" | grep -q " T $fn\$" || diag "querysim has no function $fn"
run_plumb "u:querysim:$fn { @ = count(); }"
is "$rc" 2 "$fn (a function near a probe name): exit 2"
like "$(head -1 "$TMP/err")" "^<cmdline>:1:12: error: '$fn' is a function of $QS, not a USDT probe; trace it with p:querysim:$fn\$" \
	"$fn (a function near a probe name): suggests p:"

run_plumb 'u:querysim:queryend { @ = arg5; }'
is "$rc" 2 "argument beyond the count: exit 2"
is "$(cat "$TMP/err")" "<cmdline>:1:27: error: memsqld:queryend has 2 arguments (arg0..arg1)
u:querysim:queryend { @ = arg5; }
                          ^^^^" "argument beyond the count: says how many there are"

run_plumb 'u:/bin/true:x { @ = count(); }'
is "$rc" 2 "binary without notes: exit 2"
is "$(cat "$TMP/err")" "<cmdline>:1:3: error: $(readlink -f /bin/true) has no USDT probes
u:/bin/true:x { @ = count(); }
  ^^^^^^^^^" "binary without notes: says so"

# ---------------------------------------------------------------------------
# String sizes: the default 64 (63 bytes and the NUL), str(p, n), -s.
trace "querysim -t 3 -n 200 -F 0 >$GT" 'u:querysim:querystart { @[str(arg0)] = count(); }'
is "$(keys @)" "$(texts 64 "$GT")" "str(arg0): texts cut to 63 bytes"
trace "querysim -t 3 -n 200 -F 0 >$GT" 'u:querysim:querystart { @[str(arg0, 10)] = count(); }'
is "$(keys @)" "$(texts 11 "$GT")" "str(arg0, 10): texts cut to 10 characters"
trace "querysim -t 3 -n 200 -F 0 >$GT" 'u:querysim:querystart { @[str(arg0)] = count(); }' -s 20
is "$(keys @)" "$(texts 20 "$GT")" "-s 20: str(arg0) cut to 19 bytes"
trace "querysim -t 3 -n 200 -F 0 >$GT" 'u:querysim:querystart(char *q) { @[q] = count(); }' -s 20
is "$(keys @)" "$(texts 20 "$GT")" "-s 20: a char * map key cut to 19 bytes"
for s in 64 20; do
	"$PLUMB" -q -s $s -c "querysim -t 2 -n 120 -F 0 >$GT" \
		'u:querysim:querystart(char *query) { printf("%s|\n", query); }' >"$TMP/text" 2>"$TMP/err"
	got=$(sed 's/|$//' "$TMP/text" | sort | uniq -c | awk '{ c = $1; sub(/^ *[0-9]+ /, ""); print $0, c }' | sort)
	is "$got" "$(texts $s "$GT")" "-s $s: printf %s of a char * argument, cut to $((s - 1)) bytes"
done
trace "querysim -t 3 -n 200 -F 0 >$GT" 'u:querysim:querystart { @[str(arg0)] = count(); }' -s 256
is "$(keys @)" "$(texts 256 "$GT")" "-s 256: whole texts (the longest is $(awk '$1 == "query" {
	sub(/^query [0-9]+ /, ""); if (length($0) > m) m = length($0) } END { print m }' "$GT") bytes)"

# String comparisons on a char * argument; README.md: text 0 is the only
# one containing "users", texts 0, 1 and 4 start with "SELECT", and text
# 4 only says "customers" past its 63rd byte.
trace "querysim -t 3 -n 200 -F 0 >$GT" '
	u:querysim:querystart(char *q) /q == "SELECT * FROM users WHERE id = ?"/ { @eq = count(); }
	u:querysim:querystart /startswith(str(arg0), "SELECT")/ { @sel = count(); }
	u:querysim:querystart(char *q) /contains(q, "users")/ { @users = count(); }
	u:querysim:querystart(char *q) /contains(q, "customers")/ { @cust = count(); }'
is "$rc" 0 "string tests: plumb ran"
nth() {	# nth Q: the count of text Q (0-based, table order)
	awk -v q="$1" '$1 == "query" && n++ == q { print $2 }' "$GT"
}
is "$(jv @eq)" "$(nth 0)" "q == \"...\": the count of text 0"
is "$(jv @sel)" "$(($(nth 0) + $(nth 1) + $(nth 4)))" "startswith(str(arg0), \"SELECT\"): texts 0, 1, 4"
is "$(jv @users)" "$(nth 0)" "contains(q, \"users\"): text 0"
is "$(jv @cust)" "0" "contains(q, \"customers\"): never (0), the word is past the 63 bytes read"
trace "querysim -t 3 -n 200 -F 0 >$GT" \
	'u:querysim:querystart(char *q) /contains(q, "customers")/ { @cust = count(); }' -s 256
is "$(jv @cust)" "$(nth 4)" "contains(q, \"customers\") with -s 256: text 4"
trace "querysim -t 3 -n 200 -F 0 >$GT" \
	'u:querysim:querystart /str(arg0) != "DELETE FROM sessions WHERE expires < ?"/ { @ne = count(); }'
is "$rc" 0 "str(arg0) != \"...\": plumb ran"
is "$(jv @ne)" "$(($(gt "$GT" querystart.calls) - $(nth 5)))" "str(arg0) != \"...\": all but text 5"

done_testing
