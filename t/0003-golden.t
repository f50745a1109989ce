#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Golden -d listings of generated BPF: no kernel needed. Regenerate one
# with: PATH=t/targets:$PATH ./plumb -n -d "$(cat t/data/golden/X.prog)"
. "$(dirname "$0")/lib.sh"

export PATH="$TARGETS:$PATH"
[ -x "$TARGETS/calls" ] || skip_all "test targets not built"
for prog in "$SRCDIR"/t/data/golden/*.prog; do
	name=$(basename "$prog" .prog)
	"$PLUMB" -n -d "$(cat "$prog")" 2>&1 | sed "s|$TARGETS|@TARGETS@|g" >"$TMP/$name.out"
	if cmp -s "$TMP/$name.out" "${prog%.prog}.expected"; then
		ok 0 "listing of $name"
	else
		ok 1 "listing of $name (t/data/golden/$name.expected)"
		diff -u "${prog%.prog}.expected" "$TMP/$name.out" | sed 's/^/# /'
	fi
done
done_testing
