#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Types declared in the program (src/sema/types.c) are laid out as GCC lays
# out the same C declarations on x86-64: each t/data/decls/X.h is read by
# plumb's parser and declarations pass (t/unit/decl-layout), which prints
# each record's size, alignment and every member's bit offset and width,
# and also writes a C program that prints the same lines from sizeof,
# _Alignof, offsetof and, for bit-fields, the bits that setting the field
# to all ones sets. The two must be equal line for line.
. "$(dirname "$0")/lib.sh"

DL="$UNITDIR/decl-layout"
[ -x "$DL" ] || skip_all "no $DL"
CC=${CC:-cc}
command -v "$CC" >/dev/null 2>&1 || skip_all "no C compiler ($CC) to compare with"

for f in "$SRCDIR"/t/data/decls/*.h; do
	name=$(basename "$f" .h)
	"$DL" "$f" >"$TMP/$name.plumb" 2>&1
	is "$?" 0 "$name: plumb takes the declarations"
	"$DL" --c "$f" >"$TMP/$name.c" 2>&1 &&
		"$CC" -w -o "$TMP/$name.gcc" "$TMP/$name.c" >"$TMP/$name.ccout" 2>&1 &&
		"$TMP/$name.gcc" >"$TMP/$name.want"
	is "$?" 0 "$name: the C program builds and runs" || diag "$(cat "$TMP/$name.ccout")"
	same "$TMP/$name.plumb" "$TMP/$name.want" "$name: every size, alignment and offset as $CC has it"
	[ "$(grep -c . "$TMP/$name.want")" -gt 20 ]; ok "$?" "$name: more than 20 figures compared"
done

done_testing
