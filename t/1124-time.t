#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# time(), strftime(), warnf() and errorf(), against date(1) (the cases:
# t/data/time.cases).
. "$(dirname "$0")/cases.sh"

run_cases "$SRCDIR/t/data/time.cases"
done_testing
