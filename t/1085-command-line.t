#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The command line as bpftrace users type it: -e, a program file named
# first (and run as a "#!" script), --dry-run, options after the program
# (an error) and "--", -o FILE, -k, and the environment variables
# (plumb's names and bpftrace's). Most checks need no kernel (-n); the
# live ones at the end skip without root and uprobes.
. "$(dirname "$0")/lib.sh"

Q="plumb: option -v after the program: options go before it (or use -- before the program's arguments)"

# --- options after the program
run_plumb -n 'BEGIN { }' -v
is "$rc" 2 "an option after the program: exit 2"
is "$(cat "$TMP/err")" "$Q" "an option after the program: says so, not \$1"
run_plumb -n -e 'BEGIN { }' a -v
is "$rc:$(cat "$TMP/err")" "2:$Q" "-e: an option after the program's arguments too"
run_plumb -l 'usdt:nosuch' -v
is "$rc:$(cat "$TMP/err")" "2:$Q" "-l PATTERN -v: an option after the pattern"
run_plumb -n 'BEGIN { printf("%s %s\n", $1, $2); }' -- -v -x
is "$rc:$(cat "$TMP/err")" "0:" "'--' after the program: what follows are its arguments"
run_plumb -n -- 'BEGIN { printf("%s\n", $1); }' -v
is "$rc:$(cat "$TMP/err")" "0:" "'--' before the program: so are they"
run_plumb -n 'BEGIN { printf("%s\n", $1); }' -
is "$rc" 0 "a lone '-' is an argument, not an option"
run_plumb -n 'BEGIN { printf("%d %d\n", $1, $2); }' -5 -0x10
is "$rc:$(cat "$TMP/err")" "0:" "a negative number is an argument, not an option"

# --- -e, --dry-run
run_plumb -n -e 'BEGIN { printf("%s\n", $1); }' one
is "$rc:$(cat "$TMP/err")" "0:" "-e PROGRAM ARG"
run_plumb -n -e 'BEGIN { printf("%d\n", $1); } x' 1
is "$rc" 2 "-e: a program error: exit 2"
like "$(cat "$TMP/err")" '^<cmdline>:1:' "-e: the diagnostic names <cmdline>"
run_plumb -e 'BEGIN { }' -f /dev/null
is "$rc:$(cat "$TMP/err")" "2:plumb: -e and -f both give the program: use one
Try 'plumb -h' for more information." "-e and -f: a usage error"
"$PLUMB" -n -d 'BEGIN { @c = count(); }' >"$TMP/n" 2>&1
run_plumb --dry-run -d 'BEGIN { @c = count(); }'
is "$rc" 0 "--dry-run: exit 0"
same "$TMP/out" "$TMP/n" "--dry-run -d prints what -n -d prints"

# --- a program file named first
printf 'BEGIN {\n\tprintf("%%s\\n", $1);\n}\n' >"$TMP/prog.bt"
run_plumb -n "$TMP/prog.bt" arg
is "$rc:$(cat "$TMP/err")" "0:" "plumb FILE ARG: the file is the program"
printf 'BEGIN {\n\tprintf("%%d\\n", nosuch);\n}\n' >"$TMP/bad.bt"
run_plumb -n "$TMP/bad.bt"
is "$rc" 2 "plumb FILE: a program error: exit 2"
like "$(head -1 "$TMP/err")" "^$TMP/bad.bt:2:17: error: " "plumb FILE: the diagnostic names the file and line"
run_plumb -n "$TMP/nosuch.bt"
like "$rc:$(head -1 "$TMP/err")" "^2:<cmdline>:1:1: error: " \
	"a name that is no file is the program's text (as it always was)"
