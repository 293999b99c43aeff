#!/usr/bin/env bash
# HTTP throughput and latency of a release build of `passerelle serve`, measured with wrk on loopback.
# Usage: bench/http.sh [seconds per endpoint]   (make bench runs it)
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-10}"
bin="$(swift build -c release --show-bin-path)/passerelle"
work="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

"$bin" demo --quiet --port 0 --db "$work/bench.sqlite" --root . > "$work/out" 2>&1 &
pid=$!
for _ in $(seq 100); do
  url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/out" || true)
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { cat "$work/out"; echo "the server did not start" >&2; exit 1; }

echo "passerelle $("$bin" --version), $(nproc) cores, wrk: 2 threads, 32 connections, ${duration}s per endpoint"
for path in /api/health /connexion /static/css/app.css; do
  echo "== GET $path"
  wrk -t2 -c32 -d"${duration}s" --latency "$url$path" | grep -E "Requests/sec|Latency  |50%|99%|Non-2xx|errors"
done
