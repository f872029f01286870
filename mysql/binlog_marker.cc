#include "mysql/binlog_marker.h"

#include <fmt/format.h>

#include "engine/sql/quote.h"

namespace sluice::mysql {
namespace {

constexpr const char* kTable = "`sluice_checkpoint`";
constexpr int kBinlogSeq = -4;

std::string Where(const std::string& revision, int step) {
  return fmt::format("revision = {} AND step = {} AND seq = {}", sql::QuoteString(revision), step,
                     kBinlogSeq);
}

}  // namespace

Result<std::optional<BinlogMarker>> ReadBinlogMarker(Session& s, const std::string& revision,
                                                     int step) {
  SLUICE_ASSIGN(ResultSet rs, s.Query(fmt::format("SELECT lo_key, hi_key FROM {} WHERE {}", kTable,
                                                  Where(revision, step))));
  if (rs.rows.empty()) return std::optional<BinlogMarker>();
  return std::optional<BinlogMarker>(
      BinlogMarker{rs.rows[0][0].value_or("binlog"), rs.rows[0][1].value_or("")});
}

Status WriteBinlogMarker(Session& s, const std::string& revision, int step,
                         const std::string& token, const BinlogPosition& from) {
  return s
      .Exec(fmt::format("REPLACE INTO {} (revision, step, seq, kind, lo_key, hi_key) VALUES ({}, "
                        "{}, {}, 'binlog', {}, {})",
                        kTable, sql::QuoteString(revision), step, kBinlogSeq,
                        sql::QuoteString(token), sql::QuoteString(from.ToString())))
      .status();
}

Status RecordBinlogPosition(Session& s, const std::string& revision, int step,
                            const BinlogPosition& applied) {
  return s
      .Exec(fmt::format("UPDATE {} SET hi_key = {} WHERE {}", kTable,
                        sql::QuoteString(applied.ToString()), Where(revision, step)))
      .status();
}

Status DeleteBinlogMarker(Session& s, const std::string& revision, int step) {
  return s.Exec(fmt::format("DELETE FROM {} WHERE {}", kTable, Where(revision, step))).status();
}

}  // namespace sluice::mysql
