# SPDX-License-Identifier: GPL-2.0-only
# Shared TAP helpers for plumb's tests. A test sources this file, calls
# plan N (or skip_all), then ok/is/like..., and finishes with done_testing.
#
# Environment (set by make check, or by hand):
#   PLUMB          the plumb binary
#   TARGETS        directory of the built test targets
#   SRCDIR         top of the source tree
#   PLUMB_TEST_REQUIRE_KERNEL=1  a test that would skip for want of root
#                  or BPF fails instead (CI sets it)

set -u
export LC_ALL=C

: "${SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${PLUMB:=$SRCDIR/plumb}"
: "${TARGETS:=$SRCDIR/t/targets}"
: "${INJECT:=$SRCDIR/t/inject.so}"

_n=0
_failed=0
_planned=
TMP=$(mktemp -d "${TMPDIR:-/tmp}/plumb-test.XXXXXX")
# Background processes a test starts go in PIDS (space-separated): at
# exit, pass or fail, each gets SIGTERM, and SIGKILL if it is still
# there 5 s later.
PIDS=
stop_pids() {
	for _p in $PIDS; do kill "$_p" 2>/dev/null; done
	for _p in $PIDS; do
		for _ in $(seq 100); do kill -0 "$_p" 2>/dev/null || break; sleep 0.05; done
		kill -9 "$_p" 2>/dev/null
	done
	PIDS=
}
trap 'stop_pids; rm -rf "$TMP"' EXIT

plan() { _planned=$1; echo "1..$1"; }

skip_all() {
	if [ "${PLUMB_TEST_REQUIRE_KERNEL:-0}" = 1 ]; then
		echo "1..1"
		echo "not ok 1 - required but would skip: $*"
		exit 1
	fi
	echo "1..0 # SKIP $*"
	exit 0
}

# Tests that need the live kernel call this first.
need_kernel() {
	[ "$(id -u)" = 0 ] || skip_all "needs root (BPF and uprobes)"
	[ -e /sys/bus/event_source/devices/uprobe/type ] || skip_all "no uprobe PMU in this kernel"
	[ -x "$PLUMB" ] || skip_all "no plumb binary at $PLUMB"
}

need_cmd() {
	command -v "$1" >/dev/null 2>&1 || skip_all "needs $1"
}

ok() {
	_n=$((_n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $_n - $2"
	else
		echo "not ok $_n - $2"
		_failed=$((_failed + 1))
	fi
}

# is GOT EXPECTED DESCRIPTION
is() {
	_n=$((_n + 1))
	if [ "$1" = "$2" ]; then
		echo "ok $_n - $3"
	else
		echo "not ok $_n - $3"
		printf '%s\n' "--- expected" "$2" "+++ got" "$1" | sed 's/^/# /'
		_failed=$((_failed + 1))
	fi
}

# same GOT-FILE WANT-FILE DESCRIPTION: the files are equal; else the
# first differences
same() {
	if cmp -s "$1" "$2"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		diff "$2" "$1" | head -10 | sed 's/^/# /'
	fi
}

# like GOT REGEX DESCRIPTION (grep -E on the whole text)
like() {
	_n=$((_n + 1))
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		echo "ok $_n - $3"
	else
		echo "not ok $_n - $3"
		printf '%s\n' "--- wanted /$2/ in" "$1" | sed 's/^/# /'
		_failed=$((_failed + 1))
	fi
}

skip() {
	_n=$((_n + 1))
	echo "ok $_n # skip $*"
}

diag() { printf '%s\n' "$*" | sed 's/^/# /'; }

done_testing() {
	[ -n "$_planned" ] || echo "1..$_n"
	[ "$_failed" = 0 ]
	exit $?
}

# gt FILE KEY: the value of "KEY value" in a target's ground truth.
gt() {
	awk -v k="$2" '$1 == k { print $2; exit }' "$1"
}

# Loaded BPF programs of the kinds plumb loads (for leak checks).
bpf_progs() {
	bpftool prog show 2>/dev/null | grep -cE '^[0-9]+: (kprobe|tracepoint|perf_event|raw_tracepoint)'
}

# Private copies of the targets, first on PATH: probes attach by inode,
# so tests running side by side do not see each other's processes.
use_targets() {
	mkdir -p "$TMP/bin"
	for f in "$TARGETS"/*; do
		[ -f "$f" ] && [ -x "$f" ] && cp "$f" "$TMP/bin/"
	done
	TARGETS="$TMP/bin"
	PATH="$TMP/bin:$PATH"
	export TARGETS PATH
}

# Run plumb quietly; stdout to $TMP/out, stderr to $TMP/err, status in $rc.
run_plumb() {
	"$PLUMB" "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	return 0
}

# A TCP port free on loopback now.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# bg_plumb OUT ERR ARGS...: plumb in the background, stdout to OUT and
# stderr to ERR, its pid in P. ERR is emptied here first: emptied only by
# the background shell, a wait_banner that looked before that shell ran
# would read an earlier run's banner, and the test would go on before
# plumb attached (under load: a target's USDT probe counted by it but not
# by plumb, and a SIGINT sent before plumb's main() lost, as a background
# job starts with SIGINT ignored).
bg_plumb() {
	_out=$1 _err=$2
	shift 2
	: >"$_err"
	"$PLUMB" "$@" >"$_out" 2>"$_err" &
	P=$!
}

# wait_for FILE REGEX [SECONDS]: until a line of FILE matches (10 s at
# most unless SECONDS says)
wait_for() {
	for _ in $(seq $((${3:-10} * 20))); do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# wait_banner FILE: until plumb says its probes are attached (20 s at
# most). FILE must have been emptied before plumb started (bg_plumb).
wait_banner() {
	wait_for "$1" '^Attached' 20
}

# exits_within SECONDS PID: it is gone in time
exits_within() {
	for _ in $(seq $(($1 * 20))); do
		kill -0 "$2" 2>/dev/null || return 0
		sleep 0.05
	done
	return 1
}

# A debug directory of the test's own, laid out as distributions lay
# theirs: DIR/.build-id/xx/rest.debug for the stripped binary STRIPPED,
# whose debug file make check built as STRIPPED.debug. Skips without them.
build_id_dir() { # STRIPPED DIR
	need_cmd readelf
	[ -f "$1.debug" ] || skip_all "no $1.debug (make check builds it)"
	_id=$(readelf -n "$1" | sed -n 's/.*Build ID: *//p')
	[ -n "$_id" ] || skip_all "$1 has no build-id"
	mkdir -p "$2/.build-id/$(printf %.2s "$_id")"
	cp "$1.debug" "$2/.build-id/$(printf %.2s "$_id")/${_id#??}.debug"
}
