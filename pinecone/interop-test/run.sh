#!/usr/bin/env bash
# Interoperability test of the Pinecone-compatible API (/pinecone) with Pinecone's own TypeScript
# client, majors 8 and 9 side by side (npm aliases pc8 and pc9, pinned by package-lock.json;
# installed with npm ci when missing). Starts the built server on a free loopback port with an
# empty data folder, a fresh admin key, --pinecone-index vecstore and --pinecone-namespace
# default-ns, runs pinecone.test.mjs with Node's test runner once per client major, and always
# stops the server. The clients are given a fetch that refuses any host but loopback.
#
#   pinecone/interop-test/run.sh          (from anywhere; bin/vecstore test calls it)
#   PC_MAJORS=pc9 pinecone/interop-test/run.sh   (one major only)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

say() { echo "pinecone-interop: $*" >&2; }

command -v node >/dev/null || { say "Node.js is needed to run the Pinecone interoperability test"; exit 1; }
# npm ci writes node_modules/.package-lock.json; a newer lock file means the pins changed.
if [[ ! -f "$HERE/node_modules/.package-lock.json" || "$HERE/package-lock.json" -nt "$HERE/node_modules/.package-lock.json" ]]; then
  say "npm ci"
  # client 9 declares node >= 22 but runs on 20; the engine check would only warn
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error --engine-strict=false)
fi

PORT="$(node -e '
  const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')"
export VECSTORE_ADMIN_KEY="pinecone-interop-$(node -e 'console.log(require("crypto").randomBytes(24).toString("base64url"))')"
ADMIN_KEY="$VECSTORE_ADMIN_KEY"
. "$ROOT/bin/lib/interop-server.sh"
interop_prepare pinecone-interop

say "starting the server on 127.0.0.1:$PORT"
interop_start_server --host 127.0.0.1 --port "$PORT" --grpc-port 0 --pinecone-index vecstore --pinecone-namespace default-ns
for i in $(seq 1 120); do
  if node -e 'fetch(process.argv[1]).then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))' \
      "http://127.0.0.1:$PORT/ready" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null || (( i == 120 )); then
    say "the server did not become ready; its log:"
    tail -n 40 "$LOG" >&2
    exit 1
  fi
  sleep 0.5
done

cd "$HERE"
status=0
for major in ${PC_MAJORS:-pc8 pc9}; do
  say "running @pinecone-database/pinecone $(node -p "require('./node_modules/$major/package.json').version") ($major) against http://127.0.0.1:$PORT/pinecone"
  set +e
  PC_MAJOR="$major" VECSTORE_URL="http://127.0.0.1:$PORT" VECSTORE_ADMIN_KEY="$ADMIN_KEY" \
    node --test --test-reporter=spec --test-concurrency=1 pinecone.test.mjs
  s=$?
  set -e
  (( s == 0 )) || status=$s
done
if (( status != 0 )); then
  say "tests failed; last lines of the server log:"
  tail -n 20 "$LOG" >&2
fi
exit "$status"
