#include "mysql/table_checksum.h"

#include <fmt/format.h>

#include "engine/log.h"
#include "engine/sql/quote.h"
#include "mysql/lock_first.h"
#include "mysql/mysql_dialect.h"

namespace sluice::mysql {
namespace {

using sql::QuoteIdent;
using sql::QuoteString;
using sql::QuoteTable;

constexpr int kDeadlock = 1213;
constexpr int kLockWaitTimeout = 1205;
constexpr int kTableDefinitionChanged = 1412;

// One column's value as both sides compare it.
std::string CompareExpr(const CopyPlan& p, const CopyColumn& c, bool shadow_side) {
  std::string v = shadow_side ? QuoteIdent(c.target) : p.SourceExpr(c, "");
  if (!c.same_type) return fmt::format("CAST({} AS {})", v, c.cast_as);
  if (c.text) return fmt::format("CONVERT({} USING utf8mb4)", v);
  return v;
}

bool Retryable(const Error& e) {
  return e.code == kDeadlock || e.code == kLockWaitTimeout || e.code == kTableDefinitionChanged;
}

Result<ChunkChecksum> ReadChecksum(Session& s, const std::string& sql) {
  SLUICE_ASSIGN(ResultSet rs, s.Query(sql));
  ChunkChecksum c;
  if (!rs.rows.empty()) {
    c.rows = std::stoull(rs.rows[0][0].value_or("0"));
    c.crc = rs.rows[0][1].value_or("0");
  }
  return c;
}

// DELETE + strict INSERT ... SELECT of one range, lock-first
// (mysql/lock_first.h) at READ COMMITTED: the DELETE then locks the shadow's
// rows of the range, not the gaps an application's trigger may insert into,
// and the application (whose triggers write into the shadow) only ever waits
// for the re-copy, never deadlocks with it.
Status RecopyChunk(Session& s, const CopyPlan& p, const chunk::KeyRange& range,
                   RunControl& control) {
  SLUICE_TRY(s.Exec(fmt::format("SET SESSION sql_mode = {}", QuoteString(kStrictCopySqlMode))));
  const std::string clause = MysqlDialect().NoWaitLockClause(s.server(), /*exclusive=*/false);
  const std::string lock_sql = clause.empty() ? "" : LockSourceChunkSql(p, range, clause);
  return RunLockFirst(s, lock_sql, control, "re-copy of " + RangeWhere(p.old_spec, range),
                      [&](bool holding) -> Status {
                        SLUICE_TRY(s.Exec(DeleteShadowChunkSql(p, range)).status());
                        // Holding the rows' locks, the copy reads without
                        // locking: a locking read would also lock (and wait
                        // for) the first row past the range.
                        return s.Exec(StrictCopyChunkSql(p, range, !holding)).status();
                      });
}

// Holding a chunk's source locks, how long the checksum waits for the
// capture; and how often it lets go and tries again before it gives up
// (the capture cannot keep up with the application's writes).
constexpr double kLockedCatchUpS = 1;
constexpr int kLateAttempts = 60;

// Both sides of one range, caught up with a lagging capture while the
// range's source rows are locked (see CaptureLag).
Result<std::pair<ChunkChecksum, ChunkChecksum>> ChecksumChunkCaughtUp(
    Session& s, const CopyPlan& p, const chunk::KeyRange& range, const CaptureLag& lag,
    RunControl& control) {
  const std::string clause = MysqlDialect().NoWaitLockClause(s.server(), /*exclusive=*/false);
  const std::string lock_sql = clause.empty() ? "" : LockSourceChunkSql(p, range, clause);
  std::pair<ChunkChecksum, ChunkChecksum> sums;
  const std::string what = "checksum of " + RangeWhere(p.old_spec, range);
  for (int attempt = 1;; ++attempt) {
    SLUICE_TRY(lag.catch_up(s, 0));  // no lock held: as long as it takes
    bool late = false;
    Status st = RunLockFirst(s, lock_sql, control, what, [&](bool holding) -> Status {
      Status caught = lag.catch_up(s, kLockedCatchUpS);
      late = !caught.ok() && caught.error().code == kLockWaitTimeout;
      SLUICE_TRY(caught);
      SLUICE_ASSIGN(sums.first, ReadChecksum(s, ChecksumSql(p, range, false) +
                                                    (holding ? "" : " LOCK IN SHARE MODE")));
      SLUICE_ASSIGN(sums.second, ReadChecksum(s, ChecksumSql(p, range, true)));
      return Status::Ok();
    });
    if (st.ok()) return sums;
    if (!late) return st.error();
    if (attempt >= kLateAttempts) {
      return RuntimeError(fmt::format(
          "{}: the binlog capture cannot keep up with the application's writes ({} times "
          "it had not caught up within {:g} s of taking the chunk's locks; {}). Nothing was "
          "swapped; lower the write load or rerun with --capture triggers",
          what, kLateAttempts, kLockedCatchUpS, st.error().message));
    }
    spdlog::debug("{}: the binlog capture lags ({}); letting go of the rows and trying again",
                  what, st.error().message);
  }
}

// The last key of the old table now (nullopt: empty).
Result<std::optional<KeyTuple>> LastKey(Session& s, const CopyPlan& p) {
  std::string desc;
  for (const auto& c : p.old_key) desc += (desc.empty() ? "" : ", ") + QuoteIdent(c) + " DESC";
  SLUICE_ASSIGN(ResultSet rs, s.Query(fmt::format("SELECT {} FROM {} FORCE INDEX ({}) ORDER BY {} "
                                                  "LIMIT 1",
                                                  sql::QuoteIdentList(p.old_key),
                                                  QuoteTable(p.names.table),
                                                  QuoteIdent(p.key_index), desc)));
  if (rs.rows.empty()) return std::optional<KeyTuple>();
  return std::optional<KeyTuple>(rs.rows[0]);
}

std::string DescribeRange(const CopyPlan& p, const chunk::KeyRange& r) {
  return RangeWhere(p.old_spec, r);
}

}  // namespace

std::string ChecksumSql(const CopyPlan& p, const chunk::KeyRange& range, bool shadow_side) {
  std::string values, nulls;
  for (const auto& c : p.columns) {
    std::string e = CompareExpr(p, c, shadow_side);
    values += ", " + e;
    nulls += (nulls.empty() ? "" : ", ") + fmt::format("ISNULL({})", e);
  }
  const TableRef& t = shadow_side ? p.names.shadow : p.names.table;
  const chunk::KeySpec& key = shadow_side ? p.new_spec : p.old_spec;
  return fmt::format(
      "SELECT COUNT(*), COALESCE(BIT_XOR(CRC32(CONCAT_WS('#'{}, CONCAT({})))), 0) FROM {} "
      "WHERE {}",
      values, nulls, QuoteTable(t), RangeWhere(key, range));
}

Result<std::pair<ChunkChecksum, ChunkChecksum>> ChecksumChunk(Session& s, const CopyPlan& p,
                                                              const chunk::KeyRange& range) {
  SLUICE_TRY(s.Exec("START TRANSACTION WITH CONSISTENT SNAPSHOT"));
  auto old_side = ReadChecksum(s, ChecksumSql(p, range, false));
  auto new_side = old_side.ok() ? ReadChecksum(s, ChecksumSql(p, range, true))
                                : Result<ChunkChecksum>(old_side.error());
  (void)s.Exec("COMMIT");
  if (!new_side.ok()) return new_side.error();
  return std::make_pair(*old_side, *new_side);
}

Result<std::optional<KeyTuple>> NextChunkUpper(Session& s, const CopyPlan& p,
                                               const std::optional<KeyTuple>& lower, int rows) {
  chunk::KeyRange from{lower, std::nullopt};
  SLUICE_ASSIGN(ResultSet rs,
                s.Query(fmt::format("SELECT {} FROM {} FORCE INDEX ({}) WHERE {} ORDER BY {} "
                                    "LIMIT 1 OFFSET {}",
                                    sql::QuoteIdentList(p.old_key), QuoteTable(p.names.table),
                                    QuoteIdent(p.key_index), RangeWhere(p.old_spec, from),
                                    sql::QuoteIdentList(p.old_key), rows - 1)));
  if (rs.rows.empty()) return std::optional<KeyTuple>();
  return std::optional<KeyTuple>(rs.rows[0]);
}

Result<ChecksumReport> VerifyShadow(Session& s, const CopyPlan& p, const ChecksumOptions& opts,
                                    RunControl& control,
                                    const std::function<void(uint64_t)>& on_chunk,
                                    const CaptureLag* lag) {
  SLUICE_TRY(s.Exec("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ"));
  ChecksumReport report;
  std::optional<KeyTuple> lower, end;
  if (lag != nullptr) {
    SLUICE_ASSIGN(end, LastKey(s, p));
  }
  for (bool last = false; !last;) {
    if (!control.WaitWhilePaused()) return RuntimeError("checksum stopped by the operator");
    SLUICE_ASSIGN(std::optional<KeyTuple> upper, NextChunkUpper(s, p, lower, opts.chunk_rows));
    last = !upper.has_value();
    chunk::KeyRange range{lower, upper};
    if (last && lag != nullptr) range.hi = end;
    for (int attempt = 0;; ++attempt) {
      auto sums = lag != nullptr ? ChecksumChunkCaughtUp(s, p, range, *lag, control)
                                 : ChecksumChunk(s, p, range);
      if (!sums.ok()) {
        if (Retryable(sums.error()) && attempt < 5) continue;
        return sums.error();
      }
      if (sums->first == sums->second) {
        report.rows += sums->first.rows;
        break;
      }
      if (attempt >= opts.recopy_attempts) {
        return RuntimeError(fmt::format(
            "checksum mismatch between {} and {} persists after {} re-copies in the range {} "
            "({} rows in the old table, {} in the new one): the ALTER loses or changes rows. "
            "Nothing was swapped",
            QuoteTable(p.names.table), QuoteTable(p.names.shadow), opts.recopy_attempts,
            DescribeRange(p, range), sums->first.rows, sums->second.rows));
      }
      spdlog::warn("checksum mismatch in {} ({} vs {} rows): re-copying the chunk",
                   DescribeRange(p, range), sums->first.rows, sums->second.rows);
      ++report.recopied_chunks;
      if (lag != nullptr) lag->hold();
      Status st = RecopyChunk(s, p, range, control);
      if (lag != nullptr) lag->release();
      if (!st.ok() && !Retryable(st.error())) {
        Error e = st.error();
        e.cls = ErrorClass::kFatal;
        e.message = fmt::format(
            "the ALTER would lose or change rows: copying the range {} of {} into the new "
            "shape fails: {}. Nothing was swapped",
            DescribeRange(p, range), QuoteTable(p.names.table), e.message);
        return e;
      }
    }
    ++report.chunks;
    if (on_chunk) on_chunk(report.rows);
    lower = upper;
  }
  return report;
}

}  // namespace sluice::mysql
