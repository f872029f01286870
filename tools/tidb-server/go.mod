module github.com/sluice-db/sluice/tools/tidb-server

go 1.26

require (
	github.com/pingcap/tidb v1.1.0-beta.0.20260730162841-dc0024f088cb
	github.com/pingcap/tidb/pkg/parser v0.0.0-20260730162841-dc0024f088cb
)

replace (
	github.com/apache/arrow-go/v18 => github.com/joechenrh/arrow-go/v18 v18.0.0-20250911101656-62c34c9a3b82
	github.com/go-ldap/ldap/v3 v3.4.4 => github.com/yangkeao/ldap/v3 v3.4.5-0.20230421065457-369a3bab1117
	go.opencensus.io => go.opencensus.io v0.23.1-0.20220331163232-052120675fac
	sourcegraph.com/sourcegraph/appdash => github.com/sourcegraph/appdash v0.0.0-20190731080439-ebfcffb1b5c0
	sourcegraph.com/sourcegraph/appdash-data => github.com/sourcegraph/appdash-data v0.0.0-20151005221446-73f23eafcf67
)
