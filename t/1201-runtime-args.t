#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Run-time arguments where bpftrace takes expressions: buf()'s length,
# strncmp()'s n, ntop()'s family; what is out of range counted and
# reported; and what is refused (the cases: t/data/runtime-args.cases;
# the runner: t/cases.sh).
. "$(dirname "$0")/cases.sh"

use_targets
run_cases "$SRCDIR/t/data/runtime-args.cases"
done_testing
