//go:build tools

// Package tools pins TiDB's server command as a dependency of this module so
// that `go build github.com/pingcap/tidb/cmd/tidb-server` builds it from the
// module proxy at the version go.mod names. No TiDB source lives in the repo.
package tools

import _ "github.com/pingcap/tidb/cmd/tidb-server"
