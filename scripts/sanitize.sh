#!/usr/bin/env bash
# Builds sluice with AddressSanitizer + UndefinedBehaviorSanitizer
# (-DSLUICE_SANITIZE=ON) into ./build-asan (or $BUILD_DIR), starts a MariaDB of
# its own with the built `sluice db start` (port $SLUICE_ASAN_PORT, default
# 3318; data under the build dir), and runs the unit and integration tests.
# Any sanitizer report fails the test that triggered it (the tests that run
# the sluice binary run the instrumented one too). Extra arguments go to ctest
# (e.g. -R Dsn, or -L fault to run the fault suite instrumented).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build-asan}
port=${SLUICE_ASAN_PORT:-3318}
jobs=${JOBS:-$(nproc)}

scripts/install-deps.sh
cmake -S . -B "$build" -DSLUICE_SANITIZE=ON -DSLUICE_BENCH=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$jobs"

# halt_on_error / abort: a report is a failure, never a warning in a log.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

sluice="$build/cli/sluice"
db=(--db-dir "$build/test-db" --db-port "$port")
"$sluice" db start "${db[@]}"
trap '"$sluice" db stop "${db[@]}"' EXIT
SLUICE_TEST_DSN=$("$sluice" db dsn "${db[@]}")
export SLUICE_TEST_DSN

labels=(-L 'unit|integration')
for a in "$@"; do
  [[ "$a" == -L* ]] && labels=()
done
ctest --test-dir "$build" --output-on-failure -j"$jobs" --timeout 1800 "${labels[@]}" "$@"
