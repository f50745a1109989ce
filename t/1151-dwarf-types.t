#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The program's types from debug info in expressions: members, casts,
# indexing, bit-fields, scaled pointers (the cases: t/data/dwarf-types.cases;
# the runner: t/cases.sh). cxxsim-stripped's debug file goes under a
# build-id directory of the test's own, @TARGETS@/dd.
. "$(dirname "$0")/cases.sh"

use_targets
build_id_dir "$TARGETS/cxxsim-stripped" "$TARGETS/dd"
run_cases "$SRCDIR/t/data/dwarf-types.cases"
done_testing
