#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# C++ names: probe specs by demangled name (quoted or not, one overload or
# all, wildcards, templates, the mangled name), func and probe printed as
# c++filt prints them, -l, and "did you mean" among demangled names. Every
# count equals cxxsim's own ground truth.
. "$(dirname "$0")/lib.sh"

need_cmd jq
need_cmd c++filt
use_targets
GT="$TMP/gt"
CX="$TARGETS/cxxsim"

# The ground truth's names are c++filt's: check the target's claim first.
nm "$CX" | awk '$2 ~ /^[TtWw]$/ { print $3 }' | c++filt >"$TMP/nm"
"$CX" -n 1 >"$TMP/names"
missing=$(sed -n 's/^func [0-9]* //p' "$TMP/names" | while read -r f; do
	grep -qxF "$f" "$TMP/nm" || echo "$f"; done)
is "$missing" "" "cxxsim's ground-truth names are what c++filt prints for its symbols"

# -l: functions by demangled pattern, printed as specs to paste (quoted)
run_plumb -l 'p:cxxsim:shop::*Snapshot*'
is "$rc" 0 "-l with a pattern over demangled names"
is "$(cat "$TMP/out")" "uprobe:$CX:\"shop::SnapshotAndLogManager::BeginSnapshot(char const*, char const*)\"
uprobe:$CX:\"shop::SnapshotAndLogManager::BeginSnapshot(shop::Snapshot const*)\"
uprobe:$CX:\"shop::SnapshotAndLogManager::BeginSnapshot(shop::Snapshot const&, int)\"
uprobe:$CX:\"shop::SnapshotAndLogManager::EndSnapshot(shop::Snapshot&)\"" \
	"-l prints each overload as c++filt does, quoted"
run_plumb -l 'uretprobe:cxxsim:"shop::Accumulate<*>"'
is "$(cat "$TMP/out")" "uprobe:$CX:\"long shop::Accumulate<long>(long, long)\"
uprobe:$CX:\"int shop::Accumulate<int>(int, int)\"" "-l: template instances"
run_plumb -l 'p:cxxsim:cxx_*'
is "$(cat "$TMP/out")" "uprobe:$CX:cxx_tick" "-l: a C name stays as it is, unquoted"
run_plumb -j -l 'p:cxxsim:"shop::Engine::step(long)"'
is "$(jq -r '.data.function' "$TMP/out")" "shop::Engine::step(long)" "-l -j: the function's name"
# '*' in a parameter list is a pointer, not a wildcard, when the name exists
run_plumb -l 'p:cxxsim:"shop::SnapshotAndLogManager::BeginSnapshot(shop::Snapshot const*)"'
is "$(cat "$TMP/out")" "uprobe:$CX:\"shop::SnapshotAndLogManager::BeginSnapshot(shop::Snapshot const*)\"" \
	"-l: an exact name with '*' is one function"

# Diagnostics: the closest demangled name, located at the name.
diag_case() {
	want=$2
	run_plumb -d "$1"
	is "$rc" 2 "refused: $1"
	is "$(cat "$TMP/err")" "$want" "diagnostic for $1"
}
diag_case 'p:cxxsim:shop::SnapshotAndLogManager::BeginSnapsot { }' \
"<cmdline>:1:10: error: no function 'shop::SnapshotAndLogManager::BeginSnapsot' in $CX; did you mean 'shop::SnapshotAndLogManager::BeginSnapshot'?
p:cxxsim:shop::SnapshotAndLogManager::BeginSnapsot { }
         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^"
diag_case 'p:cxxsim:"shop::Engine::step(int)" { }' \
"<cmdline>:1:10: error: no function 'shop::Engine::step(int)' in $CX; did you mean 'shop::Engine::step(long)'?
p:cxxsim:\"shop::Engine::step(int)\" { }
         ^^^^^^^^^^^^^^^^^^^^^^^^^"
