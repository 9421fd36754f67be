#!/usr/bin/env bash
# Builds the real Kubernetes pieces the kube tests run against, from Go modules, into a cache folder
# outside the repository ($XDG_CACHE_HOME/meshbench/k8s-test/<versions>): kube-apiserver and
# kube-controller-manager (k8s.io/kubernetes), etcd (go.etcd.io/etcd/server/v3), istioctl
# (istio.io/istio), and the Gateway API and Istio CRDs taken from the module cache. A second run reuses
# what is there. Prints the folder on the last line of stdout.
#
# k8s.io/kubernetes points its staging modules (k8s.io/api, …) at v0.0.0 with replace directives, so
# `go install` refuses it; a small wrapper module requires it and maps each staging module to the
# matching v0.N.P (the documented workaround). The same wrapper approach builds etcd and istioctl,
# whose own replace directives do not apply to a dependency.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=k8s-test-versions.env
source "$here/k8s-test-versions.env"

command -v go >/dev/null || { echo "k8s-test-bins: no Go toolchain (go) on PATH" >&2; exit 3; }
key="k8s-${K8S_VERSION}_etcd-${ETCD_VERSION}_istioctl-${ISTIO_PSEUDO##*-}"
root="${XDG_CACHE_HOME:-$HOME/.cache}/meshbench/k8s-test/$key"
bin="$root/bin"
crds="$root/crds"
mkdir -p "$bin" "$crds"
export GOFLAGS=-mod=mod CGO_ENABLED=0
log() { echo "k8s-test-bins: $*" >&2; }

gomod_json() { go mod download -json "$1"; }
json_field() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);if(j.Error){console.error(j.Error);process.exit(1)}console.log(j[process.argv[1]])})' "$1"; }

# wrapper <dir> <module path> <require line...>: a module that requires what it builds.
wrapper() {
  local dir="$1"; shift
  mkdir -p "$dir"
  printf 'module meshbench.local/k8s-test-bins\n\ngo 1.24.0\n' >"$dir/go.mod"
  printf '//go:build tools\n\npackage tools\n' >"$dir/tools.go"
}

build_k8s() {
  [[ -x "$bin/kube-apiserver" && -x "$bin/kube-controller-manager" ]] && return
  local dir="$root/src/kubernetes" mod minor
  wrapper "$dir"
  mod=$(gomod_json "k8s.io/kubernetes@v${K8S_VERSION}" | json_field GoMod)
  minor="${K8S_VERSION#1.}"
  {
    echo "require k8s.io/kubernetes v${K8S_VERSION}"
    echo "replace ("
    grep -E '^\s+k8s.io/[a-z0-9-]+ => \./staging/' "$mod" | awk -v v="v0.${minor}" '{print "\t" $1 " => " $1 " " v}'
    echo ")"
  } >>"$dir/go.mod"
  printf 'import (\n\t_ "k8s.io/kubernetes/cmd/kube-apiserver"\n\t_ "k8s.io/kubernetes/cmd/kube-controller-manager"\n)\n' >>"$dir/tools.go"
  # What `make` stamps in: /version answers the real version, not v0.0.0-master.
  local v="k8s.io/component-base/version"
  local ldflags="-X $v.gitVersion=v${K8S_VERSION} -X $v.gitMajor=1 -X $v.gitMinor=${minor%%.*} -X $v.gitTreeState=clean"
  log "building kube-apiserver and kube-controller-manager ${K8S_VERSION} (cold: many minutes)"
  (cd "$dir" && go mod tidy >&2 &&
    go build -trimpath -ldflags "$ldflags" -o "$bin/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver &&
    go build -trimpath -ldflags "$ldflags" -o "$bin/kube-controller-manager" k8s.io/kubernetes/cmd/kube-controller-manager)
}

build_etcd() {
  [[ -x "$bin/etcd" ]] && return
  local dir="$root/src/etcd"
  wrapper "$dir"
  echo "require go.etcd.io/etcd/server/v3 v${ETCD_VERSION}" >>"$dir/go.mod"
  printf 'import _ "go.etcd.io/etcd/server/v3"\n' >>"$dir/tools.go"
  log "building etcd ${ETCD_VERSION}"
  (cd "$dir" && go mod tidy >&2 && go build -trimpath -o "$bin/etcd" go.etcd.io/etcd/server/v3)
}

build_istioctl() {
  [[ -x "$bin/istioctl" ]] && return
  local dir="$root/src/istio" mod
  wrapper "$dir"
  mod=$(gomod_json "istio.io/istio@${ISTIO_PSEUDO}" | json_field GoMod)
  {
    echo "require istio.io/istio ${ISTIO_PSEUDO}"
    # Istio's own replace directives (forks it builds with) must be repeated by the main module.
    awk '/^replace \(/{r=1;next} r&&/^\)/{r=0} r{print "replace " $0} /^replace [^(]/{print}' "$mod"
  } >>"$dir/go.mod"
  printf 'import _ "istio.io/istio/istioctl/cmd/istioctl"\n' >>"$dir/tools.go"
  log "building istioctl (istio.io/istio ${ISTIO_PSEUDO})"
  (cd "$dir" && go mod tidy >&2 && go build -trimpath -o "$bin/istioctl" istio.io/istio/istioctl/cmd/istioctl)
}

fetch_crds() {
  local v d
  for v in $GATEWAY_API_VERSIONS; do
    [[ -d "$crds/gateway-api-v$v" ]] && continue
    d=$(gomod_json "sigs.k8s.io/gateway-api@v$v" | json_field Dir)
    mkdir -p "$crds/gateway-api-v$v"
    cp "$d"/config/crd/standard/*.yaml "$crds/gateway-api-v$v/"
    chmod -R u+w "$crds/gateway-api-v$v"
  done
  if [[ ! -f "$crds/istio-${ISTIO_API_VERSION}.yaml" ]]; then
    d=$(gomod_json "istio.io/api@v${ISTIO_API_VERSION}" | json_field Dir)
    cp "$d/kubernetes/customresourcedefinitions.gen.yaml" "$crds/istio-${ISTIO_API_VERSION}.yaml"
    chmod u+w "$crds/istio-${ISTIO_API_VERSION}.yaml"
  fi
}

only="${1:-all}"
# `path`: where the binaries are (or would be), without building anything.
[[ "$only" == path ]] && { echo "$root"; exit 0; }
case "$only" in
  all) fetch_crds; build_etcd; build_k8s; build_istioctl ;;
  crds) fetch_crds ;;
  etcd) build_etcd ;;
  k8s) build_k8s ;;
  istioctl) build_istioctl ;;
  *) echo "usage: $0 [all|crds|etcd|k8s|istioctl|path]" >&2; exit 2 ;;
esac
printf 'K8S_VERSION=%s\nETCD_VERSION=%s\nISTIO_PSEUDO=%s\nGATEWAY_API_VERSIONS="%s"\nISTIO_API_VERSION=%s\n' \
  "$K8S_VERSION" "$ETCD_VERSION" "$ISTIO_PSEUDO" "$GATEWAY_API_VERSIONS" "$ISTIO_API_VERSION" >"$root/versions.env"
echo "$root"
