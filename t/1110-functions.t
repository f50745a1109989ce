#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# bpftrace's functions: strncmp, strcontains, bswap, nsecs(clock),
# strerror, ntop, pton, kaddr, ksym, uaddr, cgroup_path, each against the
# funcs target's ground truth (the cases: t/data/functions.cases; the
# runner: t/cases.sh); then cgroupid() and cgroup_path() in a cgroup made
# for the test.
. "$(dirname "$0")/cases.sh"

use_targets
run_cases "$SRCDIR/t/data/functions.cases"

# A cgroup v2 directory of our own, the target moved into it: its id is
# the directory's inode number (the target prints it), and plumb's
# cgroup, cgroupid() and cgroup_path() must all agree with it.
cg_test() {
	root=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
	[ -n "$root" ] || { skip "no cgroup2 mount"; return; }
	dir="$root/plumb-test-$$"
	mkdir "$dir" 2>/dev/null || { skip "cannot make a cgroup in $root"; return; }
	run_plumb -q -c "sh -c 'echo \$\$ >$dir/cgroup.procs && exec funcs cgroup >$TMP/gt'" \
		"p:funcs:tick { printf(\"%d %llu %llu %s\n\", cgroup == cgroupid(\"$dir\"), cgroupid(\"$dir\"), cgroup, cgroup_path(cgroup)); }"
	is "$rc" 0 "cgroupid: plumb ran ($(head -1 "$TMP/err"))"
	ino=$(stat -c %i "$dir")
	is "$(cat "$TMP/gt")" "cgroup $dir $ino" "the target ran in the new cgroup"
	is "$(cat "$TMP/out")" "1 $ino $ino unified:/plumb-test-$$" \
		"cgroupid(path) is the cgroup's inode and the task's cgroup; cgroup_path names it"
	rmdir "$dir"
}
if [ "$(id -u)" = 0 ] && [ -e /sys/bus/event_source/devices/uprobe/type ]; then
	cg_test
else
	skip "cgroupid: needs root and the uprobe PMU"
fi
done_testing
