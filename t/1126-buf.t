#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# buf() with %r, %rx and %rh (the cases: t/data/buffer.cases).
. "$(dirname "$0")/cases.sh"

use_targets
run_cases "$SRCDIR/t/data/buffer.cases"
done_testing
