#!/usr/bin/env bash
# Assessment engine: time to build an engine for a framework's bank and next-item selection (p50/p99)
# in both modes, on the numerique bank and on a bank of about 5,000 items (each item copied 7 times).
# Release build. Usage: bench/engine.sh   (make bench runs it; JSON goes to bench/results/)
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$(swift build -c release --show-bin-path)/passerelle"
mkdir -p bench/results
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
echo "passerelle $("$bin" --version), $(nproc) cores"
"$bin" bench engine --root . --framework numerique --json "bench/results/engine-numerique-$stamp.json"
"$bin" bench engine --root . --framework numerique --copies 7 --builds 10 --learners 100 \
  --json "bench/results/engine-numerique-x7-$stamp.json"
