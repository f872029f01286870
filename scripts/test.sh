#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what is missing, builds,
# starts a MariaDB of its own (port 3317, data under build/test-db), runs ctest
# and stops the server. Extra arguments go to ctest (e.g. -L unit, -R Dsn).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
build=${BUILD_DIR:-build}
sluice="$build/cli/sluice"
db=(--db-dir "$build/test-db" --db-port "${SLUICE_TEST_PORT:-3317}")
"$sluice" db start "${db[@]}"
trap '"$sluice" db stop "${db[@]}"' EXIT
SLUICE_TEST_DSN=$("$sluice" db dsn "${db[@]}")
export SLUICE_TEST_DSN
ctest --test-dir "$build" --output-on-failure -j2 --timeout 900 "$@"
