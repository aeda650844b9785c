#!/usr/bin/env bash
# Measures Haven's alert latency (alert.raise -> the on-call clinician's receipt, p50/p99) on an
# idle node on this machine: starts haven-server.jar on a free loopback port, runs
# `haven-load.jar alert-latency` against it, stops the server and prints the table.
#
# Bounded: traffic goes only to 127.0.0.1, the benchmark sends a fixed number of alerts within
# --max-seconds (default 120), and every wait here has a time limit. Extra arguments go to
# haven-load.jar, e.g.:  load-tests/run-alert-latency.sh --alerts 2000 --rate 50
set -euo pipefail
cd "$(dirname "$0")/.."

SERVER_JAR=server/target/haven-server.jar
LOAD_JAR=load-tests/target/haven-load.jar
if [ ! -f "$SERVER_JAR" ] || [ ! -f "$LOAD_JAR" ]; then
  echo "run-alert-latency: building the jars (mvn -B -q -DskipTests package)" >&2
  mvn -B -q -DskipTests package
fi

# The benchmark's own limit, plus time to start the JVM and print: the outer bound of the run.
max_seconds=120
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  if [ "${args[i]}" = "--max-seconds" ] && [ $((i + 1)) -lt ${#args[@]} ]; then
    max_seconds="${args[i + 1]}"
  fi
done
case "$max_seconds" in
  '' | *[!0-9]*) echo "run-alert-latency: --max-seconds: not a whole number: $max_seconds" >&2; exit 2 ;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/haven-bench.XXXXXX")
server_pid=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    # The server drains for up to HAVEN_DRAIN_TIMEOUT (5 s): wait a little longer, then force.
    for _ in $(seq 1 100); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap stop_server EXIT

# HAVEN_PORT=0: the server binds a free port itself and prints it, so no other process can take
# the port between choosing and binding it. The clinician confirms every alert on one connection,
# past the default limit of 20 requests a second: hence the raised rate limit.
# The node's durable records and audit trail go to SQLite in the run's own directory (the default
# engines), or to the PostgreSQL database HAVEN_DATABASE_URL names when it is set.
server_env=(HAVEN_HOST=127.0.0.1 HAVEN_PORT=0 HAVEN_RATE_PER_SECOND=10000 HAVEN_RATE_BURST=10000
  "HAVEN_DATA_DIR=$work/data")
[ -n "${HAVEN_DATABASE_URL:-}" ] && server_env+=("HAVEN_DATABASE_URL=$HAVEN_DATABASE_URL")
env "${server_env[@]}" java -jar "$SERVER_JAR" >"$work/server.log" 2>&1 &
server_pid=$!

port=""
for _ in $(seq 1 300); do
  port=$(sed -n 's/^Haven is listening on port \([0-9]*\).*/\1/p' "$work/server.log" | head -1)
  [ -n "$port" ] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$port" ]; then
  echo "run-alert-latency: the server did not start within 30 s; its output:" >&2
  tail -n 20 "$work/server.log" >&2
  exit 1
fi

ready=""
for _ in $(seq 1 100); do
  if curl -fsS --max-time 1 "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then
    ready=yes
    break
  fi
  sleep 0.1
done
if [ -z "$ready" ]; then
  echo "run-alert-latency: the server on port $port was not ready within 10 s" >&2
  exit 1
fi

load_cmd=(java -jar "$LOAD_JAR" alert-latency --url "ws://127.0.0.1:$port/ws" "$@")
shown=()
for e in "${server_env[@]}"; do
  case "$e" in
    HAVEN_DATA_DIR=*) shown+=("${e%%=*}=<temp>") ;;
    HAVEN_DATABASE_URL=*) shown+=("HAVEN_DATABASE_URL=<set>") ;;
    *) shown+=("$e") ;;
  esac
done
echo "server:    ${shown[*]} java -jar $SERVER_JAR"
echo "benchmark: ${load_cmd[*]}"
# Other work on the machine shares the CPUs with both JVMs: say how busy it was.
echo "machine:   $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) before the run"
echo
status=0
timeout --kill-after=5 $((max_seconds + 30)) "${load_cmd[@]}" || status=$?
echo
echo "machine:   load average $(cut -d' ' -f1-3 /proc/loadavg) after the run"
if [ "$status" -ne 0 ]; then
  echo "run-alert-latency: the benchmark ended with status $status; the server's last lines:" >&2
  tail -n 20 "$work/server.log" >&2
fi
exit "$status"
