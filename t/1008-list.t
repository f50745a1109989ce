#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# plumb -l: USDT probes (sites, argument specs) and functions of a binary,
# tracepoints; text and JSON; checked against readelf, nm and tracefs.
. "$(dirname "$0")/lib.sh"

need_cmd readelf
need_cmd jq
[ -x "$TARGETS/querysim" ] || skip_all "test targets not built"
export PATH="$TARGETS:$PATH"
BIN="$TARGETS/querysim"

# readelf's view: one "provider:name args" line per site
readelf -n --wide "$BIN" | awk '
	function flush() { if (rec != "") print rec " " args; rec = "" }
	/Provider: / { flush(); sub(/.*Provider: /, ""); p = $0 }
	/^ *Name: / { n = $2; rec = p ":" n; args = "" }
	/^ *Arguments: / { sub(/^ *Arguments: /, ""); args = $0 }
	END { flush() }' >"$TMP/sites"
"$PLUMB" -l "usdt:$BIN" >"$TMP/out" 2>"$TMP/err"
is "$?" 0 "-l usdt:BIN: exit 0"
is "$(wc -l <"$TMP/out")" "$(cut -d' ' -f1 "$TMP/sites" | sort -u | wc -l)" \
	"one line per probe (provider:name), as readelf lists them"
want=$(grep '^memsqld:execstats_addmemoryuse ' "$TMP/sites" | cut -d' ' -f2- | paste -sd'|' | sed 's/|/ | /g')
is "$(grep ':execstats_addmemoryuse ' "$TMP/out")" \
	"usdt:$BIN:memsqld:execstats_addmemoryuse  3 sites  $want" \
	"a probe with three sites: each site's argument specs, in note order"

"$PLUMB" -l -v "usdt:$BIN:memsqld:querystart" >"$TMP/out" 2>&1
sem=$(readelf -n --wide "$BIN" | awk '/Name: querystart/ { getline; print $NF }')
like "$(sed -n 2p "$TMP/out")" "^    at 0x[0-9a-f]+ \\(file offset 0x[0-9a-f]+\\), semaphore at file offset 0x[0-9a-f]+$" \
	"-v: each site's address, file offset and semaphore"
[ -n "$sem" ] && [ "$sem" != 0x0000000000000000 ]
ok $? "readelf agrees querystart has a semaphore"

"$PLUMB" -l -j "usdt:$BIN:*:query*" >"$TMP/out" 2>&1
is "$(jq -r '.data.probe' "$TMP/out" | sed "s|usdt:$BIN:||" | sort | paste -sd' ')" \
	"memsqld:queryend memsqld:querystart" "-j with wildcards: the matching probes"
is "$(jq -r 'select(.data.probe | endswith("querystart")) | .data.sites[0].args' "$TMP/out")" \
	"$(grep '^memsqld:querystart ' "$TMP/sites" | cut -d' ' -f2-)" "-j: the argument specs of a site"

"$PLUMB" -l "p:$BIN:qs_*" | sed "s|uprobe:$BIN:||" | sort >"$TMP/funcs"
nm "$BIN" | awk '$2 ~ /^[Tt]$/ && $3 ~ /^qs_/ { print $3 }' | sort -u >"$TMP/nm"
is "$(cat "$TMP/funcs")" "$(cat "$TMP/nm")" "-l p:BIN:PATTERN: the functions nm lists"

"$PLUMB" -l querysim | grep -c '^usdt:' >"$TMP/n"
is "$(cat "$TMP/n")" "$(cut -d' ' -f1 "$TMP/sites" | sort -u | wc -l)" \
	"a bare binary name (found on PATH) lists its probes too"

if [ -r /sys/kernel/tracing/available_events ]; then
	is "$("$PLUMB" -l 't:sched:*' | wc -l)" "$(grep -c '^sched:' /sys/kernel/tracing/available_events)" \
		"-l t:sched:*: every sched tracepoint"
	like "$("$PLUMB" -l -v 't:syscalls:sys_enter_openat')" "^    const char \\* filename;$" \
		"-l -v t:...: the tracepoint's fields"
else
	skip "no tracefs here"
	skip "no tracefs here"
fi

# a library short name, through the loader cache (ldconfig -p agrees)
libc=$(ldconfig -p 2>/dev/null | awk '/^\tlibc\.so\.6 .*x86-64/ { print $NF; exit }')
if [ -n "$libc" ]; then
	is "$("$PLUMB" -l 'p:c:strlen')" "uprobe:$(readlink -f "$libc"):strlen" \
		"p:c:strlen: the library short name c is libc.so.6 from the loader cache"
else
	skip "ldconfig -p lists no x86-64 libc.so.6"
fi

"$PLUMB" -l "u:$BIN:nosuchprobe" >"$TMP/out" 2>"$TMP/err"
is "$?" 2 "nothing matches: exit 2"
is "$(cat "$TMP/err")" "plumb: nothing matches 'u:$BIN:nosuchprobe'" "nothing matches: says so"

"$PLUMB" -l "u:/nonexistent/bin" >"$TMP/out" 2>"$TMP/err"
is "$?" 2 "a missing binary: exit 2"
like "$(cat "$TMP/err")" "^plumb: /nonexistent/bin: No such file or directory$" "a missing binary: says so"

# -l -e PROGRAM lists what the program's probes match, not every tracepoint
"$PLUMB" -l -e "BEGIN { exit(); } u:$BIN:query* { @ = count(); } p:$BIN:qs_* {}" \
	>"$TMP/out" 2>"$TMP/err"
is "$?" 0 "-l -e PROGRAM: exit 0"
{
	echo BEGIN
	"$PLUMB" -l "u:$BIN:query*"
	"$PLUMB" -l "p:$BIN:qs_*"
} >"$TMP/want"
is "$(cat "$TMP/out")" "$(cat "$TMP/want")" \
	"-l -e PROGRAM: BEGIN as written, then what each probe's spec matches (it listed every tracepoint)"
printf 'u:%s:querystart {}\n' "$BIN" >"$TMP/prog.bt"
is "$("$PLUMB" -l -f "$TMP/prog.bt")" "$("$PLUMB" -l "u:$BIN:querystart")" \
	"-l -f FILE: the file's probes"
"$PLUMB" -l -e "u:$BIN:nosuch { }" >"$TMP/out" 2>"$TMP/err"
is "$?" 2 "-l -e PROGRAM whose probe matches nothing: exit 2"
is "$(cat "$TMP/err")" "plumb: nothing matches 'u:$BIN:nosuch'" "-l -e: says which spec"
"$PLUMB" -l -e "BEGIN {" >"$TMP/out" 2>"$TMP/err"
is "$?" 2 "-l -e with a syntax error: exit 2"
like "$(head -1 "$TMP/err")" "^<cmdline>:1:8: error: syntax error" "-l -e with a syntax error: the parser's message"

done_testing
