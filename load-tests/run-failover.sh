#!/usr/bin/env bash
# Failover benchmark: two Haven nodes on one redis-server, all on loopback, started here and
# stopped here. Help presses go out at a fixed rate (20 clients, 20 a second, 4 clinicians working
# every alert, 1 supervisor); after 20 s of unmeasured warm-up (fresh JVMs), the node serving the
# organisation (A) is killed with SIGKILL at t=10 s, and Redis is killed and restarted empty on the
# same port at t=25 s; presses go on to t=45 s. Prints the answer and
# delivery p50/p99/max before, during and after each fault, alerts lost, alerts without location
# and tiers skipped, and whether each goal was met (docs/benchmarks.md, "Failover").
#
# Bounded: traffic only to 127.0.0.1, the generator under a hard time limit (about 2 minutes in
# all; --quick: tiny, under a minute), every process stopped at the end. Needs redis-server.
# --haproxy: every client and responder connects through HAProxy (docker/haproxy.cfg, on a loopback
# port; needs haproxy), which sends each new connection to a node that answers /readyz, as an
# integrator's front end would, instead of half of them to each node directly.
#   load-tests/run-failover.sh [--quick] [--haproxy] [more haven-load.jar failover options, e.g. --close-alerts on]
set -euo pipefail
cd "$(dirname "$0")/.."
quick=false
haproxy=false
[ "${1:-}" = --quick ] && { quick=true; shift; }
[ "${1:-}" = --haproxy ] && { haproxy=true; shift; }

SERVER_JAR=server/target/haven-server.jar
LOAD_JAR=load-tests/target/haven-load.jar
[ -f "$SERVER_JAR" ] && [ -f "$LOAD_JAR" ] || mvn -B -q -o -DskipTests package || mvn -B -q -DskipTests package
command -v redis-server >/dev/null || { echo "run-failover: redis-server is not installed" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/haven-failover.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  # Redis runs daemonized (the restart starts a new one): its pid file names the one running now.
  [ -f "$work/redis.pid" ] && kill "$(cat "$work/redis.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

redis_port=$(free_port)
# No persistence: a restart comes back empty, as a Redis without disk would.
cat >"$work/start-redis.sh" <<SCRIPT
#!/usr/bin/env bash
set -eu
redis-server --port $redis_port --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
  --pidfile "$work/redis.pid" --logfile "$work/redis.log" --dir "$work"
for _ in \$(seq 1 200); do
  [ "\$(redis-cli -h 127.0.0.1 -p $redis_port ping 2>/dev/null)" = PONG ] && exit 0
  sleep 0.02
done
echo "run-failover: redis-server did not answer on port $redis_port" >&2
exit 1
SCRIPT
# The generator runs this at the set time: SIGKILL, then the same port again, empty.
cat >"$work/restart-redis.sh" <<SCRIPT
#!/usr/bin/env bash
set -eu
pid=\$(cat "$work/redis.pid")
kill -KILL "\$pid"
# Gone (or a zombie not yet reaped, which holds no port any more).
while [ -e "/proc/\$pid" ] && [ "\$(sed -E 's/.*\) ([A-Z]).*/\1/' "/proc/\$pid/stat" 2>/dev/null)" != Z ]; do sleep 0.01; done
rm -f "$work/redis.pid"
exec bash "$work/start-redis.sh"
SCRIPT
bash "$work/start-redis.sh"

start_node() { # name -> sets port_<name> and pid_<name>
  local name=$1 port
  port=$(free_port)
  # Rate limits raised: each clinician confirms and works every alert on one connection.
  # HAVEN_LEASE_TTL: the default (3 s).
  env HAVEN_HOST=127.0.0.1 HAVEN_PORT="$port" REDIS_URL="redis://127.0.0.1:$redis_port" \
    HAVEN_RATE_PER_SECOND=10000 HAVEN_RATE_BURST=10000 "HAVEN_AUDIT_FILE=$work/audit-$name.jsonl" "HAVEN_DATA_DIR=$work/data-$name" \
    java -Xmx512m -jar "$SERVER_JAR" >"$work/node-$name.log" 2>&1 &
  pids+=($!)
  eval "pid_$name=$!"
  for _ in $(seq 1 300); do
    curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    sleep 0.1
  done
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 || { echo "run-failover: node $name not ready" >&2; exit 1; }
  eval "port_$name=$port"
}
start_node a
start_node b
url_a="ws://127.0.0.1:$port_a/ws"
url_b="ws://127.0.0.1:$port_b/ws"
if $haproxy; then
  command -v haproxy >/dev/null || { echo "run-failover: haproxy is not installed" >&2; exit 2; }
  lb_port=$(free_port)
  HAVEN_LB_BIND="127.0.0.1:$lb_port" HAVEN_NODE_1="127.0.0.1:$port_a" HAVEN_NODE_2="127.0.0.1:$port_b" \
    haproxy -db -f docker/haproxy.cfg >"$work/haproxy.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$lb_port/readyz" >/dev/null 2>&1 && break
    sleep 0.1
  done
  curl -fs "http://127.0.0.1:$lb_port/readyz" >/dev/null 2>&1 || { echo "run-failover: haproxy not answering" >&2; exit 1; }
  url_a="ws://127.0.0.1:$lb_port/ws"
  url_b="$url_a"
  echo "== behind HAProxy on 127.0.0.1:$lb_port (nodes $port_a and $port_b)"
fi

if $quick; then
  plan=(--clients 10 --rate 10 --warmup-seconds 3 --seconds 16 --kill-at 4 --redis-restart-at 10 --fault-window 5 --drain-seconds 10)
else
  plan=(--clients 20 --rate 20 --warmup-seconds 20 --seconds 45 --kill-at 10 --redis-restart-at 25 --fault-window 10 --drain-seconds 15)
fi
echo "== failover: node A (serving) killed, then Redis restarted empty; logs in $work"
status=0
timeout 300 java -jar "$LOAD_JAR" failover \
  --url-a "$url_a" --url-b "$url_b" "${plan[@]}" \
  --kill-cmd "kill -KILL $pid_a" --redis-restart-cmd "bash $work/restart-redis.sh" \
  --max-seconds 180 --press-log "$work/presses.csv" "$@" || status=$?
echo "== the take-over, as the nodes logged it (UTC)"
for n in a b; do
  grep -h "organisation taken up org=failover\|took up stored alerts\|is up again\|every alert kept" "$work/node-$n.log" \
    | python3 -c 'import sys, json, datetime
for line in sys.stdin:
    j = json.loads(line)
    t = datetime.datetime.fromtimestamp(j["timestamp"] / 1000, datetime.timezone.utc)
    print("node '"$n"': " + t.strftime("%H:%M:%S.%f")[:-3] + " " + j["formattedMessage"])' || true
done
exit "$status"
