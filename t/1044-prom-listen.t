#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# --listen: /metrics read at scrape time equals the target's ground
# truth; the text passes promtool; OpenMetrics on request; only /metrics
# and / are served; a scrape during heavy tracing loses no event; clients
# that send nothing, too much or never read cannot hold plumb up at
# SIGINT.
. "$(dirname "$0")/lib.sh"

need_kernel
need_cmd curl
need_cmd python3
need_cmd promtool
use_targets

PORT=$(free_port)
URL="http://127.0.0.1:$PORT"
PROG='u:memsqld:querystart(char *query, u64 plan) { @queries[str(query)] = count(); }
u:memsqld:queryend(u64 latency) { @latency = hist(latency); }'

bg_plumb "$TMP/out" "$TMP/err" --listen "127.0.0.1:$PORT" "$PROG"
PIDS="$P"
wait_banner "$TMP/err"
ok $? "plumb attached, serving on port $PORT"
memsqld -n 300 >"$TMP/gt"
curl -s -D "$TMP/hdr" "$URL/metrics" >"$TMP/m"
like "$(cat "$TMP/hdr")" '^HTTP/1.1 200' '/metrics answers 200'
like "$(cat "$TMP/hdr")" 'Content-Type: text/plain; version=0.0.4; charset=utf-8' 'text format 0.0.4'
is "$(cat "$TMP/out")" "" 'nothing on stdout while serving'

promtool check metrics <"$TMP/m" >"$TMP/lint" 2>&1
is "$?:$(cat "$TMP/lint")" "0:" 'promtool check metrics: no complaint'

# Every query text's count, as the ground truth has it (the long one cut
# to 63 bytes, as a 64-byte string keeps it).
grep '^query ' "$TMP/gt" | while read -r _ n text; do
	short=$(printf '%s' "$text" | cut -c1-63)
	printf 'plumb_queries_total{query="%s"} %s\n' "$short" "$n"
done | sort >"$TMP/want"
grep '^plumb_queries_total{' "$TMP/m" | sort >"$TMP/got"
same "$TMP/got" "$TMP/want" 'plumb_queries_total by query equals the ground truth'
is "$(awk '$1 == "plumb_latency_count" { print $2 }' "$TMP/m")" "$(gt "$TMP/gt" queryend.calls)" \
	'latency _count equals queryend.calls'
is "$(awk '$1 == "plumb_latency_sum" { print $2 }' "$TMP/m")" "$(gt "$TMP/gt" latency.sum)" \
	'latency _sum equals latency.sum (kept in the BPF program)'
# Cumulative buckets against the ground truth's [LO, HI) buckets: the
# bucket with le = HI - 1 counts every value below HI.
awk '$1 == "latency.hist" { c += $4; printf "plumb_latency_bucket{le=\"%d\"} %d\n", $3 - 1, c }' \
	"$TMP/gt" >"$TMP/want"
grep -F -f "$TMP/want" "$TMP/m" >"$TMP/got"
same "$TMP/got" "$TMP/want" 'latency buckets equal the ground truth histogram'
like "$(cat "$TMP/m")" 'plumb_latency_bucket\{le="\+Inf"\} 600' '+Inf bucket is the count'
like "$(cat "$TMP/m")" '^plumb_events_lost_total 0$' 'lost events exported'
like "$(cat "$TMP/m")" '^plumb_map_updates_dropped_total\{map="@queries"\} 0$' 'map-full drops exported'

curl -s -D "$TMP/hdr" -H 'Accept: application/openmetrics-text; version=1.0.0,text/plain;q=0.5' \
	"$URL/metrics" >"$TMP/om"
like "$(cat "$TMP/hdr")" 'Content-Type: application/openmetrics-text; version=1.0.0' \
	'OpenMetrics when Accept asks for it'
like "$(cat "$TMP/om")" '^# TYPE plumb_queries counter$' 'OpenMetrics counter family without _total'
is "$(tail -1 "$TMP/om")" '# EOF' 'OpenMetrics ends with # EOF'

is "$(curl -s -o /dev/null -w '%{http_code}' "$URL/")" 200 '/ answers'
like "$(curl -s "$URL/")" 'href="metrics"' '/ links to /metrics'
is "$(curl -s -o /dev/null -w '%{http_code}' "$URL/other")" 404 'anything else is 404'
is "$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$URL/metrics")" 405 'GET only'

kill -INT "$P"
wait "$P"
is "$?" 0 'SIGINT: exit status 0'
like "$(cat "$TMP/out")" '^@latency:' 'without -q the maps are printed at stop'
like "$(cat "$TMP/out")" '@queries\[SELECT \* FROM users WHERE id = \?\]: 100' '... all of them'

