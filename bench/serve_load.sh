#!/usr/bin/env bash
# Load figures for `hpocr serve` (see docs/serving.md): a normal scenario (2 workers, roomy queue) and an
# overload scenario (1 worker, --max_queue 1, many clients) against servers started here on free ports.
# Usage: bench/serve_load.sh [clients] [requests-per-client] [normal|overload|both]   (after scripts/build.sh release)
set -euo pipefail
cd "$(dirname "$0")/.."
B=build/release
CLIENTS=${1:-4}; REQUESTS=${2:-10}; WHICH=${3:-both}
cmake --build $B --target hpocr_app hpocr_serve_load >/dev/null

run() {  # run <label> <load args> -- <serve args>
  local label=$1 load_args=$2; shift 2
  local log; log=$(mktemp)
  $B/apps/hpocr serve --port 0 "$@" >"$log" 2>&1 &
  local pid=$!
  local port=""
  for _ in $(seq 600); do
    port=$(sed -n 's/.*listening on http:\/\/[^:]*:\([0-9]*\).*/\1/p' "$log")
    [ -n "$port" ] && break
    kill -0 $pid 2>/dev/null || { cat "$log"; exit 1; }
    sleep 0.2
  done
  echo "== $label: hpocr serve $*"
  $B/bench/hpocr_serve_load --port "$port" $load_args || true
  kill -TERM $pid; wait $pid || true
  rm -f "$log"
}

if [ "$WHICH" != overload ]; then
  run "normal" "--clients $CLIENTS --requests $REQUESTS" --workers 2 --cpu_threads 1 --max_queue 64
fi
if [ "$WHICH" != normal ]; then
  run "overload" "--clients $((CLIENTS * 4)) --requests $REQUESTS" --workers 1 --cpu_threads 2 --max_queue 1
fi
