#!/usr/bin/env bash
# Set-up on a fresh machine: OS libraries the chart renderer (canvas) compiles against when its
# prebuilt binary cannot be downloaded, then the npm dependencies. Safe to run again.
# Usage: npm run setup            (or: bash scripts/setup.sh --test-tools  to add chromium, wrk, hey and,
#                                   with Go, the Kubernetes test binaries: scripts/k8s-test-bins.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

CANVAS_DEPS=(build-essential libcairo2-dev libpango1.0-dev libjpeg-dev libgif-dev librsvg2-dev pkg-config)
TEST_TOOLS=(chromium fonts-dejavu-core wrk hey)
want=("${CANVAS_DEPS[@]}")
[[ "${1:-}" == "--test-tools" ]] && want+=("${TEST_TOOLS[@]}")

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
fi

if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing OS packages: ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: these OS packages are missing: ${missing[*]}" >&2
    echo "setup: install them (Debian/Ubuntu: sudo apt-get install ${missing[*]};" >&2
    echo "       macOS: brew install pkg-config cairo pango libpng jpeg giflib librsvg), then run this again." >&2
    echo "setup: continuing; npm may still find a prebuilt canvas binary." >&2
  fi
elif ! command -v dpkg-query >/dev/null 2>&1; then
  echo "setup: not a Debian system; if canvas fails to build, install: ${CANVAS_DEPS[*]} (or your OS's cairo/pango equivalents)" >&2
fi

echo "setup: installing npm dependencies" >&2
# npm install (not ci): an optional dependency of vite is not served by every registry, which `npm ci` rejects.
npm install --no-audit --no-fund --no-save
node -e "require('canvas')" 2>/dev/null || { echo "setup: canvas did not build; charts need it (see the OS packages above)" >&2; exit 1; }
if [[ "${1:-}" == "--test-tools" ]]; then
  # The real Kubernetes pieces the kube tests run against, built from Go modules into a cache outside the
  # repository (reused when present). Without Go, those tests skip and say how to enable them.
  if command -v go >/dev/null 2>&1; then
    bash scripts/k8s-test-bins.sh >/dev/null || { echo "setup: building the Kubernetes test binaries failed" >&2; exit 1; }
  else
    echo "setup: no Go toolchain: the real API server tests will be skipped" >&2
  fi
fi
echo "setup: done. Try: npm run bench" >&2