# -q: nothing at all on stdout
"$PLUMB" -q --listen "127.0.0.1:$PORT" -c 'memsqld -n 50 -q' "$PROG" >"$TMP/out" 2>"$TMP/err"
is "$?:$(cat "$TMP/out")$(cat "$TMP/err")" "0:" '-q --listen: nothing on stdout or stderr'

# Hostile clients: one sends nothing, one an oversized request, one half
# a request, one pipelines requests and never reads the answers.
cat >"$TMP/hostile.py" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
def conn():
    return socket.create_connection(("127.0.0.1", port))
idle = conn()
big = conn()
big.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n")
print(big.recv(64).split(b"\r\n")[0].decode(), flush=True)
half = conn()
half.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
greedy = conn()
greedy.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
greedy.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n" * 100)
print("holding", flush=True)
time.sleep(30)
PY
bg_plumb "$TMP/out" "$TMP/err" --listen "127.0.0.1:$PORT" 'u:memsqld:querystart { @n = count(); }'
PIDS="$P"
wait_banner "$TMP/err"
python3 "$TMP/hostile.py" "$PORT" >"$TMP/hostile" 2>&1 &
H=$!; PIDS="$P $H"
for _ in $(seq 100); do grep -q holding "$TMP/hostile" && break; sleep 0.05; done
like "$(cat "$TMP/hostile")" 'HTTP/1.1 431' 'an oversized request is refused (431)'
kill -INT "$P"
exits_within 2 "$P"
ok $? 'SIGINT with hostile clients connected: plumb exits at once'
wait "$P"
is "$?" 0 '... with status 0'
kill "$H" 2>/dev/null
wait "$H" 2>/dev/null

# Heavy tracing with scrapes all along: every event line arrives, none
# lost, and the count scraped last equals the ground truth.
bg_plumb "$TMP/out" "$TMP/err" --listen "127.0.0.1:$PORT" \
	'u:memsqld:querystart(char *q, u64 plan) { @n = count(); printf("%d\n", plan); }'
PIDS="$P"
wait_banner "$TMP/err" || diag "no banner: $(cat "$TMP/err")"
( while kill -0 "$P" 2>/dev/null; do curl -s "127.0.0.1:$PORT/metrics" >/dev/null; done ) &
S=$!; PIDS="$P $S"
memsqld -t 4 -n 20000 >"$TMP/gt"
sleep 0.3
curl -s "$URL/metrics" >"$TMP/m"
kill -INT "$P"
wait "$P"
is "$?" 0 'heavy tracing under scrapes: exit status 0'
kill "$S" 2>/dev/null
wait "$S" 2>/dev/null
lines=$(grep -c '^[0-9]' "$TMP/out")
is "$lines" "$(gt "$TMP/gt" querystart.calls)" 'every printf line arrived'
[ "$lines" = "$(gt "$TMP/gt" querystart.calls)" ] ||
	diag "stderr: $(cat "$TMP/err")" "stdout: $(head -3 "$TMP/out")" "gt: $(head -5 "$TMP/gt")"
is "$(awk '$1 == "plumb_n_total" { print $2 }' "$TMP/m")" "$(gt "$TMP/gt" querystart.calls)" \
	'the scraped count equals the ground truth'
like "$(cat "$TMP/m")" '^plumb_events_lost_total 0$' 'no event lost'
is "$(grep -c lost "$TMP/err")" 0 'no loss reported'

# Errors: a port in use is a runtime error before anything is attached;
# a malformed address a usage error.
python3 -c 'import socket,time,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1",int(sys.argv[1]))); s.listen(); print("x", flush=True); time.sleep(10)' "$PORT" >"$TMP/busy" &
B=$!; PIDS="$B"
for _ in $(seq 100); do [ -s "$TMP/busy" ] && break; sleep 0.05; done
run_plumb -t 3s --listen "127.0.0.1:$PORT" 'u:memsqld:querystart { @n = count(); }'
is "$rc" 1 'port in use: exit status 1'
like "$(cat "$TMP/err")" "^plumb: cannot listen on 127.0.0.1:$PORT: Address already in use\$" '... says why'
kill "$B"
wait "$B" 2>/dev/null
run_plumb --listen 9100 'BEGIN { exit(); }'
is "$rc" 2 'no colon: usage error'
like "$(cat "$TMP/err")" "^plumb: --listen needs \\[HOST\\]:PORT such as :9100 or 127.0.0.1:9100, not '9100'\$" '... says what it wants'
run_plumb --metric-prefix '9x' 'BEGIN { exit(); }'
is "$rc" 2 'bad --metric-prefix: usage error'
run_plumb --max-series 0 'BEGIN { exit(); }'
is "$rc" 2 'bad --max-series: usage error'

done_testing
