#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# join() on execve's argv (the cases: t/data/join.cases).
. "$(dirname "$0")/cases.sh"

run_cases "$SRCDIR/t/data/join.cases"
done_testing