diag_case 'r:cxxsim:shop::Acumulate<long> { }' \
"<cmdline>:1:10: error: no function 'shop::Acumulate<long>' in $CX; did you mean 'shop::Accumulate<long>'?
r:cxxsim:shop::Acumulate<long> { }
         ^^^^^^^^^^^^^^^^^^^^^"
diag_case 'p:cxxsim:"shop::Engine::step(long) { }' \
"<cmdline>:1:10: error: unterminated quoted name in probe spec
p:cxxsim:\"shop::Engine::step(long) { }
         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^"
diag_case 'p:cxxsim:shop::*Nothing* { }' \
"<cmdline>:1:10: error: no function matches 'shop::*Nothing*' in $CX
p:cxxsim:shop::*Nothing* { }
         ^^^^^^^^^^^^^^^"

need_kernel

# Every way of naming a function, one clause each, in one run: SPEC and
# the ground-truth line (KEY NAME...) whose count the clause must equal.
cat >"$TMP/cases" <<'EOF'
p:cxxsim:"shop::SnapshotAndLogManager::BeginSnapshot"	method shop::SnapshotAndLogManager::BeginSnapshot
p:cxxsim:shop::SnapshotAndLogManager::BeginSnapshot	method shop::SnapshotAndLogManager::BeginSnapshot
p:cxxsim:"shop::SnapshotAndLogManager::BeginSnapshot(char const*, char const*)"	func shop::SnapshotAndLogManager::BeginSnapshot(char const*, char const*)
p:cxxsim:"shop::SnapshotAndLogManager::BeginSnapshot(shop::Snapshot const*)"	func shop::SnapshotAndLogManager::BeginSnapshot(shop::Snapshot const*)
p:cxxsim:"shop::SnapshotAndLogManager::BeginSnapshot(shop::Snapshot const&, int)"	func shop::SnapshotAndLogManager::BeginSnapshot(shop::Snapshot const&, int)
p:cxxsim:shop::*Snapshot*	snapshot.calls
p:cxxsim:"shop::*Snapshot*"	snapshot.calls
p:cxxsim:*::step	method step
p:cxxsim:shop::Accumulate<long>	func long shop::Accumulate<long>(long, long)
p:cxxsim:"int shop::Accumulate<int>(int, int)"	func int shop::Accumulate<int>(int, int)
p:cxxsim:_ZN4shop10AccumulateIiEET_S1_S1_	func int shop::Accumulate<int>(int, int)
p:cxxsim:_ZN4shop10FastEngine4stepEl	func shop::FastEngine::step(long)
r:cxxsim:"shop::Engine::step(long)"	func shop::Engine::step(long)
r:cxxsim:shop::FastEngine::step	func shop::FastEngine::step(long)
uretprobe:cxxsim:shop::detail::Hash	func shop::detail::Hash(char const*)
p:cxxsim:cxx_tick	func cxx_tick
EOF

