#!/usr/bin/env bash
# Cross-node benchmarks: two Haven nodes on one redis-server, all on loopback, started here and
# stopped here. Prints, for alert latency (alert.raise -> the on-call clinician's receipt):
#   same node     clinician and clients on node A (A serves the organisation)
#   A -> B owner  clients on node A, clinician on node B, B serving the organisation (requests relayed)
#   A owner -> B  clients on node A, clinician on node B, A serving it (notices relayed back)
# and group-chat throughput with every other member on the other node (relayed frames):
# the highest delivered rate sustained with p99 <= 50 ms, against the same on one node.
#
# Bounded: traffic only to 127.0.0.1, each run under a hard time limit, every process stopped at the
# end (about 12 minutes). Needs redis-server (scripts/test.sh installs it).
#   load-tests/run-cluster.sh [--quick]
set -euo pipefail
cd "$(dirname "$0")/.."
quick=false
[ "${1:-}" = --quick ] && quick=true

SERVER_JAR=server/target/haven-server.jar
LOAD_JAR=load-tests/target/haven-load.jar
[ -f "$SERVER_JAR" ] && [ -f "$LOAD_JAR" ] || mvn -B -q -DskipTests package
command -v redis-server >/dev/null || { echo "run-cluster: redis-server is not installed" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/haven-cluster.XXXXXX")
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no >"$work/redis.log" 2>&1 &
pids+=($!)

start_node() { # name -> sets port_<name>
  local name=$1 port
  port=$(free_port)
  # The alert runs leave their alerts open (nobody acknowledges): with the default time-out they would
  # escalate, and re-notify, in the middle of the next run. 30 min: no escalation during the script.
  env HAVEN_HOST=127.0.0.1 HAVEN_PORT="$port" REDIS_URL="redis://127.0.0.1:$redis_port" \
    HAVEN_RATE_PER_SECOND=10000 HAVEN_RATE_BURST=10000 "HAVEN_AUDIT_FILE=$work/audit-$name.jsonl" "HAVEN_DATA_DIR=$work/data-$name" \
    HAVEN_ALERT_ACK_TIMEOUT_HIGH=30m \
    java -Xmx1g -jar "$SERVER_JAR" >"$work/node-$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 300); do
    curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    sleep 0.1
  done
  eval "port_$name=$port"
}

chat_interval=${CHAT_INTERVAL_MS:-8000}
if $quick; then alerts=(--alerts 50 --rate 25 --warmup 20); chat=(--rooms 4 --members 10 --warmup-seconds 2 --step-seconds 2 --max-steps 3)
else alerts=(--alerts 2000 --rate 50 --warmup 1000); chat=(--rooms 20 --members 50 --warmup-seconds 10 --step-seconds 10 --max-steps 10); fi

alert_run() { # label clinician-url client-url org
  echo "== alert latency, $1"
  timeout 200 java -jar "$LOAD_JAR" alert-latency --url "$2" --client-url "$3" --org "$4" "${alerts[@]}" \
    --max-seconds 180 | grep -E "p50|p99|lost|received" || echo "run-cluster: the run failed"
}

start_node a
start_node b
A="ws://127.0.0.1:$port_a/ws"; B="ws://127.0.0.1:$port_b/ws"
# Each run's organisation is served by the node its first user reaches: the clinician connects first.
alert_run "same node (all on A)" "$A" "$A" org-same
# Node B has served nothing yet: warm its serving side (and A's relaying side) as org-a's run warms A.
alert_run "warm-up, B serving (not a figure)" "$B" "$A" org-b-warm >/dev/null
alert_run "clients on A, clinician on B, B serving" "$B" "$A" org-b
# Organisation org-a: served by A, taken by a first run on A; then the clinician on B is relayed.
alert_run "warm-up taking org-a on A (not a figure)" "$A" "$A" org-a >/dev/null
alert_run "clients on A, clinician on B, A serving" "$B" "$A" org-a

echo "== group chat, one node (A), highest sustained with p99 <= 50 ms"
timeout 200 java -jar "$LOAD_JAR" group-chat --url "ws://127.0.0.1:$port_a" --org chat-one --ramp on --interval-ms "$chat_interval" \
  --factor 1.5 "${chat[@]}" --max-seconds 180 | grep -E "highest sustained|its p99|missed below|problem|PASS|FAIL" || true
echo "== group chat, every other member on B (relayed), highest sustained with p99 <= 50 ms"
timeout 200 java -jar "$LOAD_JAR" group-chat --url "ws://127.0.0.1:$port_a" --url-b "ws://127.0.0.1:$port_b" \
  --org chat-two --ramp on --interval-ms "$chat_interval" --factor 1.5 "${chat[@]}" --max-seconds 180 \
  | grep -E "highest sustained|its p99|missed below|problem|PASS|FAIL" || true
echo "== which node took which organisation"
for n in a b; do
  grep -h "organisation taken up" "$work/node-$n.log" | sed "s/.*org=\([^\"]*\)\".*/node $n: \1/" || true
done
