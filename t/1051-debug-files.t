#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Separate debug files: a fully stripped cxxsim is probed by function
# name through the .symtab of its debug file, found by build-id under
# /usr/lib/debug (a directory this test creates and removes), under
# $PLUMB_DEBUG_DIR, by .gnu_debuglink (beside the binary, in .debug/,
# under the debug directory; a wrong CRC is refused), and from a local
# debuginfod server. Counts equal cxxsim's ground truth.
. "$(dirname "$0")/lib.sh"

need_cmd objcopy
need_cmd readelf
# the debug file as make check built it, before use_targets moves TARGETS
DBG="$TARGETS/cxxsim-stripped.debug"
[ -f "$DBG" ] || skip_all "no $DBG (make check builds it)"
use_targets
GT="$TMP/gt"
ST="$TARGETS/cxxsim-stripped"
ID=$(readelf -n "$ST" | sed -n 's/.*Build ID: *//p')
[ -n "$ID" ] || skip_all "cxxsim-stripped has no build-id"
EMPTY="$TMP/empty-debug"
mkdir -p "$EMPTY"

# The real debug directory's build-id entry, and the debuginfod server,
# go away on every exit path.
BIDDIR=/usr/lib/debug/.build-id/$(printf %.2s "$ID")
BIDFILE=$BIDDIR/${ID#??}.debug
made="" placed=""
cleanup() {
	[ -f "$TMP/di.pid" ] && kill "$(cat "$TMP/di.pid")" 2>/dev/null
	[ -n "$placed" ] && rm -f "$BIDFILE"
	for d in $made; do rmdir "$d" 2>/dev/null; done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

listing() {
	run_plumb -l "p:$1:shop::*Snapshot*"
	cat "$TMP/out"
}
want_list() {
	printf 'uprobe:%s:"shop::SnapshotAndLogManager::BeginSnapshot(char const*, char const*)"\n' "$1"
	printf 'uprobe:%s:"shop::SnapshotAndLogManager::BeginSnapshot(shop::Snapshot const*)"\n' "$1"
	printf 'uprobe:%s:"shop::SnapshotAndLogManager::BeginSnapshot(shop::Snapshot const&, int)"\n' "$1"
	printf 'uprobe:%s:"shop::SnapshotAndLogManager::EndSnapshot(shop::Snapshot&)"\n' "$1"
}

export PLUMB_DEBUG_DIR="$EMPTY"
is "$(listing "$ST")" "" "stripped, no debug file: no functions"
is "$(sed 1q "$TMP/err")" "plumb: nothing matches 'p:$ST:shop::*Snapshot*'" "  and says so"
run_plumb -n 'p:cxxsim-stripped:shop::detail::Hash { }'
is "$(cat "$TMP/err")" "<cmdline>:1:19: error: no function 'shop::detail::Hash' in $ST, which is stripped and has no debug file (install its debug symbols, or set DEBUGINFOD_URLS)
p:cxxsim-stripped:shop::detail::Hash { }
                  ^^^^^^^^^^^^^^^^^^" "  a probe on it says why it finds no function"

# $PLUMB_DEBUG_DIR/.build-id/xx/rest.debug
mkdir -p "$TMP/dd/.build-id/$(printf %.2s "$ID")"
cp "$DBG" "$TMP/dd/.build-id/$(printf %.2s "$ID")/${ID#??}.debug"
PLUMB_DEBUG_DIR="$TMP/dd"
is "$(listing "$ST")" "$(want_list "$ST")" "build-id under \$PLUMB_DEBUG_DIR: the debug file's .symtab"
PLUMB_DEBUG_DIR="$EMPTY"

# .gnu_debuglink: beside the binary, in .debug/, under the debug directory
L="$TMP/dl"
mkdir -p "$L/.debug" "$TMP/dd2$L"
cp "$DBG" "$L/cxxsim.debug"
(cd "$L" && objcopy --add-gnu-debuglink=cxxsim.debug "$ST" "$L/cxxsim-linked")
is "$(listing "$L/cxxsim-linked")" "$(want_list "$L/cxxsim-linked")" ".gnu_debuglink: the file beside the binary"
mv "$L/cxxsim.debug" "$L/.debug/cxxsim.debug"
is "$(listing "$L/cxxsim-linked")" "$(want_list "$L/cxxsim-linked")" ".gnu_debuglink: in .debug/ beside it"
mv "$L/.debug/cxxsim.debug" "$TMP/dd2$L/cxxsim.debug"
PLUMB_DEBUG_DIR="$TMP/dd2"
is "$(listing "$L/cxxsim-linked")" "$(want_list "$L/cxxsim-linked")" ".gnu_debuglink: under the debug directory plus the binary's directory"
printf 'x' >>"$TMP/dd2$L/cxxsim.debug"
is "$(listing "$L/cxxsim-linked")" "" ".gnu_debuglink: a file whose CRC differs is not used"
PLUMB_DEBUG_DIR="$EMPTY"

need_kernel

# /usr/lib/debug/.build-id, made for this test and removed after it
unset PLUMB_DEBUG_DIR
if [ -e "$BIDFILE" ]; then
	skip "$BIDFILE exists already; not touching it"
else
	d=/usr/lib/debug
	for part in .build-id "$(printf %.2s "$ID")"; do
		d=$d/$part
		[ -d "$d" ] || { mkdir -p "$d" && made="$d $made"; }
	done
	placed=1
	cp "$DBG" "$BIDFILE"
	"$PLUMB" -q -c "cxxsim-stripped -n 300 >$GT" \
		'p:cxxsim-stripped:shop::*,p:cxxsim-stripped:cxx_tick { @[func] = count(); }' \
		>"$TMP/out" 2>"$TMP/err"
	is "$?" 0 "fully stripped, debug file in /usr/lib/debug/.build-id: plumb ran"
	sed -n 's/^func \([0-9]*\) \(.*\)$/@[\2]: \1/p' "$GT" | sort >"$TMP/want"
	grep '^@\[' "$TMP/out" | sort >"$TMP/got"
	same "$TMP/got" "$TMP/want" "fully stripped: @[func] = count() per demangled name equals the ground truth"
	rm -f "$BIDFILE"
	for d in $made; do rmdir "$d" 2>/dev/null; done
	made="" placed=""
	ok "$([ ! -e "$BIDFILE" ]; echo $?)" "the build-id entry is gone again"
fi

# debuginfod: a server of Debian's package on a loopback-only network
# namespace, serving a directory with the debug file; plumb fetches the
# debug file by build-id through libdebuginfod.
if ! ldd "$PLUMB" 2>/dev/null | grep -q libdebuginfod; then
	skip "plumb built without libdebuginfod"
elif ! command -v debuginfod >/dev/null || ! command -v unshare >/dev/null ||
	! command -v ip >/dev/null; then
	skip "needs debuginfod, unshare and ip"
else
	mkdir -p "$TMP/srv" "$TMP/cache"
	cp "$DBG" "$TMP/srv/cxxsim.debug"
	cat >"$TMP/di.sh" <<'EOF'
ip link set lo up || exit 3
debuginfod -F -p 8002 -d "$TMP/di.sqlite" -t 0 -g 0 "$TMP/srv" >"$TMP/di.log" 2>&1 &
echo $! >"$TMP/di.pid"
trap 'kill "$(cat "$TMP/di.pid")"; wait' EXIT
i=0
until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:8002/buildid/$ID/debuginfo")" = 200 ]; do
	i=$((i + 1))
	[ $i -lt 100 ] || exit 4
	sleep 0.1
done
export DEBUGINFOD_URLS=http://127.0.0.1:8002 DEBUGINFOD_CACHE_PATH="$TMP/cache"
"$PLUMB" -l "p:$ST:shop::*Snapshot*" >"$TMP/di.list" 2>"$TMP/di.err"
"$PLUMB" -q -c "cxxsim-stripped -n 200 >$GT" \
	'p:cxxsim-stripped:"shop::SnapshotAndLogManager::BeginSnapshot" { @ = count(); }' \
	>"$TMP/di.out" 2>>"$TMP/di.err"
EOF
	TMP="$TMP" ID="$ID" ST="$ST" GT="$GT" PLUMB="$PLUMB" PLUMB_DEBUG_DIR="$EMPTY" \
		unshare --net sh "$TMP/di.sh"
	r=$?
	is "$r" 0 "debuginfod on loopback: served the debug file and plumb ran"
	[ "$r" = 0 ] || diag "$(cat "$TMP/di.log" "$TMP/di.err" 2>/dev/null | tail -5)"
	is "$(cat "$TMP/di.list")" "$(want_list "$ST")" "debuginfod: -l through the fetched debug file"
	is "$(sed -n 's/^@: //p' "$TMP/di.out")" "$(awk '$1 == "method" && $3 ~ /BeginSnapshot$/ { print $2 }' "$GT")" \
		"debuginfod: every BeginSnapshot overload counted exactly"
	ok "$(kill -0 "$(cat "$TMP/di.pid")" 2>/dev/null; [ $? != 0 ]; echo $?)" "the debuginfod server is stopped"
	rm -f "$TMP/di.pid"
fi

done_testing