# count_cases BINARY: all cases against one run of BINARY
count_cases() {
	bin=$1
	prog=$(awk -F'\t' -v b="$bin" '{ sub(/:cxxsim:/, ":" b ":", $1);
		printf "%s { @c%d = count(); }\n", $1, NR }' "$TMP/cases")
	"$PLUMB" -q -j -c "$bin -n 300 >$GT" "$prog" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	is "$rc" 0 "$bin: one run with every way of naming a function"
	[ "$rc" = 0 ] || diag "$(cat "$TMP/err")"
	n=0
	while IFS='	' read -r spec key; do
		n=$((n + 1))
		k=${key%% *} name=${key#* }
		if [ "$k" = "$key" ]; then
			want=$(gt "$GT" "$k")
		else
			want=$(awk -v k="$k" -v n="$name" '$1 == k { c = $2; $1 = $2 = "";
				sub(/^  /, ""); if ($0 == n) print c }' "$GT")
		fi
		got=$(jq -r --arg m "@c$n" '.data[$m] // empty' "$TMP/out")
		is "${got:-0}" "${want:-missing}" "$bin: $spec"
	done <"$TMP/cases"
}
count_cases cxxsim
count_cases cxxsim-nodebug

# func and probe: per function, under c++filt's name
"$PLUMB" -q -c "cxxsim -n 300 >$GT" 'p:cxxsim:shop::*,p:cxxsim:cxx_tick { @[func] = count(); }' \
	>"$TMP/out" 2>"$TMP/err"
sed -n 's/^func \([0-9]*\) \(.*\)$/@[\2]: \1/p' "$GT" | sort >"$TMP/want"
grep '^@\[' "$TMP/out" | sort >"$TMP/got"
same "$TMP/got" "$TMP/want" "@[func] = count(): each demangled name with its exact count"

"$PLUMB" -q -c "cxxsim -n 300 >$GT" \
	'p:cxxsim:shop::SnapshotAndLogManager::BeginSnapshot { @[probe] = count(); }' \
	>"$TMP/out" 2>"$TMP/err"
sed -n "s|^func \([0-9]*\) \(shop::SnapshotAndLogManager::BeginSnapshot.*\)$|@[uprobe:$CX:\2]: \1|p" \
	"$GT" | sort >"$TMP/want"
grep '^@\[' "$TMP/out" | sort >"$TMP/got"
same "$TMP/got" "$TMP/want" "@[probe] = count(): one probe per overload, demangled"

"$PLUMB" -q -c "cxxsim -n 300 >$GT" 'r:cxxsim:shop::Accumulate<long> { @ = sum(retval); }' \
	>"$TMP/out" 2>"$TMP/err"
# Accumulate<long>(i, 1) returns i + 1 for i in 0..299
is "$(sed -n 's/^@: //p' "$TMP/out")" "45150" "uretprobe on a template instance: sum(retval)"

# Offsets into a C++ method, by its demangled name: an instruction start
# (objdump's) counts every call; an offset inside an instruction is
# refused, naming the nearest starts as specs to paste.
need_cmd objdump
M='shop::SnapshotAndLogManager::BeginSnapshot(char const*, char const*)'
objdump -d --no-show-raw-insn -C "$CX" | M="$M" perl -ne '
	if (index($_, "<$ENV{M}>:") >= 0) { ($b) = /^([0-9a-f]+)/; $b = hex $b; $on = 1; next }
	if ($on && /^$/) { exit }
	if ($on && /^\s*([0-9a-f]+):/) { print hex($1) - $b, "\n" }' >"$TMP/starts"
third=$(sed -n 3p "$TMP/starts")
fourth=$(sed -n 4p "$TMP/starts")
[ -n "$third" ] && [ -n "$fourth" ] && [ $((fourth - third)) -gt 1 ]
ok $? "objdump gives $M's instruction starts ($third, $fourth: 2 bytes or more apart)"
"$PLUMB" -q -c "cxxsim -n 300 >$GT" "p:cxxsim:\"$M\"+$third { @ = count(); }" >"$TMP/out" 2>"$TMP/err"
is "$(sed -n 's/^@: //p' "$TMP/out")" "$(M="$M" perl -ne 'print "$1\n" if /^func (\d+) \Q$ENV{M}\E$/' "$GT")" \
	"\"$M\"+$third (an instruction start): every call counted"
run_plumb -n "p:cxxsim:\"$M\"+$((third + 1)) { @ = count(); }"
is "$rc" 2 "+$((third + 1)), inside an instruction: refused"
want="is inside the $((fourth - third))-byte instruction"
want2="at \"$M\"+$(printf %#x "$third"); nearest instruction starts:"
want3="\"$M\"+$(printf %#x "$fourth")"
e=$(head -1 "$TMP/err")
case "$e" in
*"$M+$((third + 1)) $want"*"$want2"*"$want3"*) ok 0 "the error names the instruction and the nearest starts by the demangled name, quoted" ;;
*) ok 1 "the error names the instruction and the nearest starts by the demangled name, quoted"
	diag "$e" ;;
esac

done_testing
