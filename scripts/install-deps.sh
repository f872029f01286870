#!/usr/bin/env bash
# Installs, from Debian's packages, exactly what sluice's build, tests and demo
# need (and, with --bench, the benchmark comparisons; with --tidb, TiDB's own
# tidb-server built from its Go module by scripts/build-tidb.sh). Idempotent:
# does nothing when everything is already there. Needs root for apt-get.
set -euo pipefail

packages=(
  # build
  cmake g++ make pkg-config
  libmariadb-dev libboost-dev libboost-program-options-dev libspdlog-dev libfmt-dev
  prometheus-cpp-dev nlohmann-json3-dev libssl-dev
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  # the local server and its client (demo, integration tests)
  mariadb-server mariadb-client
  # tests: real Prometheus, YAML check of docker-compose.yml, TLS certificates,
  # terminal capture
  prometheus python3 python3-yaml openssl tmux bsdutils procps
)
if [[ "${1:-}" == "--bench" ]]; then
  packages+=(percona-toolkit gnuplot-nox time bc)
fi
if [[ "${1:-}" == "--fuzz" ]]; then
  packages+=(clang libclang-rt-14-dev)
fi

if [[ "${1:-}" == "--tidb" ]]; then
  # after the apt part, which may exit early when nothing is missing
  trap 'exec "$(dirname "$0")/build-tidb.sh"' EXIT
fi

missing=()
for p in "${packages[@]}"; do
  [[ "$p" == \#* ]] && continue
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: need root to apt-get install: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# The package scripts must not start a system-wide MariaDB or Prometheus:
# sluice runs its own servers.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' >$policy && chmod +x $policy && created_policy=1
fi
apt-get install -y -qq --no-install-recommends "${missing[@]}"
if [[ $created_policy -eq 1 ]]; then rm -f $policy; fi
