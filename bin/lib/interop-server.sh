# Sourced by the interoperability test scripts (grpc/interop-test, pinecone/interop-test): the
# built server as a process group of its own, on an empty data folder, stopped whatever happens.
# The sourcing script defines ROOT and say() first, then calls interop_prepare and
# interop_start_server ARGS…; DATA, LOG and SERVER_PID are set here.

# An empty data folder and its log; the server and both are gone when the script exits.
interop_prepare() {
  DATA="$(mktemp -d -t "vecstore-$1.XXXXXX")"
  LOG="$DATA.log"
  SERVER_PID=""
  trap interop_stop EXIT
  trap 'exit 130' INT TERM
  # The launcher builds the jar when the sources changed; --help does that and exits.
  local out
  if ! out="$("$ROOT/bin/vecstore" --help 2>&1)"; then
    echo "$out" >&2
    say "the server jar cannot be built or run"
    exit 1
  fi
}

# Starts `bin/vecstore serve --data DATA ARGS…` with the admin key in VECSTORE_ADMIN_KEY, in its
# own process group (setsid), logging to LOG.
interop_start_server() {
  setsid "$ROOT/bin/vecstore" serve --data "$DATA" "$@" >"$LOG" 2>&1 &
  SERVER_PID=$!
}

# Stops the server's process group (and nothing else) and removes its folder and log.
interop_stop() {
  if [[ -n "${SERVER_PID:-}" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM -- "-$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$DATA" "$LOG"
}
