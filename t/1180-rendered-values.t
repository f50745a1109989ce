#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Values rendered in user space (username, strftime, buf, strerror) as
# tuple members, map values and JSON, and what is refused of them (the
# cases: t/data/rendered.cases).
. "$(dirname "$0")/cases.sh"

run_cases "$SRCDIR/t/data/rendered.cases"
done_testing
