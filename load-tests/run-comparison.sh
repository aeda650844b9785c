#!/usr/bin/env bash
# Side-by-side benchmarks: Haven, the Socket.IO 4.8 peer (load-tests/peers/socketio, node) and the
# bare Netty ceiling, on this machine, in one run, by the same load generator (haven-load.jar).
# For every scenario and every target it starts a fresh server process on a free loopback port,
# runs the scenario against it (reading the server's memory by its process id), stops it, and
# finally writes one block of figures and ratios to docs/benchmarks.md (--quick: to
# load-tests/target/comparison-quick.md, so that a try-out never touches the documentation).
#
# Bounded: traffic goes only to 127.0.0.1; each scenario has a hard time limit (about two minutes
# in the full run, seconds with --quick) and every wait here is bounded; it stops by itself.
#
#   load-tests/run-comparison.sh            the full comparison (over 30 minutes with the fine ramps; a quiet machine)
#   load-tests/run-comparison.sh --quick    every scenario at tiny scale (about 5 minutes)
# Options: --doc FILE (where the block goes), --targets "haven socketio ceiling".
set -euo pipefail
cd "$(dirname "$0")/.."

mode=full
doc=""
targets="haven socketio ceiling"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) mode=quick; shift ;;
    --doc) doc="$2"; shift 2 ;;
    --targets) targets="$2"; shift 2 ;;
    *) echo "run-comparison: unknown option $1 (known: --quick, --doc FILE, --targets LIST)" >&2; exit 2 ;;
  esac
done
[ -n "$doc" ] || { [ "$mode" = quick ] && doc=load-tests/target/comparison-quick.md || doc=docs/benchmarks.md; }

SERVER_JAR=server/target/haven-server.jar
LOAD_JAR=load-tests/target/haven-load.jar
PEER_DIR=load-tests/peers/socketio
if [ ! -f "$SERVER_JAR" ] || [ ! -f "$LOAD_JAR" ]; then
  echo "run-comparison: building the jars (mvn -B -q -DskipTests package)" >&2
  mvn -B -q -DskipTests package
fi
if [[ " $targets " == *" socketio "* ]]; then
  if ! command -v node >/dev/null 2>&1; then
    echo "run-comparison: node is not installed: the Socket.IO peer is left out" >&2
    targets="${targets/socketio/}"
  elif [ ! -d "$PEER_DIR/node_modules" ]; then
    echo "run-comparison: installing the Socket.IO peer's packages (npm ci)" >&2
    (cd "$PEER_DIR" && npm ci --no-audit --no-fund --silent)
  fi
fi

# Capacity needs one file descriptor per connection in the server and in the generator.
ulimit -n 1048576 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
open_files=$(ulimit -n)

work=$(mktemp -d "${TMPDIR:-/tmp}/haven-comparison.XXXXXX")
results="$work/results"
mkdir -p "$results"
server_pid=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
trap 'stop_server; rm -rf "$work"' EXIT

# Starts a fresh server of the target on a free loopback port; sets server_pid and port.
start_server() {
  local target=$1 log="$work/$1-$2.log" pattern
  case "$target" in
    haven)
      env HAVEN_HOST=127.0.0.1 HAVEN_PORT=0 "HAVEN_DATA_DIR=$work/data-$2" \
        java -Xmx2g -jar "$SERVER_JAR" >"$log" 2>&1 &
      pattern='^Haven is listening on port \([0-9]*\).*' ;;
    socketio)
      (cd "$PEER_DIR" && exec env HOST=127.0.0.1 PORT=0 node --expose-gc --max-old-space-size=2048 server.js) >"$log" 2>&1 &
      pattern='^Socket.IO peer is listening on port \([0-9]*\).*' ;;
    ceiling)
      java -Xmx2g -jar "$LOAD_JAR" ceiling-server --host 127.0.0.1 --port 0 >"$log" 2>&1 &
      pattern='^Ceiling server is listening on port \([0-9]*\).*' ;;
  esac
  server_pid=$!
  port=""
  for _ in $(seq 1 300); do
    port=$(sed -n "s/$pattern/\\1/p" "$log" | head -1)
    [ -n "$port" ] && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "run-comparison: $target did not start within 30 s; its output:" >&2
  tail -n 20 "$log" >&2
  return 1
}

# run_scenario SCENARIO TARGET MAX_SECONDS [options...]: one bounded run against a fresh server.
run_scenario() { run_as "$1" "$@"; }

# run_as NAME SCENARIO TARGET MAX_SECONDS [options...]: the same, its figures kept under NAME.
run_as() {
  local name=$1 scenario=$2 target=$3 max=$4
  shift 4
  start_server "$target" "$name" || return 0
  local cmd=(java -Xmx3g -jar "$LOAD_JAR" "$scenario" --target "$target" --url "ws://127.0.0.1:$port"
    --server-pid "$server_pid" --max-seconds "$max" --result-file "$results/$name.$target.properties" "$@")
  echo "== $name on $target: ${cmd[*]}"
  timeout --kill-after=5 $((max + 30)) "${cmd[@]}" || echo "run-comparison: $name on $target ended with status $?"
  echo
  stop_server
}

figure() { sed -n "s/^$3=//p" "$results/$1.$2.properties" 2>/dev/null | head -1; }

has() { [[ " $targets " == *" $1 "* ]]; }

