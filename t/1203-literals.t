#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Integer literals: 1_000, 2e3, 123UL and what is refused (the cases:
# t/data/literals.cases; the runner: t/cases.sh).
. "$(dirname "$0")/cases.sh"

run_cases "$SRCDIR/t/data/literals.cases"
done_testing
