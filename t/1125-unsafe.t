#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# signal(), system() and cat() with --unsafe, and their refusal without
# it (the cases: t/data/unsafe.cases).
. "$(dirname "$0")/cases.sh"

use_targets
run_cases "$SRCDIR/t/data/unsafe.cases"
done_testing
