#!/usr/bin/env bash
# Real-browser tests of the admin UI: installs what is missing (Debian's chromium, npm's
# playwright-core), starts a VecStore server on a free port with an empty data folder, runs
# ui.test.js with Node's test runner, and always stops the server. Exits non-zero when a
# test fails.
#
#   admin-ui/ui-test/run.sh          (from anywhere; bin/vecstore test calls it)
#   UI_SHOTS_DIR=dir run.sh          screenshots go there (default admin-ui/target/ui-shots)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CHROMIUM=/usr/bin/chromium
export UI_SHOTS_DIR="${UI_SHOTS_DIR:-$ROOT/admin-ui/target/ui-shots}"

say() { echo "ui-test: $*" >&2; }

# --- installs, each only when missing --------------------------------------------------
if [[ ! -x "$CHROMIUM" ]]; then
  say "installing Debian's chromium"
  SUDO=""; [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q chromium
fi
command -v node >/dev/null || { say "Node.js is needed to run the UI tests"; exit 1; }
# npm ci writes node_modules/.package-lock.json; a newer lock file means the pin changed.
if [[ ! -f "$HERE/node_modules/.package-lock.json" || "$HERE/package-lock.json" -nt "$HERE/node_modules/.package-lock.json" ]]; then
  say "npm ci"
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error)
fi

# --- server ------------------------------------------------------------------------------
DATA="$(mktemp -d -t vecstore-ui-data.XXXXXX)"
LOG="$DATA.log"
PORT="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
SERVER_PID=""

stop_server() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    # The server runs in its own process group (setsid): this stops it and, if it was
    # still building, its Maven child, and nothing else.
    kill -TERM -- "-$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$DATA" "$LOG"
}
trap stop_server EXIT
trap 'exit 130' INT TERM

say "starting the server on port $PORT (data: $DATA)"
setsid "$ROOT/bin/vecstore" serve --data "$DATA" --port "$PORT" >"$LOG" 2>&1 &
SERVER_PID=$!

URL="http://127.0.0.1:$PORT"
# Up to 5 minutes: the first start may build the jar with Maven.
for i in $(seq 1 600); do
  if curl -fs "$URL/ready" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null || (( i == 600 )); then
    say "the server did not become ready; its log:"
    tail -n 40 "$LOG" >&2
    exit 1
  fi
  sleep 0.5
done

# --- tests -------------------------------------------------------------------------------
say "running the browser tests against $URL (screenshots: $UI_SHOTS_DIR)"
cd "$HERE"
set +e
VECSTORE_URL="$URL" CHROMIUM_PATH="$CHROMIUM" node --test --test-reporter=spec --test-concurrency=1 ui.test.js
status=$?
set -e
if (( status != 0 )); then
  say "tests failed; last lines of the server log:"
  tail -n 20 "$LOG" >&2
fi
exit "$status"
