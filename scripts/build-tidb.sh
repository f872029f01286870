#!/usr/bin/env bash
# Builds TiDB's own tidb-server (unistore) from the Go module pinned in
# tools/tidb-server/go.mod into build/tidb-server/tidb-server. Idempotent: Go's
# module and build caches make a repeated build fast. Exit 0 built, 1 the build
# failed (the Go error is printed), 2 no Go toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."
out="$PWD/${BUILD_DIR:-build}/tidb-server"
if ! command -v go >/dev/null 2>&1; then
  echo "build-tidb: no Go toolchain (go not on PATH); the live TiDB tests cannot run" >&2
  exit 2
fi
mkdir -p "$out"
cd tools/tidb-server
export GOFLAGS=-mod=mod
log="$out/build.log"
if ! { go mod tidy && go build -o "$out/tidb-server" github.com/pingcap/tidb/cmd/tidb-server; } >"$log" 2>&1; then
  echo "build-tidb: building tidb-server from tools/tidb-server/go.mod failed:" >&2
  sed 's/^/  /' "$log" >&2
  if grep -q "403 Forbidden" "$log"; then
    echo "build-tidb: the Go module proxy refuses the pinned TiDB version (see tools/tidb-server/README.md)" >&2
  fi
  exit 1
fi
echo "build-tidb: $out/tidb-server"
