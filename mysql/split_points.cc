#include "mysql/split_points.h"

#include <fmt/format.h>

#include "engine/sql/quote.h"

namespace sluice::mysql {
namespace {

using Int = __int128;

std::optional<Int> ParseInt(const std::string& s) {
  if (s.empty()) return std::nullopt;
  size_t i = s[0] == '-' ? 1 : 0;
  if (i == s.size()) return std::nullopt;
  Int v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    v = v * 10 + (s[i] - '0');
  }
  return s[0] == '-' ? -v : v;
}

std::string FormatInt(Int v) {
  if (v == 0) return "0";
  bool neg = v < 0;
  unsigned __int128 u =
      neg ? static_cast<unsigned __int128>(-(v + 1)) + 1 : static_cast<unsigned __int128>(v);
  std::string out;
  while (u > 0) {
    out.insert(out.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  }
  return neg ? "-" + out : out;
}

}  // namespace

Result<std::vector<KeyTuple>> IndexSeekSplitPoints(Session& s, const TableInfo& t,
                                                   const ChunkKey& key, int segments) {
  std::vector<KeyTuple> points;
  if (key.columns.empty() || segments < 2) return points;
  const ColumnInfo* first = t.FindColumn(key.columns[0]);
  const bool integer = key.hidden_rowid || (first != nullptr && first->IsInteger());
  if (!integer) return points;

  const std::string lead = sql::QuoteIdent(key.columns[0]);
  const std::string table = sql::QuoteTable(t.ref);
  SLUICE_ASSIGN(ResultSet mm,
                s.Query(fmt::format("SELECT MIN({0}), MAX({0}) FROM {1}", lead, table)));
  if (mm.rows.empty() || !mm.rows[0][0] || !mm.rows[0][1]) return points;  // empty table
  auto lo = ParseInt(*mm.rows[0][0]);
  auto hi = ParseInt(*mm.rows[0][1]);
  if (!lo || !hi || *hi - *lo < segments) return points;

  const std::string cols = sql::QuoteIdentList(key.columns);
  for (int i = 1; i < segments; ++i) {
    Int v = *lo + (*hi - *lo) * i / segments;
    SLUICE_ASSIGN(ResultSet rs, s.Query(fmt::format("SELECT {} FROM {} WHERE {} >= {} ORDER BY "
                                                    "{} LIMIT 1",
                                                    cols, table, lead, FormatInt(v), cols)));
    if (rs.rows.empty()) break;
    // A gap can make two seeks land on the same key: keep points distinct.
    if (!points.empty() && points.back() == rs.rows[0]) continue;
    points.push_back(std::move(rs.rows[0]));
  }
  return points;
}

}  // namespace sluice::mysql
