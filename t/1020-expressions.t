#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# C's operators, precedence, associativity and signedness against the
# shell's arithmetic, statements, predicates, and what is refused before
# anything runs (the cases: t/data/expressions.cases,
# t/data/language.cases; the runner: t/cases.sh).
. "$(dirname "$0")/cases.sh"

use_targets
run_cases "$SRCDIR/t/data/expressions.cases" "$SRCDIR/t/data/language.cases"
done_testing
