#include "engine/chunk/chunker.h"

#include <algorithm>

#include "engine/sql/quote.h"

namespace sluice::chunk {

std::string Chunker::BoundarySql(const KeyRange& remaining, int rows) const {
  std::string cols = sql::QuoteIdentList(spec_.columns);
  std::string out = "SELECT " + cols + " FROM " + sql::QuoteTable(spec_.table);
  if (!spec_.index.empty()) out += " FORCE INDEX (" + sql::QuoteIdent(spec_.index) + ")";
  std::string where = RangePredicate(spec_, remaining, /*qualified=*/false);
  if (!where.empty()) out += " WHERE " + where;
  out += " ORDER BY " + cols + " LIMIT 1 OFFSET " + std::to_string(std::max(rows, 1) - 1);
  return out;
}

Result<Chunk> Chunker::Next(Session& s, const KeyRange& remaining, int rows) const {
  rows = std::max(rows, 1);
  SLUICE_ASSIGN(ResultSet rs, s.Query(BoundarySql(remaining, rows)));
  Chunk c;
  c.rows = rows;
  c.range.lo = remaining.lo;
  if (rs.rows.empty()) {
    // Fewer than `rows` keys are left: the chunk takes the rest of the interval.
    c.range.hi = remaining.hi;
    c.last = true;
    return c;
  }
  KeyTuple boundary = std::move(rs.rows.front());
  c.last = remaining.hi && SameKey(boundary, *remaining.hi);
  c.range.hi = std::move(boundary);
  return c;
}

}  // namespace sluice::chunk
