#!/usr/bin/env bash
# The demo: installs what is missing, builds, starts the local MariaDB and runs
# the example project's migrations (examples/) on it, printing what happens.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
sluice="$PWD/build/cli/sluice"
cd examples
"$sluice" db start
"$sluice" --version
if "$sluice" upgrade --help >/dev/null 2>&1; then
  "$sluice" history
  "$sluice" upgrade head
  "$sluice" current
  "$sluice" history
else
  "$sluice" --help
fi
echo
echo "The demo server keeps running: cd examples && $sluice db stop"
