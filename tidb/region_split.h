// Region-aligned split points for chunked data steps on TiDB.
//
// `SELECT <key> FROM t TABLESAMPLE REGIONS() ORDER BY <key>` gives the first
// key of each region, so that segments map onto regions and parallel batches
// land on different regions and TiKV stores. A region larger than
// max_rows_per_segment is split further by rows: by interpolation when the
// key is the integer row handle (sizes from SHOW TABLE t REGIONS), otherwise
// with `... ORDER BY key LIMIT 1 OFFSET n` probes inside the segment.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/dialect.h"

namespace sluice::tidb {

struct RegionSplitOptions {
  uint64_t max_rows_per_segment = 200000;  // split regions holding more rows than this
  int max_probe_queries = 256;             // cap on OFFSET probes per step
};

// SQL text of one key value: integers bare (validated), others quoted.
std::string KeyLiteral(const Cell& value, bool integer);
// (`a`, `b`) or `a`
std::string KeyColumns(const ChunkKey& key);
// ('x', 5) or 5
std::string KeyTupleLiteral(const KeyTuple& k, const std::vector<bool>& integer);

std::string TableSampleRegionsSql(const TableRef& t, const ChunkKey& key);
std::string ShowTableRegionsSql(const TableRef& t);
// SELECT key FROM t WHERE key >= lo AND key < hi ORDER BY key LIMIT 1 OFFSET n
// (hi empty: unbounded above).
std::string NthKeySql(const TableRef& t, const ChunkKey& key, const std::vector<bool>& integer,
                      const KeyTuple& lo, const std::optional<KeyTuple>& hi, uint64_t offset);

// A region key from SHOW TABLE REGIONS: "t_<table_id>_r_<handle>" for a
// record key with an integer handle; "t_<table_id>_r" / "t_<table_id>_"
// (the table's first key); "" (unbounded); anything else is opaque.
struct RegionKey {
  enum Kind { kUnbounded, kTableStart, kRecord, kIndex, kOpaque } kind = kOpaque;
  int64_t table_id = 0;
  int64_t handle = 0;  // kRecord only
};
RegionKey ParseRegionKey(std::string_view key);

struct RegionRow {
  int64_t region_id = 0;
  std::string start_key;
  std::string end_key;
  uint64_t approximate_keys = 0;
};
// Binds REGION_ID, START_KEY, END_KEY, APPROXIMATE_KEYS by name.
Result<std::vector<RegionRow>> ParseTableRegions(const ResultSet& rs);

// Whether each key column is an integer (the hidden _tidb_rowid is).
std::vector<bool> IntegerKeyColumns(const TableInfo& t, const ChunkKey& key);

// Integer points strictly inside (lo, hi) that cut it into `pieces` equal parts.
std::vector<int64_t> Interpolate(int64_t lo, int64_t hi, uint64_t pieces);

// The split points: ordered, without the table's first key.
Result<std::vector<KeyTuple>> RegionSplitPoints(Session& s, const TableInfo& t,
                                                const ChunkKey& key,
                                                const RegionSplitOptions& opts);

}  // namespace sluice::tidb
