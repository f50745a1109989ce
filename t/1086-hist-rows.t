#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Text hist and lhist rows byte for byte as bpftrace prints them: the
# "@name: " header (its trailing space included), a 16-wide label, an
# 8-wide count, the 52-wide bar, a blank line after each histogram;
# K/M/... bounds, lhist's (..., min) and [max, ...) rows and its K/M
# labels. t/data/hist/rows.expected is what bpftrace 0.17 printed for
# t/data/hist/rows.prog.
. "$(dirname "$0")/lib.sh"

need_kernel
D="$SRCDIR/t/data/hist"

run_plumb -q -f "$D/rows.prog"
is "$rc" 0 "hist and lhist rows: exit 0"
same "$TMP/out" "$D/rows.expected" "hist and lhist rows: bpftrace's bytes"

# Past 2^32 bpftrace 0.17 puts every value in [2G, 4G); plumb keeps
# counting, with the same rule for the labels: P and E past T.
run_plumb -q 'BEGIN { @t = hist(1099511627776); @e = hist(0x7fffffffffffffff);
	@k = lhist(0, 0, 4096, 1024); @k = lhist(5000, 0, 4096, 1024); @n = lhist(-2048, -4096, 0, 1024); exit(); }'
is "$(grep -v '^$' "$TMP/out")" "@e: 
[4E, 8E)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
@k: 
[0, 1K)                1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
[1K, 2K)               0 |                                                    |
[2K, 3K)               0 |                                                    |
[3K, 4K)               0 |                                                    |
[4K, ...)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
@n: 
[-2K, -1K)             1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
@t: 
[1T, 2T)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|" \
	"T and E bounds; lhist's 0 as 0, K labels, negative bounds"

# -j is unchanged: numbers, not labels
run_plumb -q -j 'BEGIN { @k = lhist(2048, 0, 4096, 1024); exit(); }'
like "$(cat "$TMP/out")" '"min":2048,"max":3071,"count":1' "-j: lhist buckets as numbers"

done_testing
