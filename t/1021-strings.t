#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Strings: ==, !=, startswith(), contains(), comm, strings as keys and
# values, truncation (the cases: t/data/strings.cases; the runner:
# t/cases.sh).
. "$(dirname "$0")/cases.sh"

use_targets
run_cases "$SRCDIR/t/data/strings.cases"
done_testing
