#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Two plumb exporters standing for two hosts, scraped every second by
# Debian's Prometheus server on loopback (temporary storage): what
# PromQL answers equals the two targets' ground truth added up, exactly,
# and histogram_quantile answers. Everything started here is stopped by
# PID at the end, whether the test passes or not.
. "$(dirname "$0")/lib.sh"

need_kernel
need_cmd prometheus
need_cmd curl
need_cmd python3
use_targets

trap 'exit 1' INT TERM

# Two hosts: each its own copy of memsqld (probes attach by inode), its
# own plumb on its own port.
mkdir -p "$TMP/a" "$TMP/b"
cp "$TARGETS/memsqld" "$TMP/a/memsqld"
cp "$TARGETS/memsqld" "$TMP/b/memsqld"
PROG='u:memsqld:querystart(char *query, u64 plan) { @queries[str(query)] = count(); }
u:memsqld:queryend(u64 latency) { @latency = hist(latency); }'
PA=$(free_port)
PB=$(free_port)
"$PLUMB" --listen "127.0.0.1:$PA" "$(printf '%s' "$PROG" | sed "s|u:memsqld:|u:$TMP/a/memsqld:|g")" \
	>"$TMP/a/out" 2>"$TMP/a/err" &
A=$!; PIDS="$A"
"$PLUMB" --listen "127.0.0.1:$PB" "$(printf '%s' "$PROG" | sed "s|u:memsqld:|u:$TMP/b/memsqld:|g")" \
	>"$TMP/b/out" 2>"$TMP/b/err" &
B=$!; PIDS="$PIDS $B"
wait_banner "$TMP/a/err" && wait_banner "$TMP/b/err"
ok $? 'two plumb exporters attached'

PP=$(free_port)
cat >"$TMP/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: plumb
    static_configs:
      - targets: ['127.0.0.1:$PA', '127.0.0.1:$PB']
YML
prometheus --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/tsdb" \
	--web.listen-address="127.0.0.1:$PP" >"$TMP/prom.log" 2>&1 &
S=$!; PIDS="$PIDS $S"
API="http://127.0.0.1:$PP/api/v1"

# query PROMQL: the answer as "labels value" lines, sorted
query() {
	curl -s --data-urlencode "query=$1" "$API/query" | python3 -c '
import json, sys
try:
    r = json.load(sys.stdin)
except ValueError:
    sys.exit(0)   # not up yet
if r.get("status") != "success":
    print("error:", r.get("error")); sys.exit(0)
for s in r["data"]["result"]:
    labels = ",".join("%s=%s" % kv for kv in sorted(s["metric"].items()))
    v = s["value"][1]
    print(("%s %s" % (labels, v)).strip())
' | sort
}

# Prometheus has scraped both exporters (at zero) before the workloads
# start, so that rate() sees the counts rise; then the test waits for a
# scrape that saw the workloads whole.
for _ in $(seq 150); do
	[ "$(query 'count(plumb_latency_count == 0)')" = 2 ] && break
	sleep 0.2
done
"$TMP/a/memsqld" -t 2 -n 400 >"$TMP/a/gt"
"$TMP/b/memsqld" -t 3 -n 300 >"$TMP/b/gt"
want_count=$(( $(gt "$TMP/a/gt" queryend.calls) + $(gt "$TMP/b/gt" queryend.calls) ))
for _ in $(seq 150); do
	[ "$(query 'sum(plumb_latency_count)')" = "$want_count" ] && break
	sleep 0.2
done
is "$(query 'count(up == 1)')" 2 'Prometheus scrapes both exporters'

# sum by (query) of the counter equals both ground truths added up.
cat "$TMP/a/gt" "$TMP/b/gt" | awk '$1 == "query" {
	n = $2; $1 = ""; $2 = ""; sub(/^  /, ""); t[substr($0, 1, 63)] += n }
	END { for (k in t) print "query=" k, t[k] }' | sort >"$TMP/want"
query 'sum by (query) (plumb_queries_total)' >"$TMP/got"
same "$TMP/got" "$TMP/want" 'sum by (query) (plumb_queries_total) equals the ground truth'
diag "$(paste -d '|' "$TMP/got" "$TMP/want")"
is "$(query 'sum(plumb_latency_count)')" "$want_count" \
	"sum(plumb_latency_count) = $want_count, the queries of both hosts"
want_sum=$(( $(gt "$TMP/a/gt" latency.sum) + $(gt "$TMP/b/gt" latency.sum) ))
is "$(query 'sum(plumb_latency_sum)')" "$want_sum" "sum(plumb_latency_sum) = $want_sum, exactly"
# Per host too: the instance label tells them apart.
is "$(query "plumb_latency_sum{instance=\"127.0.0.1:$PA\"}" | awk '{ print $2 }')" \
	"$(gt "$TMP/a/gt" latency.sum)" 'host a: its own latency sum'
is "$(query "plumb_latency_count{instance=\"127.0.0.1:$PB\"}" | awk '{ print $2 }')" \
	"$(gt "$TMP/b/gt" queryend.calls)" 'host b: its own count'
# The bucket below 2^20 holds every query (latencies are in [2^10, 2^20)).
is "$(query 'sum(plumb_latency_bucket{le="1048575"})')" "$want_count" 'every query is below 2^20'
is "$(query 'sum(plumb_latency_bucket{le="1023"})')" 0 'and none below 2^10'

# histogram_quantile answers, inside the range the latencies fall in;
# the first query is the man page's example.
q=$(query 'histogram_quantile(0.99, sum by (le) (rate(plumb_latency_bucket[5m])))')
diag "histogram_quantile(0.99, sum by (le) (rate(plumb_latency_bucket[5m]))) = $q"
q2=$(query 'histogram_quantile(0.99, sum by (le) (plumb_latency_bucket))')
diag "histogram_quantile(0.99, sum by (le) (plumb_latency_bucket)) = $q2"
ok $(python3 -c "import sys; v=float(sys.argv[1]); sys.exit(0 if 1024 <= v <= 1048575 else 1)" "$q2" 2>/dev/null; echo $?) \
	"histogram_quantile answers ($q2), between 2^10 and 2^20"
ok $(python3 -c "import sys; v=float(sys.argv[1]); sys.exit(0 if 1024 <= v <= 1048575 else 1)" "$q" 2>/dev/null; echo $?) \
	"the PromQL example with rate() answers ($q)"

for p in "$A" "$B"; do
	kill -INT "$p"
	wait "$p"
	is "$?" 0 "plumb $p: exit status 0 at SIGINT"
done
PIDS="$S"
done_testing
