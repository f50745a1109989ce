#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The .note.stapsdt reader against readelf, on PIE, non-PIE and shared
# library builds and on the distribution's postgres and python3.11.
exec sh "${SRCDIR:-$(dirname "$0")/..}/t/unit/test-notes.sh"
