#!/usr/bin/env bash
# Builds the executor and throttler tests with ThreadSanitizer
# (-DSLUICE_TSAN=ON) into ./build-tsan (or $BUILD_DIR) and runs them. Those
# are the code paths with threads (the batch executor's pool, the throttler
# and its signals, the control socket, the progress model). Integration tests
# among them get a MariaDB of their own (port $SLUICE_TSAN_PORT, default 3319).
#   TSAN_TARGETS   regex of the test executables to build (default below)
#   TSAN_TESTS     ctest -R regex of the tests to run (default below)
# Extra arguments go to ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build-tsan}
port=${SLUICE_TSAN_PORT:-3319}
jobs=${JOBS:-$(nproc)}
target_re=${TSAN_TARGETS:-'^(engine_exec|engine_throttle|engine_progress|integration_(throttle|executor|batch|control|data_step)).*_test$'}
test_re=${TSAN_TESTS:-'Executor|Batch|Throttl|TokenBucket|RateLimit|Pause|Flag|Control|Progress|Worker|DataStep'}

scripts/install-deps.sh
cmake -S . -B "$build" -DSLUICE_TSAN=ON -DSLUICE_BENCH=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
mapfile -t targets < <(cmake --build "$build" --target help | sed -n 's/^\.\.\. \([a-z0-9_]*\).*/\1/p' |
  grep -E "$target_re")
if [[ ${#targets[@]} -eq 0 ]]; then
  echo "tsan: no test target matches $target_re" >&2
  exit 1
fi
echo "tsan: building ${targets[*]}"
cmake --build "$build" -j"$jobs" --target sluice "${targets[@]}"

export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/scripts/tsan-suppressions.txt}

sluice="$build/cli/sluice"
db=(--db-dir "$build/test-db" --db-port "$port")
"$sluice" db start "${db[@]}"
trap '"$sluice" db stop "${db[@]}"' EXIT
SLUICE_TEST_DSN=$("$sluice" db dsn "${db[@]}")
export SLUICE_TEST_DSN

# Tests of executables not built here show up as *_NOT_BUILT: skip them.
ctest --test-dir "$build" --output-on-failure -j"$jobs" --timeout 1800 \
  -R "$test_re" -E '_NOT_BUILT' "$@"
