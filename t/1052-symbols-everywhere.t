#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# usym and ustack name frames in every object of the process: the
# program, libc (through its debug file, where one is installed),
# libstdc++ and a dlopen'ed library; C++ names as c++filt prints them.
# The process has exited when the maps are printed: plumb must have read
# its maps while it lived (-p's process; -c's command and its children).
# ustack(N) keeps N frames: stacks alike in those are one key.
. "$(dirname "$0")/lib.sh"

need_kernel
use_targets
GT="$TMP/gt"
LIB="$TARGETS/libcalls.so"
PROG='p:cxxsim:call_hook { @h[usym(arg0)] = count(); @one[ustack(1)] = count(); }
p:cxxsim:"shop::detail::Hash" { @s[ustack] = count(); @two[ustack(2)] = count(); }'

# check WHAT: plumb's text output in $TMP/out against the ground truth
check() {
	sed -n 's/^hook \([0-9]*\) \(.*\)$/@h[\2]: \1/p' "$GT" | sort >"$TMP/want"
	grep '^@h\[' "$TMP/out" | sort >"$TMP/got"
	same "$TMP/got" "$TMP/want" "$1: usym(arg0) names functions of cxxsim, libc, libstdc++ and the dlopen'ed library"
	awk '/^@s\[/ { on = 1; next } on && /^\]/ { print "]" $2; on = 0 } on { print $1 $2 $3 }' \
		"$TMP/out" >"$TMP/stack"
	is "$(sed -n 1p "$TMP/stack")" "shop::detail::Hash(charconst*)" "$1: ustack frame 0, demangled"
	like "$(sed -n 2p "$TMP/stack")" '^run\(long,counts\*\)\+0x[0-9a-f]+$' "$1: ustack: the caller's caller, demangled with its offset"
	like "$(sed -n 3p "$TMP/stack")" '^main\+0x[0-9a-f]+$' "$1: ustack: main"
	if [ -n "$LIBC_DEBUG" ]; then
		like "$(sed -n 4p "$TMP/stack")" '^__libc_start_call_main\+0x[0-9a-f]+$' \
			"$1: ustack: the libc frame, named through libc's debug file"
	else
		skip "$1: no debug file for libc (Debian: libc6-dbg)"
	fi
	is "$(tail -n 1 "$TMP/stack")" "]$(awk '$1 == "func" && $3 ~ /Hash/ { print $2 }' "$GT")" \
		"$1: ustack: one stack, counted exactly"
	hash=$(awk '$1 == "func" && $3 ~ /Hash/ { print $2 }' "$GT")
	hooks=$(awk '$1 == "hook" { n += $2 } END { print n }' "$GT")
	is "$(sed -n '/^@one\[/,/^\]/p' "$TMP/out")" "@one[
        call_hook
]: $hooks" "$1: ustack(1): calls from four places are one key, counted exactly"
	two=$(sed -n '/^@two\[/,/^\]/p' "$TMP/out")
	like "$two" "^@two\[
        shop::detail::Hash\(char const\*\)
        run\(long, counts\*\)\+0x[0-9a-f]+
\]: $hash\$" "$1: ustack(2): two frames, one key, counted exactly"
}

libc=$(ldd "$TARGETS/cxxsim" | awk '$1 ~ /^libc\.so/ { print $3 }')
id=$(readelf -n "$libc" 2>/dev/null | sed -n 's/.*Build ID: *//p')
LIBC_DEBUG=
[ -n "$id" ] && [ -f "/usr/lib/debug/.build-id/$(printf %.2s "$id")/${id#??}.debug" ] && LIBC_DEBUG=1

# -p: the target waits before its workload (-w) and before exiting (-W)
mkfifo "$TMP/in"
cxxsim -w -W -n 200 -d "$LIB:work" <"$TMP/in" >"$GT" &
cpid=$!
exec 3>"$TMP/in"
for _ in $(seq 100); do grep -q '^ready' "$GT" && break; sleep 0.1; done
bg_plumb "$TMP/out" "$TMP/err" -p "$cpid" "$PROG"
ppid=$P
wait_banner "$TMP/err" || diag "no banner: $(cat "$TMP/err")"
echo >&3
for _ in $(seq 100); do grep -q '^done' "$GT" && break; sleep 0.1; done
sleep 0.5	# plumb looks at the maps ten times a second
echo >&3
exec 3>&-
wait "$cpid"
wait "$ppid"
is "$?" 0 "-p: plumb ran and ended with the process"
check "-p"

# -c: the command is a pipeline, the target a child of plumb's child
"$PLUMB" -c "sh -c '(sleep 0.8; echo) | cxxsim -W -n 200 -d $LIB:work >$GT'" "$PROG" \
	>"$TMP/out" 2>"$TMP/err"
is "$?" 0 "-c: plumb ran"
check "-c"

# ustack(N) mistakes are refused with a caret
run_plumb -d 'p:cxxsim:cxx_tick { @[ustack(0)] = count(); }'
is "$(cat "$TMP/err")" "<cmdline>:1:30: error: ustack() depth 0 out of range (1 to 32 frames; plain ustack keeps up to 127)
p:cxxsim:cxx_tick { @[ustack(0)] = count(); }
                             ^" "ustack(0) refused"
run_plumb -d 'p:cxxsim:cxx_tick { @[ustack(2)] = count(); } p:cxxsim:call_hook { @[ustack(3)] = count(); }'
is "$(sed 1q "$TMP/err")" "<cmdline>:1:70: error: key 1 of @ is a ustack(2) elsewhere, not a ustack(3)" \
	"ustack(2) and ustack(3) are not one key type"
run_plumb -d 'i:1s { @[ustack(2)] = count(); }'
like "$(sed 1q "$TMP/err")" "error: 'ustack' is not available in interval probes" "ustack(N) only where there is a user stack"

done_testing
