#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Typed arguments from debug info (DWARF through libdw): args.NAME with
# the declared types, retval's declared type, `-l -v` signatures, and a
# hand-written signature checked against the debug info. cxxsim is used
# three ways: built with -g, fully stripped with its debug file under a
# build-id directory, and without debug info (args.NAME: an error with
# the hint). Every figure equals cxxsim's own ground truth.
. "$(dirname "$0")/lib.sh"

need_cmd jq
need_cmd readelf
DBG="$TARGETS/cxxsim-stripped.debug"
[ -f "$DBG" ] || skip_all "no $DBG (make check builds it)"
use_targets
GT="$TMP/gt"
ID=$(readelf -n "$TARGETS/cxxsim-stripped" | sed -n 's/.*Build ID: *//p')
[ -n "$ID" ] || skip_all "cxxsim-stripped has no build-id"
mkdir -p "$TMP/dd/.build-id/$(printf %.2s "$ID")" "$TMP/empty"
cp "$DBG" "$TMP/dd/.build-id/$(printf %.2s "$ID")/${ID#??}.debug"

# debug_dir BINARY: where its debug file is looked for
debug_dir() {
	case $1 in
	cxxsim-stripped) echo "$TMP/dd" ;;
	*) echo "$TMP/empty" ;;
	esac
}

want_sigs() {
	cat <<EOF
uprobe:$1:"shop::SnapshotAndLogManager::BeginSnapshot(char const*, char const*)"
    class shop::SnapshotAndLogManager *this
    char *file
    char *db
    long int retval
uprobe:$1:"shop::SnapshotAndLogManager::BeginSnapshot(shop::Snapshot const*)"
    class shop::SnapshotAndLogManager *this
    struct shop::Snapshot *s
    long int retval
uprobe:$1:"shop::SnapshotAndLogManager::BeginSnapshot(shop::Snapshot const&, int)"
    class shop::SnapshotAndLogManager *this
    struct shop::Snapshot &s
    int level
    long int retval
uprobe:$1:"shop::SnapshotAndLogManager::EndSnapshot(shop::Snapshot&)"
    class shop::SnapshotAndLogManager *this
    struct shop::Snapshot &s
    void retval
EOF
}

for bin in cxxsim cxxsim-stripped; do
	PLUMB_DEBUG_DIR=$(debug_dir $bin) run_plumb -l -v "p:$bin:shop::*Snapshot*"
	is "$(cat "$TMP/out")" "$(want_sigs "$TARGETS/$bin")" "$bin: -l -v prints each method's signature, this first"
done
PLUMB_DEBUG_DIR="$TMP/empty" run_plumb -l -v 'p:cxxsim-nodebug:"int shop::Accumulate<int>(int, int)"'
is "$(cat "$TMP/out")" "uprobe:$TARGETS/cxxsim-nodebug:\"int shop::Accumulate<int>(int, int)\"
    (no debug info)" "cxxsim-nodebug: -l -v says there is no debug info"

# Diagnostics, located at the name or the signature item.
diag_is() {
	is "$(cat "$TMP/err")" "$1" "$2"
}
export PLUMB_DEBUG_DIR="$TMP/empty"
run_plumb -n 'p:cxxsim:shop::detail::Hash { @[args.q] = count(); }'
is "$rc" 2 "an unknown argument name is refused"
diag_is "<cmdline>:1:33: error: shop::detail::Hash(char const*) has no argument 'q'; did you mean 's'?
p:cxxsim:shop::detail::Hash { @[args.q] = count(); }
                                ^^^^^^" "  with the closest declared name"
run_plumb -n 'p:cxxsim-nodebug:shop::detail::Hash { @[args.s] = count(); }'
is "$rc" 2 "args.NAME without debug info is refused"
diag_is "<cmdline>:1:41: error: args.s needs debug info, and $TARGETS/cxxsim-nodebug has none; install its debug package, or write the signature (u:BIN:FUNC(char *s)) and declare the structs it points to
p:cxxsim-nodebug:shop::detail::Hash { @[args.s] = count(); }
                                        ^^^^^^" "  with the hint"
run_plumb -n 'p:cxxsim:"shop::SnapshotAndLogManager::BeginSnapshot(char const*, char const*)"(char *file, int db) { }'
is "$rc" 0 "a signature that disagrees with the debug info: warnings only"
diag_is "<cmdline>:1:81: warning: shop::SnapshotAndLogManager::BeginSnapshot(char const*, char const*) is a method: its first argument is the hidden 'this' (args.this); the signature names the arguments after it
p:cxxsim:\"shop::SnapshotAndLogManager::BeginSnapshot(char const*, char const*)\"(char *file, int db) { }
                                                                                ^^^^^^^^^^
<cmdline>:1:93: warning: the debug info of shop::SnapshotAndLogManager::BeginSnapshot(char const*, char const*) says argument 2 is char *db
p:cxxsim:\"shop::SnapshotAndLogManager::BeginSnapshot(char const*, char const*)\"(char *file, int db) { }
                                                                                            ^^^^^^" "  the hidden this, and a type"
run_plumb -n 'p:cxxsim:shop::detail::Twice(long x, long y) { }'
diag_is "<cmdline>:1:30: warning: the signature has 2 arguments; the debug info of shop::detail::Twice(long) says 1
p:cxxsim:shop::detail::Twice(long x, long y) { }
                             ^^^^^^" "a count that disagrees: a warning"

need_kernel

# One run per build: args.NAME of several types, retval, and a written
# signature whose names skip this. JSON out, each map against its line.
prog='p:BIN:"shop::Engine::step(long)" { @x = sum(args.x); @this[args.this != 0] = count(); }
r:BIN:"int shop::Accumulate<int>(int, int)" { @ret = sum(retval); }
p:BIN:"shop::SnapshotAndLogManager::BeginSnapshot(shop::Snapshot const&, int)" { @level = sum(args.level); }
p:BIN:"shop::SnapshotAndLogManager::BeginSnapshot(char const*, char const*)" { @db[str(args.db)] = count(); }
p:BIN:"shop::SnapshotAndLogManager::BeginSnapshot(char const*, char const*)"(char *file, char *db) { @db2[str(db)] = count(); }'
for bin in cxxsim cxxsim-stripped; do
	PLUMB_DEBUG_DIR=$(debug_dir $bin) "$PLUMB" -q -j -c "$bin -n 100 >$GT" \
		"$(echo "$prog" | sed "s/:BIN:/:$bin:/")" >"$TMP/out" 2>"$TMP/err"
	is "$?" 0 "$bin: one run with typed arguments"
	val() { jq -r "select(.type == \"map\") | .data$1 // empty" "$TMP/out"; }
	is "$(val '["@x"]')" "$(gt "$GT" step.x.sum)" "$bin: sum(args.x) (long)"
	is "$(val '["@this"]["true"]')" \
		"$(awk '$1 == "func" && $3 == "shop::Engine::step(long)" { print $2 }' "$GT")" \
		"$bin: args.this, never 0, on each call"
	is "$(val '["@ret"]')" "$(gt "$GT" acc_int.retval.sum)" "$bin: sum(retval) as the declared int"
	is "$(val '["@level"]')" "$(gt "$GT" ref.level.sum)" "$bin: sum(args.level) (int, third register)"
	for db in memsql_demo information_schema metrics; do
		is "$(val "[\"@db\"][\"$db\"]")" "$(gt "$GT" "db.$db")" "$bin: @db[str(args.db)] for $db"
		is "$(val "[\"@db2\"][\"$db\"]")" "$(gt "$GT" "db.$db")" "$bin: a written signature skips this: $db"
	done
done

done_testing