run_plumb -n "$TMP"
like "$rc:$(head -1 "$TMP/err")" "^2:<cmdline>:1:1: error: " "a directory is no program file"
printf '#!%s -n\nBEGIN {\n\tprintf("%%s\\n", $1);\n}\n' "$PLUMB" >"$TMP/script"
chmod +x "$TMP/script"
"$TMP/script" x >"$TMP/out" 2>"$TMP/err"
is "$?:$(cat "$TMP/err")" "0:" "an executable script starting '#!plumb -n'"
printf '#!%s -n\nBEGIN {\n\tprintf("%%s\\n", $1);\n\tprintf("%%d\\n", nosuch);\n}\n' "$PLUMB" >"$TMP/script"
"$TMP/script" x >"$TMP/out" 2>"$TMP/err"
is "$?" 2 "a script with an error: exit 2"
like "$(head -1 "$TMP/err")" "^$TMP/script:4:17: error: " "the line numbers count the '#!' line"

# --- environment variables: plumb's names and bpftrace's
for v in PLUMB_MAX_STRLEN BPFTRACE_MAX_STRLEN BPFTRACE_STRLEN; do
	env "$v=1" "$PLUMB" -n 'BEGIN { }' >"$TMP/out" 2>"$TMP/err"
	is "$?:$(cat "$TMP/err")" "2:plumb: $v must be a number from 2 to 256, not '1'" \
		"$v=1: a usage error"
done
for v in PLUMB_MAP_KEYS BPFTRACE_MAX_MAP_KEYS BPFTRACE_MAP_KEYS_MAX; do
	env "$v=12k" "$PLUMB" -n 'BEGIN { }' >"$TMP/out" 2>"$TMP/err"
	is "$?:$(cat "$TMP/err")" "2:plumb: $v must be a number from 1 to 16777216, not '12k'" \
		"$v=12k: a usage error"
done
PLUMB_MAX_STRLEN=64 BPFTRACE_MAX_STRLEN=x "$PLUMB" -n 'BEGIN { }' >"$TMP/out" 2>"$TMP/err"
is "$?" 0 "plumb's name first: bpftrace's is not looked at"
BPFTRACE_MAX_STRLEN=x "$PLUMB" -s 32 -n 'BEGIN { }' >"$TMP/out" 2>"$TMP/err"
is "$?" 0 "-s wins over the environment"

# --- -l -v for the kinds with nothing to find: their forms, described
run_plumb -l -v BEGIN
is "$rc:$(cat "$TMP/out")" "0:BEGIN
    once, when every probe is attached, before any other fires" "-l -v BEGIN"
run_plumb -l END
is "$rc:$(cat "$TMP/out")" "0:END" "-l END"
run_plumb -l 'interval:*'
is "$rc:$(paste -sd' ' "$TMP/out")" "0:interval:s:N interval:ms:N interval:us:N interval:hz:N" \
	"-l interval:*: each unit"
run_plumb -l -v 'profile:hz'
is "$rc:$(cat "$TMP/out")" "0:profile:hz:N
    N samples a second on every CPU, of whatever runs there (1 to 100000)" "-l -v profile:hz"
run_plumb -l -j 'i:ms'
is "$(cat "$TMP/out")" '{"type":"probe","data":{"probe":"interval:ms:N"}}' "-l -j i:ms: the record"
for f in $("$PLUMB" -l 'interval:*' | sed 's/:N$/:100/'; "$PLUMB" -l 'profile:*' | sed 's/:N$/:100/'); do
	"$PLUMB" -n "$f { @ = count(); }" >/dev/null 2>&1
	ok $? "-l's form works: $f"
done

# --- --help tells of them
run_plumb -h
for w in '-e PROGRAM' '-o FILE' '-k ' '--dry-run' "'--' ends them" PLUMB_MAX_STRLEN; do
	like "$(cat "$TMP/out")" "$w" "--help: $w"
done

# --- live: -o, -k, the environment, a script through env
if [ "$(id -u)" != 0 ] || [ ! -e /sys/bus/event_source/devices/uprobe/type ]; then
	if [ "${PLUMB_TEST_REQUIRE_KERNEL:-0}" = 1 ]; then
		ok 1 "required but would skip: needs root and uprobes"
	else
		skip "needs root and uprobes (live -o, -k, environment)"
	fi
	done_testing
fi
use_targets

