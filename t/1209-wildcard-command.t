#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# usdt:*:NAME and uprobe:*:FUNC under -c: the command's program and the
# libraries it needs, resolved before it runs (the cases:
# t/data/wildcard-command.cases).
. "$(dirname "$0")/cases.sh"

use_targets
# a copy of querysim-lib apart from its library: only LD_LIBRARY_PATH
# leads to it
mkdir -p "$TARGETS/ldlp-bin" "$TARGETS/ldlp-lib"
cp "$TARGETS/querysim-lib" "$TARGETS/ldlp-bin/"
cp "$TARGETS/libquerysim.so" "$TARGETS/ldlp-lib/"
run_cases "$SRCDIR/t/data/wildcard-command.cases"
rm -rf "$TARGETS/ldlp-bin" "$TARGETS/ldlp-lib"
done_testing
