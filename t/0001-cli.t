#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The command line: help, version, usage errors and their exit codes.
. "$(dirname "$0")/lib.sh"

run_plumb -h
is "$rc" 0 "-h exits 0"
like "$(cat "$TMP/out")" '^usage: plumb' "-h prints the usage"

run_plumb --version
is "$(cat "$TMP/out")" "plumb 0.1.0" "--version"

run_plumb
is "$rc" 2 "no program: exit 2"
like "$(cat "$TMP/err")" "no program given" "no program: says so"

run_plumb --frobnicate 'BEGIN {}'
is "$rc" 2 "unknown option: exit 2"

run_plumb -p abc 'BEGIN {}'
is "$rc" 2 "-p with a non-number: exit 2"
like "$(cat "$TMP/err")" "-p needs a process id, not 'abc'" "-p: says why"

run_plumb -t 5x 'BEGIN {}'
is "$rc" 2 "-t with a bad duration: exit 2"

run_plumb -s 0 'BEGIN {}'
is "$rc" 2 "-s 0: exit 2"

run_plumb -s 99999 'BEGIN {}'
is "$rc" 2 "-s too large: exit 2"

run_plumb -f /nonexistent/prog.bt
is "$rc" 2 "-f with a missing file: exit 2"
like "$(cat "$TMP/err")" "cannot read /nonexistent/prog.bt" "-f: says which file"

printf 'BEGIN { exit(); }\n' >"$TMP/prog.bt"
run_plumb -n -f "$TMP/prog.bt"
is "$rc" 0 "-n -f FILE compiles a program from a file"

run_plumb -n -f - <"$TMP/prog.bt"
is "$rc" 0 "-f - reads standard input"

printf '#!/usr/bin/env plumb\n# a comment\nBEGIN { @x = 1 +; }\n' >"$TMP/bad.bt"
run_plumb -n -f "$TMP/bad.bt"
is "$rc" 2 "a script with an error: exit 2"
is "$(head -1 "$TMP/err")" "$TMP/bad.bt:3:17: error: syntax error, unexpected ';'" \
	"errors in a file name the file, line and column"

run_plumb -n 'BEGIN { @ = $1 + $2; }' 3 4
is "$rc" 0 "positional parameters are accepted"

PLUMB_MAP_KEYS=lots run_plumb -n 'BEGIN {}'
is "$rc" 2 "a malformed PLUMB_MAP_KEYS: exit 2"
is "$(cat "$TMP/err")" "plumb: PLUMB_MAP_KEYS must be a number from 1 to 16777216, not 'lots'" \
	"a malformed PLUMB_MAP_KEYS: says so"

done_testing
