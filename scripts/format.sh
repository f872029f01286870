#!/usr/bin/env bash
# Formats the C++ sources with .clang-format. `--check` only reports files
# that differ (exit 1), `--tidy` also runs clang-tidy on the sources using
# build/compile_commands.json.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files 'engine/*.cc' 'engine/*.h' 'mysql/*.cc' 'mysql/*.h' \
  'tidb/*.cc' 'tidb/*.h' 'cli/*.cc' 'cli/*.h' 'bench/*.cc' 'tests/*.cc' 'tests/*.h')
case "${1:-}" in
  --check)
    bad=0
    for f in "${files[@]}"; do
      if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then echo "needs formatting: $f"; bad=1; fi
    done
    exit $bad ;;
  --tidy)
    mapfile -t srcs < <(printf '%s\n' "${files[@]}" | grep -E '^(engine|mysql|tidb|cli)/.*\.cc$')
    clang-tidy -p build --quiet "${srcs[@]}" ;;
  *)
    clang-format -i "${files[@]}" ;;
esac
