#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# What the builtins of t/1120 refuse, with the caret under the cause
# (the cases: t/data/builtins-diagnostics.cases).
. "$(dirname "$0")/cases.sh"

run_cases "$SRCDIR/t/data/builtins-diagnostics.cases"
done_testing
