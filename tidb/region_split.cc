#include "tidb/region_split.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>

#include "engine/log.h"
#include "engine/sql/quote.h"

namespace sluice::tidb {

namespace {

bool ParseInt(std::string_view s, int64_t& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

std::string Lower(std::string_view s) {
  std::string o(s);
  for (char& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return o;
}

}  // namespace

std::string KeyLiteral(const Cell& value, bool integer) {
  if (!value) return "NULL";
  int64_t i64 = 0;
  uint64_t u64 = 0;
  const std::string& v = *value;
  if (integer && (ParseInt(v, i64) ||
                  (std::from_chars(v.data(), v.data() + v.size(), u64).ec == std::errc() &&
                   !v.empty() && std::all_of(v.begin(), v.end(), ::isdigit)))) {
    return v;
  }
  return sql::QuoteString(v);
}

std::string KeyColumns(const ChunkKey& key) {
  std::string cols = sql::QuoteIdentList(key.columns);
  return key.columns.size() == 1 ? cols : "(" + cols + ")";
}

std::string KeyTupleLiteral(const KeyTuple& k, const std::vector<bool>& integer) {
  std::string s;
  for (size_t i = 0; i < k.size(); ++i) {
    if (i) s += ", ";
    s += KeyLiteral(k[i], i < integer.size() && integer[i]);
  }
  return k.size() == 1 ? s : "(" + s + ")";
}

std::string TableSampleRegionsSql(const TableRef& t, const ChunkKey& key) {
  std::string cols = sql::QuoteIdentList(key.columns);
  return "SELECT " + cols + " FROM " + sql::QuoteTable(t) + " TABLESAMPLE REGIONS() ORDER BY " +
         cols;
}

std::string ShowTableRegionsSql(const TableRef& t) {
  return "SHOW TABLE " + sql::QuoteTable(t) + " REGIONS";
}

std::string NthKeySql(const TableRef& t, const ChunkKey& key, const std::vector<bool>& integer,
                      const KeyTuple& lo, const std::optional<KeyTuple>& hi, uint64_t offset) {
  std::string cols = sql::QuoteIdentList(key.columns);
  std::string k = KeyColumns(key);
  std::string s = "SELECT " + cols + " FROM " + sql::QuoteTable(t) + " WHERE " + k +
                  " >= " + KeyTupleLiteral(lo, integer);
  if (hi) s += " AND " + k + " < " + KeyTupleLiteral(*hi, integer);
  s += " ORDER BY " + cols + " LIMIT 1 OFFSET " + std::to_string(offset);
  return s;
}

RegionKey ParseRegionKey(std::string_view key) {
  RegionKey r;
  if (key.empty()) {
    r.kind = RegionKey::kUnbounded;
    return r;
  }
  if (key.substr(0, 2) != "t_") return r;
  key.remove_prefix(2);
  size_t us = key.find('_');
  std::string_view id = key.substr(0, us);
  if (!ParseInt(id, r.table_id)) return r;
  if (us == std::string_view::npos || us + 1 == key.size()) {
    r.kind = RegionKey::kTableStart;  // "t_75" or "t_75_"
    return r;
  }
  std::string_view rest = key.substr(us + 1);
  if (rest == "r" || rest == "r_") {
    r.kind = RegionKey::kTableStart;
    return r;
  }
  if (rest.substr(0, 2) == "i_") {
    r.kind = RegionKey::kIndex;
    return r;
  }
  if (rest.substr(0, 2) == "r_" && ParseInt(rest.substr(2), r.handle)) {
    r.kind = RegionKey::kRecord;
    return r;
  }
  return r;  // a common-handle (non-integer clustered) key: opaque
}

Result<std::vector<RegionRow>> ParseTableRegions(const ResultSet& rs) {
  int c_id = rs.Column("REGION_ID");
  int c_start = rs.Column("START_KEY");
  int c_end = rs.Column("END_KEY");
  int c_keys = rs.Column("APPROXIMATE_KEYS");
  if (c_start < 0 || c_end < 0 || c_keys < 0) {
    return RuntimeError("SHOW TABLE REGIONS: missing START_KEY, END_KEY or APPROXIMATE_KEYS");
  }
  auto text = [](const Row& row, int i) -> std::string {
    return i >= 0 && i < static_cast<int>(row.size()) && row[i] ? *row[i] : std::string();
  };
  std::vector<RegionRow> out;
  for (const Row& row : rs.rows) {
    RegionRow r;
    int64_t v = 0;
    if (ParseInt(text(row, c_id), v)) r.region_id = v;
    r.start_key = text(row, c_start);
    r.end_key = text(row, c_end);
    if (ParseInt(text(row, c_keys), v) && v > 0) r.approximate_keys = static_cast<uint64_t>(v);
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<bool> IntegerKeyColumns(const TableInfo& t, const ChunkKey& key) {
  std::vector<bool> out;
  for (const std::string& c : key.columns) {
    if (key.hidden_rowid) {
      out.push_back(true);
      continue;
    }
    const ColumnInfo* col = t.FindColumn(c);
    out.push_back(col && col->IsInteger());
  }
  return out;
}

std::vector<int64_t> Interpolate(int64_t lo, int64_t hi, uint64_t pieces) {
  std::vector<int64_t> out;
  if (pieces < 2 || hi <= lo) return out;
  long double step = (static_cast<long double>(hi) - static_cast<long double>(lo)) / pieces;
  int64_t prev = lo;
  for (uint64_t i = 1; i < pieces; ++i) {
    auto p = static_cast<int64_t>(static_cast<long double>(lo) + step * i);
    if (p > prev && p < hi) {
      out.push_back(p);
      prev = p;
    }
  }
  return out;
}

namespace {

// The key is TiDB's integer row handle: _tidb_rowid, or a clustered
// single-column integer primary key. Region keys then carry it.
bool IsIntegerHandle(const TableInfo& t, const ChunkKey& key) {
  if (key.columns.size() != 1) return false;
  if (key.hidden_rowid) return true;
  const IndexInfo* pk = t.PrimaryKey();
  if (!t.clustered_pk || !pk || pk->columns.size() != 1) return false;
  if (Lower(pk->columns[0]) != Lower(key.columns[0])) return false;
  const ColumnInfo* col = t.FindColumn(key.columns[0]);
  return col && col->IsInteger() && !col->IsUnsigned();
}

// Integer handles: per-segment sizes from SHOW TABLE REGIONS, then evenly
// spaced cuts inside the big segments.
Result<std::vector<KeyTuple>> SplitByHandle(Session& s, const TableInfo& t,
                                            const std::vector<int64_t>& starts,
                                            const RegionSplitOptions& opts) {
  SLUICE_ASSIGN(ResultSet rs, s.Query(ShowTableRegionsSql(t.ref)));
  SLUICE_ASSIGN(std::vector<RegionRow> regions, ParseTableRegions(rs));
  const size_t n = starts.size();
  std::vector<uint64_t> seg_rows(n, 0);
  int64_t max_end = starts.back();
  for (const RegionRow& r : regions) {
    RegionKey a = ParseRegionKey(r.start_key);
    RegionKey b = ParseRegionKey(r.end_key);
    int64_t first = a.kind == RegionKey::kRecord ? a.handle : std::numeric_limits<int64_t>::min();
    if (b.kind == RegionKey::kRecord) max_end = std::max(max_end, b.handle);
    // The segment holding the region's first handle.
    size_t seg = std::upper_bound(starts.begin(), starts.end(), first) - starts.begin();
    seg_rows[seg == 0 ? 0 : seg - 1] += r.approximate_keys;
  }
  std::vector<KeyTuple> out;
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) out.push_back({std::to_string(starts[i])});
    int64_t hi = i + 1 < n ? starts[i + 1] : max_end;
    uint64_t pieces = (seg_rows[i] + opts.max_rows_per_segment - 1) / opts.max_rows_per_segment;
    if (pieces < 2 || hi <= starts[i]) continue;
    for (int64_t p : Interpolate(starts[i], hi, pieces)) out.push_back({std::to_string(p)});
  }
  return out;
}

}  // namespace

Result<std::vector<KeyTuple>> RegionSplitPoints(Session& s, const TableInfo& t,
                                                const ChunkKey& key,
                                                const RegionSplitOptions& opts) {
  SLUICE_ASSIGN(ResultSet rs, s.Query(TableSampleRegionsSql(t.ref, key)));
  std::vector<KeyTuple> starts;
  for (Row& row : rs.rows) {
    if (std::any_of(row.begin(), row.end(), [](const Cell& c) { return !c; })) continue;
    starts.push_back(std::move(row));
  }
  if (starts.empty()) return std::vector<KeyTuple>{};

  if (IsIntegerHandle(t, key)) {
    std::vector<int64_t> handles;
    bool ok = true;
    for (const KeyTuple& k : starts) {
      int64_t v = 0;
      ok = ok && ParseInt(*k[0], v);
      handles.push_back(v);
    }
    if (ok) {
      auto split = SplitByHandle(s, t, handles, opts);
      if (split.ok()) return split;
      spdlog::warn("SHOW TABLE REGIONS failed ({}); using region starts only",
                   split.error().ToString());
    }
  }

  // Other keys: probe by row offsets when regions average more rows than wanted.
  const std::vector<bool> integer = IntegerKeyColumns(t, key);
  const uint64_t avg = t.estimated_rows / starts.size();
  std::vector<KeyTuple> out;
  int probes = 0;
  for (size_t i = 0; i < starts.size(); ++i) {
    if (i > 0) out.push_back(starts[i]);
    if (avg <= opts.max_rows_per_segment) continue;
    std::optional<KeyTuple> hi;
    if (i + 1 < starts.size()) hi = starts[i + 1];
    for (uint64_t off = opts.max_rows_per_segment; off < avg; off += opts.max_rows_per_segment) {
      if (probes++ >= opts.max_probe_queries) break;
      SLUICE_ASSIGN(ResultSet p, s.Query(NthKeySql(t.ref, key, integer, starts[i], hi, off)));
      if (p.rows.empty()) break;
      out.push_back(p.rows[0]);
    }
  }
  return out;
}

}  // namespace sluice::tidb
