#!/usr/bin/env bash
# Interoperability test of the gRPC API with a client not written in Java: installs Node's
# @grpc/grpc-js and @grpc/proto-loader when missing (npm ci, pinned by package-lock.json), starts
# the built server on free ports with an empty data folder and a fresh admin key, runs
# interop.test.mjs with Node's test runner against it, and always stops the server.
#
#   grpc/interop-test/run.sh          (from anywhere; bin/vecstore test calls it)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

say() { echo "grpc-interop: $*" >&2; }

command -v node >/dev/null || { say "Node.js is needed to run the gRPC interoperability test"; exit 1; }
# npm ci writes node_modules/.package-lock.json; a newer lock file means the pins changed.
if [[ ! -f "$HERE/node_modules/.package-lock.json" || "$HERE/package-lock.json" -nt "$HERE/node_modules/.package-lock.json" ]]; then
  say "npm ci"
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error)
fi

read -r PORT GRPC_PORT < <(node -e '
  const net = require("net");
  const a = net.createServer().listen(0, "127.0.0.1", () => {
    const b = net.createServer().listen(0, "127.0.0.1", () => {
      console.log(a.address().port, b.address().port); a.close(); b.close();
    });
  });')
export VECSTORE_ADMIN_KEY="grpc-interop-$(node -e 'console.log(require("crypto").randomBytes(24).toString("base64url"))')"
ADMIN_KEY="$VECSTORE_ADMIN_KEY"
. "$ROOT/bin/lib/interop-server.sh"
interop_prepare grpc-interop

say "starting the server on ports $PORT (HTTP) and $GRPC_PORT (gRPC)"
interop_start_server --port "$PORT" --grpc-port "$GRPC_PORT"
for i in $(seq 1 120); do
  # gRPC is started right after HTTP; its log line says it listens
  if grep -q "VecStore gRPC listening" "$LOG" 2>/dev/null; then break; fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null || (( i == 120 )); then
    say "the server did not start; its log:"
    tail -n 40 "$LOG" >&2
    exit 1
  fi
  sleep 0.5
done

say "running the Node client against 127.0.0.1:$GRPC_PORT"
cd "$HERE"
set +e
VECSTORE_GRPC_ADDRESS="127.0.0.1:$GRPC_PORT" VECSTORE_GRPC_KEY="$ADMIN_KEY" \
  node --test --test-reporter=spec --test-concurrency=1 interop.test.mjs
status=$?
set -e
if (( status != 0 )); then
  say "tests failed; last lines of the server log:"
  tail -n 20 "$LOG" >&2
fi
exit "$status"
