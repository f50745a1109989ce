#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# config = { ... } blocks: what each setting changes, which source wins,
# and what is refused (the cases: t/data/config.cases).
. "$(dirname "$0")/cases.sh"

run_cases "$SRCDIR/t/data/config.cases"
done_testing
