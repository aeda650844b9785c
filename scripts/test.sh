#!/usr/bin/env bash
# Runs Haven's whole test suite on a fresh Debian machine: installs what is missing (JDK, Maven,
# Node.js, Debian's Chromium, the browser tests' npm packages), then builds and runs every unit and
# integration test (mvn verify), the real-browser console test included. Non-interactive; safe to
# run again.
set -euo pipefail
cd "$(dirname "$0")/.."

need_install=()
if ! command -v java >/dev/null 2>&1 || ! java -version 2>&1 | grep -qE 'version "(1[7-9]|[2-9][0-9])'; then
  need_install+=(openjdk-17-jdk-headless)
fi
command -v mvn >/dev/null 2>&1 || need_install+=(maven)
# The console's browser test (BrowserConsoleIT): Playwright drives Debian's Chromium, headless.
[ -x /usr/bin/chromium ] || need_install+=(chromium)
command -v node >/dev/null 2>&1 || need_install+=(nodejs)
command -v npm >/dev/null 2>&1 || need_install+=(npm)

if [ ${#need_install[@]} -gt 0 ]; then
  echo "haven: installing ${need_install[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_install[@]}"
fi

# The browser tests' npm packages (playwright-core only: it uses the Chromium above, downloads none).
if [ ! -d browser-tests/node_modules/playwright-core ]; then
  echo "haven: installing the browser tests' npm packages"
  (cd browser-tests && npm ci --no-audit --no-fund)
fi

exec mvn -B -ntp verify "$@"
