#!/usr/bin/env bash
# Builds the Go load generators bench:engine compares against — Fortio (the tool the article used) and
# vegeta — with `go install` at pinned versions into a cache folder outside the repository
# ($XDG_CACHE_HOME/meshbench/go-peers/<versions>/bin). A second run reuses them. Prints the bin folder on
# the last line of stdout; exits 3 without a Go toolchain. `path`: print the folder without building.
set -euo pipefail
# Fortio from 1.69 needs grol.io/grol, which the module proxy here refuses; 1.68.0 is the newest without it.
FORTIO_VERSION=1.68.0
VEGETA_VERSION=12.13.0
root="${XDG_CACHE_HOME:-$HOME/.cache}/meshbench/go-peers/fortio-${FORTIO_VERSION}_vegeta-${VEGETA_VERSION}"
bin="$root/bin"
[[ "${1:-}" == path ]] && { echo "$bin"; exit 0; }
command -v go >/dev/null || { echo "go-peers: no Go toolchain (go) on PATH" >&2; exit 3; }
mkdir -p "$bin"
export GOBIN="$bin" CGO_ENABLED=0
[[ -x "$bin/fortio" ]] || { echo "go-peers: building fortio ${FORTIO_VERSION}" >&2; go install "fortio.org/fortio@v${FORTIO_VERSION}"; }
[[ -x "$bin/vegeta" ]] || { echo "go-peers: building vegeta ${VEGETA_VERSION}" >&2; go install "github.com/tsenart/vegeta/v12@v${VEGETA_VERSION}"; }
echo "$bin"
