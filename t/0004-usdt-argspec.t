#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The x86-64 argument-spec parser, offsets of real binaries, the loader
# cache reader, symbolisation (t/unit/test-usdt.c prints the TAP).
exec "${UNITDIR:-$(dirname "$0")/unit}/test-usdt"
