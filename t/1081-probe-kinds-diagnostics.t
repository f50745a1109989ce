#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Bad specs of the probe kinds of t/1080: the exact diagnostic, caret
# included, and exit status 2, with no kernel.
. "$(dirname "$0")/cases.sh"

run_cases "$SRCDIR/t/data/probe-kinds.cases"
done_testing
