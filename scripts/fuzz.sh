#!/usr/bin/env bash
# Fuzzes sluice's parsers with libFuzzer: builds the targets of tests/fuzz with
# clang (-fsanitize=fuzzer,address,undefined) into ./build-fuzz (or
# $BUILD_DIR), then runs each for SECONDS (default 30) starting from its
# checked-in seed corpus tests/fuzz/corpus/<target>/.
#   scripts/fuzz.sh [SECONDS] [TARGET...]     e.g. scripts/fuzz.sh 600 dsn
# New inputs go to a scratch corpus in the build dir; crashes are saved there
# (crash-*) and make the script fail. FUZZ_UPDATE_CORPUS=1 merges the inputs
# that add coverage back into the checked-in seeds. Prints, per target, the
# executions and the coverage libFuzzer reports (cov: edges, ft: features).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
shift || true
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  targets=(dsn sql_lexer sql_classifier revision_parser control_command)
fi
build=${BUILD_DIR:-build-fuzz}

if ! command -v clang++ >/dev/null; then
  scripts/install-deps.sh --fuzz
fi
CC=clang CXX=clang++ cmake -S . -B "$build" -DSLUICE_FUZZ=ON -DSLUICE_TESTS=OFF \
  -DSLUICE_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)" --target "${targets[@]/%/_fuzz}"

failed=()
summary=()
for t in "${targets[@]}"; do
  bin="$build/tests/fuzz/${t}_fuzz"
  seeds="tests/fuzz/corpus/$t"
  work="$build/fuzz-corpus/$t"
  artifacts="$build/fuzz-artifacts/$t/"
  mkdir -p "$work" "$artifacts"
  log="$build/fuzz-artifacts/$t.log"
  echo "fuzz: $t for ${seconds}s"
  set +e
  # -timeout: one input must not take more than 10 s (a hang is a bug too);
  # -rss_limit_mb: the suite shares a small machine.
  "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts" "$work" "$seeds" >"$log" 2>&1
  rc=$?
  set -e
  execs=$(grep -a 'stat::number_of_executed_units' "$log" | awk '{print $2}')
  cov=$(grep -aoE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)
  status=ok
  if [[ $rc -ne 0 ]]; then
    status="FAILED (exit $rc, see $log and $artifacts)"
    failed+=("$t")
    grep -aE 'property failed|ERROR:|SUMMARY:' "$log" | head -5 >&2 || true
  fi
  summary+=("$(printf '%-16s %12s execs  %-22s %s' "$t" "${execs:-?}" "${cov:-?}" "$status")")
  if [[ "${FUZZ_UPDATE_CORPUS:-0}" == 1 && $rc -eq 0 ]]; then
    "$bin" -merge=1 "$seeds" "$work" >/dev/null 2>&1
  fi
done

echo
echo "fuzz summary (${seconds}s per target)"
printf '%s\n' "${summary[@]}"
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz: failures in ${failed[*]}" >&2
  exit 1
fi
