#!/usr/bin/env bash
# Runs Haven's whole test suite on a fresh Debian machine: installs what is missing, then builds
# and runs every unit and integration test (mvn verify). Non-interactive; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

need_install=()
if ! command -v java >/dev/null 2>&1 || ! java -version 2>&1 | grep -qE 'version "(1[7-9]|[2-9][0-9])'; then
  need_install+=(openjdk-17-jdk-headless)
fi
command -v mvn >/dev/null 2>&1 || need_install+=(maven)

if [ ${#need_install[@]} -gt 0 ]; then
  echo "haven: installing ${need_install[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_install[@]}"
fi

# The load tests' smoke run also covers the Socket.IO peer when node and its packages are present.
if command -v npm >/dev/null 2>&1; then
  (cd load-tests/peers/socketio && npm ci --no-audit --no-fund --silent) \
    || echo "haven: npm ci failed in load-tests/peers/socketio; its smoke tests will be skipped"
fi

exec mvn -B -ntp verify "$@"