run_plumb -q -o "$TMP/o.txt" -c 'sleep 0.5; echo child' 'BEGIN { printf("hello\n"); @x = 3; }'
is "$rc" 0 "-o FILE: exit 0"
is "$(cat "$TMP/o.txt")" "hello
@x: 3" "-o FILE: the printf lines and the maps are in FILE"
is "$(cat "$TMP/out")" "child" "-o FILE: the -c command's output is not (as bpftrace)"
run_plumb -q -j -o "$TMP/o.json" 'BEGIN { @x = 3; exit(); }'
is "$(cat "$TMP/o.json")" '{"type":"attached_probes","data":{"probes":1}}
{"type":"map","data":{"@x":3}}' "-o FILE with -j: the records"
run_plumb -q -o /dev/full 'BEGIN { printf("hello\n"); exit(); }'
is "$rc:$(cat "$TMP/err")" "1:plumb: cannot write output to /dev/full: No space left on device" \
	"-o FILE that cannot be written: said, exit 1"
run_plumb -q -o "$TMP/nosuchdir/o.txt" 'BEGIN { exit(); }'
is "$rc:$(cat "$TMP/err")" "2:plumb: cannot write $TMP/nosuchdir/o.txt: No such file or directory" \
	"-o FILE that cannot be opened: said, exit 2"

# -k: failed reads said as they happen; the first batch of badptr's
# bad pointers (null, wild, unpaged: 3 a round) before the second runs
run_plumb -q -k -c 'badptr -n 5 >/dev/null; sleep 3; badptr -n 7 >/dev/null' \
	'p:badptr:take(char *s) { @[str(s)] = count(); }'
is "$rc" 0 "-k: exit 0"
is "$(grep -c 'warning: <cmdline>:1:28: 15 failed reads of str(s): ' "$TMP/err")" 1 \
	"-k: the first 5 rounds' 15 failed reads, with their place, while tracing"
like "$(cat "$TMP/err")" "plumb: 36 failed reads at <cmdline>:1:28 \\(str\\(s\\)\\)" \
	"-k: and the total at the end"
is "$(cat "$TMP/out")" "@[hello]: 12
@[]: 36" "-k: the counts are unchanged"
run_plumb -q -c 'badptr -n 5 >/dev/null' 'p:badptr:take(char *s) { @[str(s)] = count(); }'
is "$(grep -c 'warning:' "$TMP/err")" 0 "without -k: only the total at the end"

# string size and map size from the environment, bpftrace's names too
for v in PLUMB_MAX_STRLEN BPFTRACE_MAX_STRLEN BPFTRACE_STRLEN; do
	env "$v=8" "$PLUMB" -q -e 'BEGIN { @s = "abcdefghijklmnop"; printf("%s\n", str(@s)); exit(); }' \
		>"$TMP/out" 2>&1
	is "$(head -1 "$TMP/out")" "abcdefg" "$v=8: strings of 7 bytes"
done
PLUMB_MAX_STRLEN=8 "$PLUMB" -s 4 -q -e 'BEGIN { @s = "abcdefghijklmnop"; printf("%s\n", str(@s)); exit(); }' \
	>"$TMP/out" 2>&1
is "$(head -1 "$TMP/out")" "abc" "-s wins over PLUMB_MAX_STRLEN"
for v in PLUMB_MAP_KEYS BPFTRACE_MAX_MAP_KEYS BPFTRACE_MAP_KEYS_MAX; do
	env "$v=2" "$PLUMB" -q -c 'calls -n 10 -q' 'p:calls:work { @[arg0] = count(); }' \
		>"$TMP/out" 2>"$TMP/err"
	like "$(cat "$TMP/err")" "the map is full \\(2 entries" "$v=2: maps of 2 keys"
done

# an executable script run as bpftrace's are: #!/usr/bin/env plumb
mkdir -p "$TMP/pbin"
ln -s "$PLUMB" "$TMP/pbin/plumb"
printf '#!/usr/bin/env plumb\nBEGIN { printf("script %%s\\n", $1); exit(); }\n' >"$TMP/s.bt"
chmod +x "$TMP/s.bt"
PATH="$TMP/pbin:$PATH" "$TMP/s.bt" arg1 >"$TMP/out" 2>"$TMP/err"
is "$?:$(cat "$TMP/out")" "0:script arg1" "#!/usr/bin/env plumb: the script runs, with its argument"

done_testing
