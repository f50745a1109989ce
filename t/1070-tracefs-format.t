#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The tracepoint format parser (src/tracefs/format.c), with no kernel:
# each t/data/tracefs/X.format is a saved events/CAT/NAME/format (or a
# made-up malformed one), and X.expected lists the fields the parser must
# keep, one "NAME|TYPE|offset|size|signed|array|dyn|DECL" line each;
# malformed lines must be passed over, not half-read.
. "$(dirname "$0")/lib.sh"

TF="$UNITDIR/tracefs-format"
[ -x "$TF" ] || skip_all "no $TF"

for f in "$SRCDIR"/t/data/tracefs/*.format; do
	name=$(basename "$f" .format)
	"$TF" "$f" >"$TMP/$name.out" 2>&1
	same "$TMP/$name.out" "${f%.format}.expected" "$name: fields (t/data/tracefs/$name.expected)"
done

# A file that cannot be read is an error, not an empty format.
"$TF" "$TMP/no-such.format" >/dev/null 2>&1
is "$?" 1 "an unreadable file is an error"

done_testing
