#!/usr/bin/env bash
# Twelve nightly-style local runs in one history: eight as they are, then four with a waypoint that costs
# a third more CPU per request (an injected regression), then `meshbench history --gate`.
# Usage: bash scripts/history-demo.sh [results-dir]   (about 7 minutes; exits as the gate does: 100)
set -uo pipefail
cd "$(dirname "$0")/.."
dir=${1:-results/history-demo}
mkdir -p "$dir"
for i in $(seq 1 12); do
  u=0.64
  [[ $i -gt 8 ]] && u=0.85
  echo "night $i (utilization $u)"
  MESHBENCH_DEMO_UTILIZATION=$u node bin/meshbench.js run fixtures/suites/nightly-short.suite.ts --results "$dir" --quiet >/dev/null 2>"$dir.log"
  code=$?
  # 0, 99 (a threshold failed) and 103 (an invalid result) all measured something; anything else did not.
  [[ $code -eq 0 || $code -eq 99 || $code -eq 103 ]] || { echo "run $i failed (exit $code, see $dir.log)"; exit 1; }
done
node bin/meshbench.js history "$dir" --suite nightly-short --out "$dir/history" --gate
