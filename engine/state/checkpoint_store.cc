#include "engine/state/checkpoint_store.h"

#include <fmt/format.h>

#include <algorithm>

#include "engine/db/transaction.h"
#include "engine/sql/quote.h"

namespace sluice {
namespace {

constexpr int kDuplicateKey = 1062;

std::string Bound(const std::optional<KeyTuple>& b) {
  auto text = chunk::EncodeBound(b);
  return text ? sql::QuoteString(*text) : "NULL";
}

uint64_t U64(const Cell& c) { return c ? std::stoull(*c) : 0; }
int64_t I64(const Cell& c) { return c ? std::stoll(*c) : 0; }

}  // namespace

CheckpointStore::CheckpointStore(std::string table, std::string revision, int step)
    : table_(std::move(table)), revision_(std::move(revision)), step_(step) {}

std::string CheckpointStore::Where() const {
  return fmt::format("revision = {} AND step = {}", sql::QuoteString(revision_), step_);
}

Status CheckpointStore::EnsureTable(Session& s) const {
  return s
      .Exec("CREATE TABLE IF NOT EXISTS " + sql::QuoteIdent(table_) +
            " (\n"
            "  revision VARCHAR(64) NOT NULL,\n"
            "  step INT NOT NULL,\n"
            "  seq BIGINT NOT NULL,\n"
            "  kind VARCHAR(16) NOT NULL,\n"
            "  lo_key MEDIUMTEXT NULL,\n"
            "  hi_key MEDIUMTEXT NULL,\n"
            "  max_rows INT NOT NULL DEFAULT 0,\n"
            "  done TINYINT NOT NULL DEFAULT 0,\n"
            "  rows_done BIGINT UNSIGNED NOT NULL DEFAULT 0,\n"
            "  keys_done BIGINT UNSIGNED NOT NULL DEFAULT 0,\n"
            "  chunks_done BIGINT UNSIGNED NOT NULL DEFAULT 0,\n"
            "  last_seq BIGINT NOT NULL DEFAULT 0,\n"
            "  updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)\n"
            "    ON UPDATE CURRENT_TIMESTAMP(6),\n"
            "  PRIMARY KEY (revision, step, seq)\n"
            ")")
      .status();
}

namespace {

// Folds the rows of one (revision, step) into a state.
Result<CheckpointState> Fold(const ResultSet& rs) {
  CheckpointState st;
  const int seq = rs.Column("seq"), kind = rs.Column("kind"), lo = rs.Column("lo_key"),
            hi = rs.Column("hi_key"), max_rows = rs.Column("max_rows"), done = rs.Column("done"),
            rows = rs.Column("rows_done"), keys = rs.Column("keys_done"),
            chunks = rs.Column("chunks_done"), last = rs.Column("last_seq");
  for (const Row& r : rs.rows) {
    st.exists = true;
    const std::string k = r[kind].value_or("");
    st.last_seq = std::max({st.last_seq, I64(r[seq]), I64(r[last])});
    const bool is_done = U64(r[done]) != 0;
    if (k == "summary") {
      st.complete = is_done;
      st.rows_done += U64(r[rows]);
      st.keys_done += U64(r[keys]);
      st.chunks_done += U64(r[chunks]);
      continue;
    }
    if (k == "chunk" && is_done) {
      st.rows_done += U64(r[rows]);
      st.keys_done += U64(r[keys]);
      st.chunks_done += 1;
      continue;
    }
    CheckpointInterval iv;
    iv.seq = I64(r[seq]);
    iv.max_rows = static_cast<int>(I64(r[max_rows]));
    SLUICE_ASSIGN(iv.range.lo, chunk::DecodeBound(r[lo]));
    SLUICE_ASSIGN(iv.range.hi, chunk::DecodeBound(r[hi]));
    st.todo.push_back(std::move(iv));
  }
  // Keep the walk roughly in key order: older rows first.
  std::sort(st.todo.begin(), st.todo.end(),
            [](const auto& a, const auto& b) { return a.seq < b.seq; });
  return st;
}

constexpr const char* kColumns =
    "seq, kind, lo_key, hi_key, max_rows, done, rows_done, keys_done, chunks_done, last_seq";

}  // namespace

Result<CheckpointState> CheckpointStore::Load(Session& s) const {
  SLUICE_ASSIGN(ResultSet rs, s.Query(fmt::format("SELECT {} FROM {} WHERE {}", kColumns,
                                                  sql::QuoteIdent(table_), Where())));
  return Fold(rs);
}

Result<CheckpointStore::Plan> CheckpointStore::StartPlan(
    Session& s, const std::vector<chunk::KeyRange>& fresh) const {
  Plan plan;
  Status st = InTransaction(s, [&]() -> Status {
    SLUICE_ASSIGN(ResultSet rs, s.Query(fmt::format("SELECT {} FROM {} WHERE {} FOR UPDATE",
                                                    kColumns, sql::QuoteIdent(table_), Where())));
    SLUICE_ASSIGN(plan.state, Fold(rs));
    plan.intervals.clear();
    if (plan.state.complete) return Status::Ok();
    int64_t seq = plan.state.last_seq;
    if (plan.state.exists) {
      for (CheckpointInterval iv : plan.state.todo) {
        iv.seq = ++seq;
        plan.intervals.push_back(std::move(iv));
      }
    } else {
      for (const chunk::KeyRange& r : fresh) {
        CheckpointInterval iv;
        iv.seq = ++seq;
        iv.range = r;
        plan.intervals.push_back(std::move(iv));
      }
    }
    SLUICE_TRY(s.Exec(
        fmt::format("DELETE FROM {} WHERE {} AND seq > 0", sql::QuoteIdent(table_), Where())));
    SLUICE_TRY(s.Exec(fmt::format(
        "INSERT INTO {} (revision, step, seq, kind, done, rows_done, keys_done, chunks_done, "
        "last_seq) VALUES ({}, {}, 0, 'summary', 0, {}, {}, {}, {}) ON DUPLICATE KEY UPDATE "
        "rows_done = VALUES(rows_done), keys_done = VALUES(keys_done), "
        "chunks_done = VALUES(chunks_done), last_seq = VALUES(last_seq)",
        sql::QuoteIdent(table_), sql::QuoteString(revision_), step_, plan.state.rows_done,
        plan.state.keys_done, plan.state.chunks_done, seq)));
    for (const CheckpointInterval& iv : plan.intervals) {
      SLUICE_TRY(
          s.Exec(fmt::format("INSERT INTO {} (revision, step, seq, kind, lo_key, hi_key, max_rows) "
                             "VALUES ({}, {}, {}, 'interval', {}, {}, {})",
                             sql::QuoteIdent(table_), sql::QuoteString(revision_), step_, iv.seq,
                             Bound(iv.range.lo), Bound(iv.range.hi), iv.max_rows)));
    }
    return Status::Ok();
  });
  if (!st.ok()) return st.error();
  return plan;
}

Status CheckpointStore::RecordChunk(Session& s, const CheckpointChunk& c, int64_t interval_seq,
                                    const std::optional<chunk::KeyRange>& rest) const {
  bool already = false;
  Status st = InTransaction(s, [&]() -> Status {
    auto ins =
        s.Exec(fmt::format("INSERT INTO {} (revision, step, seq, kind, lo_key, hi_key, keys_done) "
                           "VALUES ({}, {}, {}, 'chunk', {}, {}, {})",
                           sql::QuoteIdent(table_), sql::QuoteString(revision_), step_, c.seq,
                           Bound(c.range.lo), Bound(c.range.hi), c.keys));
    if (!ins.ok() && ins.error().code == kDuplicateKey) {
      already = true;  // an earlier attempt committed: roll this one back
      return ins.error();
    }
    SLUICE_TRY(ins);
    if (rest) {
      return s
          .Exec(fmt::format("UPDATE {} SET lo_key = {} WHERE {} AND seq = {}",
                            sql::QuoteIdent(table_), Bound(rest->lo), Where(), interval_seq))
          .status();
    }
    return s
        .Exec(fmt::format("DELETE FROM {} WHERE {} AND seq = {}", sql::QuoteIdent(table_), Where(),
                          interval_seq))
        .status();
  });
  return already ? Status::Ok() : st;
}

std::string CheckpointStore::MarkDoneSql(int64_t seq, uint64_t rows, uint64_t keys) const {
  return fmt::format(
      "UPDATE {} SET done = 1, rows_done = {}, keys_done = {} WHERE {} AND seq = {} AND done = 0",
      sql::QuoteIdent(table_), rows, keys, Where(), seq);
}

Result<bool> CheckpointStore::LockAndCheckDone(Session& s, int64_t seq) const {
  SLUICE_ASSIGN(ResultSet rs, s.Query(fmt::format("SELECT done FROM {} WHERE {} AND seq = {} "
                                                  "FOR UPDATE",
                                                  sql::QuoteIdent(table_), Where(), seq)));
  if (rs.rows.empty()) return true;
  return U64(rs.rows[0][0]) != 0;
}

Result<uint64_t> CheckpointStore::DoneRows(Session& s, int64_t seq) const {
  SLUICE_ASSIGN(ResultSet rs, s.Query(fmt::format("SELECT rows_done FROM {} WHERE {} AND seq = {}",
                                                  sql::QuoteIdent(table_), Where(), seq)));
  if (rs.rows.empty()) return uint64_t{0};
  return U64(rs.rows[0][0]);
}

Status CheckpointStore::Requeue(Session& s, int64_t chunk_seq,
                                const CheckpointInterval& interval) const {
  bool already = false;
  Status st = InTransaction(s, [&]() -> Status {
    auto ins = s.Exec(
        fmt::format("INSERT INTO {} (revision, step, seq, kind, lo_key, hi_key, max_rows) "
                    "VALUES ({}, {}, {}, 'interval', {}, {}, {})",
                    sql::QuoteIdent(table_), sql::QuoteString(revision_), step_, interval.seq,
                    Bound(interval.range.lo), Bound(interval.range.hi), interval.max_rows));
    if (!ins.ok() && ins.error().code == kDuplicateKey) {
      already = true;
      return ins.error();
    }
    SLUICE_TRY(ins);
    return s
        .Exec(fmt::format("DELETE FROM {} WHERE {} AND seq = {} AND done = 0",
                          sql::QuoteIdent(table_), Where(), chunk_seq))
        .status();
  });
  return already ? Status::Ok() : st;
}

Status CheckpointStore::Complete(Session& s) const {
  return InTransaction(s, [&]() -> Status {
    SLUICE_ASSIGN(ResultSet rs, s.Query(fmt::format("SELECT {} FROM {} WHERE {} FOR UPDATE",
                                                    kColumns, sql::QuoteIdent(table_), Where())));
    SLUICE_ASSIGN(CheckpointState st, Fold(rs));
    if (!st.todo.empty()) {
      return RuntimeError(fmt::format("checkpoint of {} step {}: {} ranges are not done", revision_,
                                      step_, st.todo.size()));
    }
    SLUICE_TRY(s.Exec(
        fmt::format("DELETE FROM {} WHERE {} AND seq > 0", sql::QuoteIdent(table_), Where())));
    return s
        .Exec(fmt::format("INSERT INTO {} (revision, step, seq, kind, done, rows_done, keys_done, "
                          "chunks_done, last_seq) VALUES ({}, {}, 0, 'summary', 1, {}, {}, {}, {}) "
                          "ON DUPLICATE KEY UPDATE done = 1, rows_done = VALUES(rows_done), "
                          "keys_done = VALUES(keys_done), chunks_done = VALUES(chunks_done), "
                          "last_seq = VALUES(last_seq)",
                          sql::QuoteIdent(table_), sql::QuoteString(revision_), step_, st.rows_done,
                          st.keys_done, st.chunks_done, st.last_seq))
        .status();
  });
}

Status CheckpointStore::Clear(Session& s, const std::string& table, const std::string& revision) {
  auto r = s.Exec(fmt::format("DELETE FROM {} WHERE revision = {}", sql::QuoteIdent(table),
                              sql::QuoteString(revision)));
  if (!r.ok() && r.error().code == 1146) return Status::Ok();  // no table: nothing recorded
  return r.status();
}

}  // namespace sluice
