#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# bpftrace's config settings that plumb has, in the block and the
# environment (the cases: t/data/config-keys.cases; the runner: t/cases.sh).
. "$(dirname "$0")/cases.sh"

run_cases "$SRCDIR/t/data/config-keys.cases"
done_testing