if [ "$mode" = quick ]; then
  rooms=4; members=10
  ramp=(--rooms $rooms --members $members --interval-ms 2000 --warmup-seconds 3 --ramp on --step-seconds 2
    --max-steps 3 --factor 1.5)
  fine=(--rooms $rooms --members $members --warmup-seconds 3 --ramp fine --step-seconds 2 --max-steps 2)
  ramp_max=60; fine_max=60; chat_max=40
  chat_time=(--warmup-seconds 1 --seconds 5)
  alerts=(--alerts 12 --alert-rate 4)
  capacity=(--connections 1000 --rate 1000 --hold-seconds 2); capacity_max=40
  storm=(--connections 1000 --warmup 200 --concurrency 100); storm_max=40
else
  rooms=20; members=50
  ramp=(--rooms $rooms --members $members --interval-ms 2000 --warmup-seconds 10 --ramp on --step-seconds 10
    --max-steps 10 --factor 1.5)
  fine=(--rooms $rooms --members $members --warmup-seconds 10 --ramp fine --step-seconds 10 --max-steps 12)
  ramp_max=150; fine_max=200; chat_max=120
  chat_time=(--warmup-seconds 10 --seconds 60)
  alerts=(--alerts 600 --alert-rate 10)
  # One descriptor per connection in each process, and some to spare.
  connections=$(( open_files - 2000 < 100000 ? open_files - 2000 : 100000 ))
  capacity=(--connections "$connections" --rate 2000 --hold-seconds 20); capacity_max=150
  # A warm-up of 15,000 connections made and closed: with 2,000 both JVMs, the generator's and the
  # server's, were still cold when the measured storm began (Haven and the bare server 40-60 % faster
  # after 15,000; docs/benchmarks.md, "Alerts first, second pass").
  storm=(--connections $(( connections < 50000 ? connections : 50000 )) --warmup 15000 --concurrency 500); storm_max=180
fi

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u)

# 1. The highest delivered rate each target sustains (p99 <= 50 ms): steps of x1.5, then, on a fresh
#    server, steps of x1.1 from a coarse step below the rate the first ramp sustained (a fresh server
#    is warmed at a rate it holds), so one coarse step is not the answer.
for t in $targets; do
  run_scenario group-chat "$t" "$ramp_max" "${ramp[@]}"
  sustained=$(figure group-chat "$t" highest_sustained_interval_ms)
  if [ -n "$sustained" ] && [ "$sustained" != "n/a" ]; then
    below=$(awk -v i="$sustained" 'BEGIN { printf "%.2f", i * 1.5 }')
    run_as group-chat-fine group-chat "$t" "$fine_max" "${fine[@]}" --interval-ms "$below"
  fi
done

# 2. Alerts and slow consumers at half of Haven's highest sustained chat load, the same for every target.
best=$(figure group-chat haven highest_sustained_per_s)
fine_best=$(figure group-chat-fine haven highest_sustained_per_s)
if [ -n "$fine_best" ] && awk -v f="$fine_best" -v b="${best:-0}" 'BEGIN { exit !(f + 0 > b + 0) }'; then
  best=$fine_best
fi
if [ -n "$best" ] && [ "${best%.*}" -gt 0 ] 2>/dev/null; then
  # delivered/s = rooms * members * members / interval  =>  interval for half of best
  interval=$(awk -v r=$rooms -v m=$members -v b="$best" 'BEGIN { printf "%.0f", 1000 * r * m * m / (b / 2) }')
  half_note="half of Haven's highest sustained rate ($best delivered/s): members post every $interval ms"
else
  interval=2000
  half_note="Haven's highest sustained rate was not found: members post every $interval ms"
fi
for t in $targets; do
  run_scenario alert-under-load "$t" "$chat_max" --rooms $rooms --members $members --interval-ms "$interval" \
    "${chat_time[@]}" "${alerts[@]}"
done
for t in $targets; do
  run_scenario slow-consumers "$t" "$chat_max" --rooms $rooms --members $members --interval-ms "$interval" \
    --warmup-seconds 10 --seconds 40 --slow-percent 10
done

# 3. Capacity and connect storm.
for t in $targets; do run_scenario capacity "$t" "$capacity_max" "${capacity[@]}"; done
for t in $targets; do run_scenario connect-storm "$t" "$storm_max" "${storm[@]}"; done

cpu=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)
mem=$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
os=$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME" || uname -s)
java_version=$(java -version 2>&1 | head -1)
node_version=$(command -v node >/dev/null 2>&1 && node --version || echo "none")
machine="$(nproc) vCPUs ($cpu), $mem RAM, $os, kernel $(uname -r); $java_version; node $node_version;"
machine+=" load average $load_before before and $(cut -d' ' -f1-3 /proc/loadavg) after; open-files limit $open_files"
notes="mode $mode; every server a fresh process (-Xmx2g for the JVMs, --max-old-space-size=2048 for node) with its"
notes+=" defaults (Haven: rate limit 20/s, 500 members per room, INFO logs to a file, audit trail to a temp file),"
notes+=" sharing the CPUs with the load generator; alert-under-load and slow-consumers at $half_note"
command_line="load-tests/run-comparison.sh"
[ "$mode" = quick ] && command_line+=" --quick"
mkdir -p "$(dirname "$doc")"
java -jar "$LOAD_JAR" report --results "$results" --doc "$doc" --date "$started" --machine "$machine" \
  --command "$command_line" --notes "$notes"
echo
echo "run-comparison: written to $doc"
