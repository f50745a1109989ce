#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Kernel types by name, through its BTF: sizeof, offsetof, casts and
# written signatures (the cases: t/data/kernel-type-names.cases). The
# ground truth is bpftool's raw dump of the same BTF.
. "$(dirname "$0")/cases.sh"

BTF=/sys/kernel/btf/vmlinux
[ -r "$BTF" ] || skip_all "this kernel has no BTF ($BTF)"
command -v bpftool >/dev/null || skip_all "no bpftool (Debian's bpftool package)"
bpftool btf dump file "$BTF" format raw >"$TMP/btf.raw" ||
	skip_all "bpftool cannot dump $BTF"

# btf_size KIND NAME: the size of the kernel's STRUCT/UNION/ENUM NAME
btf_size() {
	awk -v k="$1" -v n="'$2'" '$2 == k && $3 == n {
		for (i = 4; i <= NF; i++) if ($i ~ /^size=/) { sub("size=", "", $i); print $i; exit } }' \
		"$TMP/btf.raw"
}

# btf_off STRUCT MEMBER: the byte offset of a struct's member
btf_off() {
	awk -v n="'$1'" -v m="'$2'" '
		/^\[/ { in_s = ($2 == "STRUCT" && $3 == n); next }
		in_s && $1 == m { sub("bits_offset=", "", $3); print $3 / 8; exit }' "$TMP/btf.raw"
}

use_targets
mkdir -p "$TARGETS/nodd1208"
run_cases "$SRCDIR/t/data/kernel-type-names.cases"
rm -rf "$TARGETS/nodd1208"
done_testing
