#!/usr/bin/env bash
# Real-browser tests of the admin UI: installs what is missing (Debian's chromium, npm's
# playwright-core), starts two VecStore servers on free ports with empty data folders, one
# without a key for ui.test.js and one with a fresh admin key for auth.test.js, runs both with
# Node's test runner, and always stops the servers. Exits non-zero when a test fails.
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

# --- servers -----------------------------------------------------------------------------
# Two servers, each on a free port with its own empty data folder: one without a key (ui.test.js)
# and one with an admin key (auth.test.js).
DATA="$(mktemp -d -t vecstore-ui-data.XXXXXX)"
AUTH_DATA="$(mktemp -d -t vecstore-ui-auth-data.XXXXXX)"
LOG="$DATA.log"
AUTH_LOG="$AUTH_DATA.log"
read -r PORT AUTH_PORT < <(node -e '
  const net = require("net");
  const a = net.createServer().listen(0, "127.0.0.1", () => {
    const b = net.createServer().listen(0, "127.0.0.1", () => {
      console.log(a.address().port, b.address().port); a.close(); b.close();
    });
  });')
# A fresh admin key per run; it only ever reaches the server's environment and the tests'.
ADMIN_KEY="ui-test-$(node -e 'console.log(require("crypto").randomBytes(24).toString("base64url"))')"
SERVER_PID=""
AUTH_SERVER_PID=""

stop() { # pid: the server runs in its own process group (setsid), which this stops, with a
  # Maven child if it was still building, and nothing else.
  local pid="$1"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
}
stop_servers() {
  stop "$SERVER_PID"
  stop "$AUTH_SERVER_PID"
  rm -rf "$DATA" "$LOG" "$AUTH_DATA" "$AUTH_LOG"
}
trap stop_servers EXIT
trap 'exit 130' INT TERM

# The launcher builds the jar when the sources changed; --help does that and exits, so the two
# servers below do not both start a build.
if ! out="$("$ROOT/bin/vecstore" --help 2>&1)"; then
  echo "$out" >&2
  say "the server jar cannot be built or run"
  exit 1
fi

say "starting the servers on ports $PORT (no key) and $AUTH_PORT (admin key)"
setsid env -u VECSTORE_ADMIN_KEY "$ROOT/bin/vecstore" serve --data "$DATA" --port "$PORT" --grpc-port 0 >"$LOG" 2>&1 &
SERVER_PID=$!
VECSTORE_ADMIN_KEY="$ADMIN_KEY" setsid "$ROOT/bin/vecstore" serve --data "$AUTH_DATA" --port "$AUTH_PORT" --grpc-port 0 >"$AUTH_LOG" 2>&1 &
AUTH_SERVER_PID=$!

URL="http://127.0.0.1:$PORT"
AUTH_URL="http://127.0.0.1:$AUTH_PORT"
wait_ready() { # url pid log
  for i in $(seq 1 120); do
    if curl -fs "$1/ready" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$2" 2>/dev/null || (( i == 120 )); then
      say "the server at $1 did not become ready; its log:"
      tail -n 40 "$3" >&2
      exit 1
    fi
    sleep 0.5
  done
}
wait_ready "$URL" "$SERVER_PID" "$LOG"
wait_ready "$AUTH_URL" "$AUTH_SERVER_PID" "$AUTH_LOG"

# --- tests -------------------------------------------------------------------------------
say "running the browser tests against $URL and $AUTH_URL (screenshots: $UI_SHOTS_DIR)"
cd "$HERE"
set +e
VECSTORE_URL="$URL" VECSTORE_AUTH_URL="$AUTH_URL" VECSTORE_AUTH_KEY="$ADMIN_KEY" CHROMIUM_PATH="$CHROMIUM" \
  node --test --test-reporter=spec --test-concurrency=1 ui.test.js auth.test.js
status=$?
set -e
if (( status != 0 )); then
  say "tests failed; last lines of the server logs:"
  tail -n 20 "$LOG" >&2
  echo "--- server with an admin key:" >&2
  tail -n 20 "$AUTH_LOG" >&2
fi
exit "$status"
