#include "mysql/binlog_capture.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <limits>
#include <random>

#include "engine/log.h"
#include "engine/sql/lexer.h"
#include "engine/sql/quote.h"
#include "mysql/lock_first.h"

namespace sluice::mysql {
namespace {

using sql::QuoteString;
using sql::QuoteTable;

constexpr size_t kApplyBatch = 256;  // keys per apply transaction
// How long an apply batch of several keys tries for their locks before it
// splits: one hot row must not hold up the other keys.
constexpr double kSplitAfterS = 1;
constexpr int kStreamReconnects = 10;
constexpr int kApplyRetries = 8;
constexpr int kDeadlock = 1213;
constexpr int kLockWaitTimeout = 1205;

Result<std::string> Variable(Session& s, const std::string& name) {
  SLUICE_ASSIGN(ResultSet rs, s.Query("SHOW GLOBAL VARIABLES LIKE " + QuoteString(name)));
  if (rs.rows.empty()) return std::string();
  return rs.rows[0][1].value_or("");
}

bool Retryable(const Error& e) {
  return e.cls == ErrorClass::kRetry || e.code == kDeadlock || e.code == kLockWaitTimeout;
}

bool SameName(const std::string& a, const std::string& b, bool fold) {
  if (!fold) return a == b;
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

Result<std::string> BinlogUnusable(Session& s) {
  SLUICE_ASSIGN(std::string log_bin, Variable(s, "log_bin"));
  if (log_bin != "ON") return std::string("the binary log is off (log_bin=OFF)");
  SLUICE_ASSIGN(std::string format, Variable(s, "binlog_format"));
  if (format != "ROW") return fmt::format("binlog_format is {}, not ROW", format);
  SLUICE_ASSIGN(std::string image, Variable(s, "binlog_row_image"));
  if (!image.empty() && image != "FULL") return fmt::format("binlog_row_image is {}, not FULL", image);
  SLUICE_ASSIGN(std::string compress, Variable(s, "log_bin_compress"));
  if (compress == "ON") return std::string("the binary log is compressed (log_bin_compress=ON)");
  // Temporal columns in the pre-10.0 format have no binlog metadata and
  // sizes the row decoder cannot tell.
  SLUICE_ASSIGN(std::string temporal, Variable(s, "mysql56_temporal_format"));
  if (temporal == "OFF") {
    return std::string("mysql56_temporal_format is OFF (old-format temporal columns)");
  }
  return std::string();
}

Result<BinlogPosition> BinlogEnd(Session& s) {
  SLUICE_ASSIGN(ResultSet rs, s.Query("SHOW MASTER STATUS"));
  if (rs.rows.empty() || rs.rows[0].size() < 2) {
    return RuntimeError("SHOW MASTER STATUS shows no binary log (is log_bin on?)");
  }
  BinlogPosition p;
  p.file = rs.rows[0][0].value_or("");
  p.pos = std::stoull(rs.rows[0][1].value_or("0"));
  return p;
}

Result<bool> BinlogAvailable(Session& s, const BinlogPosition& pos) {
  SLUICE_ASSIGN(ResultSet rs, s.Query("SHOW BINARY LOGS"));
  for (const auto& row : rs.rows) {
    if (row[0].value_or("") == pos.file) return true;
  }
  return false;
}

Result<std::vector<BinlogKeyColumn>> BinlogKey(Session& s, const CopyPlan& p) {
  SLUICE_ASSIGN(ResultSet rs,
                s.Query(fmt::format("SELECT COLUMN_NAME, ORDINAL_POSITION, DATA_TYPE, COLUMN_TYPE, "
                                    "CHARACTER_SET_NAME FROM information_schema.COLUMNS WHERE "
                                    "TABLE_SCHEMA = {} AND TABLE_NAME = {}",
                                    QuoteString(p.names.table.schema),
                                    QuoteString(p.names.table.name))));
  std::vector<BinlogKeyColumn> out;
  for (const auto& name : p.old_key) {
    bool found = false;
    for (const auto& row : rs.rows) {
      if (row[0].value_or("") != name) continue;
      const std::string type = row[2].value_or("");
      if (!BinlogKeyTypeSupported(type)) {
        return InputError(fmt::format(
            "the binlog capture finds rows by integer and string keys only; key column {} of {} "
            "is {}",
            sql::QuoteIdent(name), QuoteTable(p.names.table), row[3].value_or(type)));
      }
      BinlogKeyColumn c;
      c.index = std::stoi(row[1].value_or("1")) - 1;
      c.is_signed = row[3].value_or("").find("unsigned") == std::string::npos;
      c.charset = row[4].value_or("binary");
      out.push_back(c);
      found = true;
    }
    if (!found) return RuntimeError("key column " + name + " not found in information_schema");
  }
  return out;
}

BinlogCapture::BinlogCapture(Dsn dsn, SessionFactory& sessions, CopyPlan plan,
                             std::vector<BinlogKeyColumn> key, std::string lock_clause,
                             Record record)
    : dsn_(std::move(dsn)),
      sessions_(sessions),
      plan_(std::move(plan)),
      key_(std::move(key)),
      lock_clause_(std::move(lock_clause)),
      record_(std::move(record)),
      ids_(std::random_device{}()) {}

uint32_t BinlogCapture::NewServerId() {
  // A replica id for each stream: a dump registering under an id the server
  // still has kills the other one (error 4052), and a closed stream's dump
  // can register after the next one opened (seen: the start's probe killed
  // the reader 4 ms later).
  return std::uniform_int_distribution<uint32_t>(1u << 30, 0xFFFFFFF0u)(ids_);
}

BinlogCapture::~BinlogCapture() { Stop(); }

Status BinlogCapture::Start(const BinlogPosition& from, RunControl& control) {
  // The first open here, so that a refusal (privileges, a purged file) is the
  // caller's error, not a failure found later.
  SLUICE_ASSIGN(auto probe, BinlogReader::Open(dsn_, from, NewServerId()));
  probe.reset();
  {
    SLUICE_ASSIGN(auto s, sessions_.Open());
    SLUICE_ASSIGN(ResultSet rs, s->Query("SELECT @@lower_case_table_names"));
    fold_names_ = !rs.rows.empty() && rs.rows[0][0].value_or("0") != "0";
  }
  {
    std::lock_guard<std::mutex> l(mu_);
    read_ = applied_ = from;
  }
  spdlog::info("capturing the changes to {} from the binary log at {}", QuoteTable(plan_.names.table),
               from.ToString());
  reader_ = std::thread([this, &control] { ReadLoop(control); });
  applier_ = std::thread([this, &control] { ApplyLoop(control); });
  return Status::Ok();
}

void BinlogCapture::Stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (reader_.joinable()) reader_.join();
  if (applier_.joinable()) applier_.join();
}

Status BinlogCapture::failure() const {
  std::lock_guard<std::mutex> l(mu_);
  if (failure_) return *failure_;
  return Status::Ok();
}

void BinlogCapture::Fail(const Error& e, RunControl& control) {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (!failure_) failure_ = e;
    stop_ = true;
  }
  cv_.notify_all();
  spdlog::error("binlog capture of {}: {}", QuoteTable(plan_.names.table), e.message);
  control.RequestAbort("the binlog capture failed: " + e.message);
}

bool BinlogCapture::IsTable(const std::string& schema, const std::string& table) const {
  return SameName(schema, plan_.names.table.schema, fold_names_) &&
         SameName(table, plan_.names.table.name, fold_names_);
}

bool BinlogCapture::NamesTable(const std::string& statement) const {
  auto tokens = sql::Tokenize(statement);
  if (!tokens.ok()) return true;  // unreadable: assume the worst
  for (const sql::Token& t : *tokens) {
    if ((t.kind == sql::TokenKind::kWord || t.kind == sql::TokenKind::kQuotedIdent) &&
        SameName(t.text, plan_.names.table.name, /*fold=*/true)) {
      return true;
    }
  }
  return false;
}

void BinlogCapture::ReadLoop(RunControl& control) {
  std::unique_ptr<BinlogReader> reader;
  int reconnects = 0;
  uint64_t table_id = ~uint64_t{0};
  std::string types, metadata;
  std::set<KeyLiterals> txn;
  bool in_txn = false;
  BinlogPosition last_next;  // where the stream stood before the current event
  // A group's keys go to the apply thread. That is safe even for a group
  // that did not commit: the apply re-reads the rows, lock-first.
  auto end_group = [&](const BinlogPosition& next) {
    {
      std::lock_guard<std::mutex> l(mu_);
      pending_.insert(txn.begin(), txn.end());
      if (read_ < next) read_ = next;
    }
    cv_.notify_all();
    txn.clear();
    in_txn = false;
  };
  auto stopped = [this] {
    std::lock_guard<std::mutex> l(mu_);
    return stop_;
  };
  while (!stopped()) {
    if (!reader) {
      BinlogPosition from;
      {
        std::lock_guard<std::mutex> l(mu_);
        from = read_;
      }
      auto opened = BinlogReader::Open(dsn_, from, NewServerId());
      last_next = from;
      if (!opened.ok()) {
        if (Retryable(opened.error()) && ++reconnects <= kStreamReconnects) {
          control.SleepFor(std::chrono::milliseconds(200));
          continue;
        }
        return Fail(opened.error(), control);
      }
      reader = std::move(opened).value();
      txn.clear();
      in_txn = false;
    }
    auto ev = reader->Next();
    if (!ev.ok()) {
      if (stopped()) return;
      if (Retryable(ev.error()) && ++reconnects <= kStreamReconnects) {
        spdlog::warn("binlog stream lost ({}); reconnecting", ev.error().message);
        reader.reset();
        continue;
      }
      return Fail(ev.error(), control);
    }
    reconnects = 0;
    using Kind = BinlogEvent::Kind;
    switch (ev->kind) {
      case Kind::kBegin:
        // A group that ended without a commit event we know: it is over.
        if (in_txn) end_group(last_next);
        in_txn = true;
        break;
      case Kind::kQuery:
        if (in_txn && NamesTable(ev->statement)) {
          return Fail(RuntimeError(fmt::format(
                          "the binary log holds a statement-logged change that names {} "
                          "(a session with binlog_format=STATEMENT or MIXED?), which the binlog "
                          "capture cannot follow: \"{}\". Nothing was swapped; rerun with "
                          "--capture triggers",
                          QuoteTable(plan_.names.table), ev->statement.substr(0, 200))),
                      control);
        }
        break;
      case Kind::kTableMap:
        if (IsTable(ev->schema, ev->table)) {
          table_id = ev->table_id;
          types = ev->column_types;
          metadata = ev->metadata;
        }
        break;
      case Kind::kWriteRows:
      case Kind::kUpdateRows:
      case Kind::kDeleteRows: {
        if (ev->table_id != table_id) break;
        if (!ev->all_columns) {
          return Fail(RuntimeError("a row event of " + QuoteTable(plan_.names.table) +
                                   " lacks columns: binlog_row_image must be FULL"),
                      control);
        }
        auto keys = DecodeRowKeys(types, metadata, ev->row_data, key_);
        if (!keys.ok()) return Fail(keys.error(), control);
        txn.insert(keys->begin(), keys->end());
        break;
      }
      case Kind::kCommit:
        end_group(ev->next);
        break;
      case Kind::kHeartbeat:
      case Kind::kOther:
        break;
    }
    if (!in_txn && ev->kind != Kind::kCommit) {
      // Between groups: everything up to here is handled.
      std::lock_guard<std::mutex> l(mu_);
      if (read_ < ev->next) read_ = ev->next;
      cv_.notify_all();
    }
    last_next = ev->next;
  }
}

Status BinlogCapture::Apply(Session& s, const std::vector<KeyLiterals>& keys, bool locked,
                            RunControl& control) {
  if (locked) {
    SLUICE_TRY(s.Exec(DeleteShadowKeysSql(plan_, keys)).status());
    SLUICE_TRY(s.Exec(ReplaceKeysSql(plan_, keys, false)).status());
  } else {
    const std::string lock_sql = lock_clause_.empty() ? "" : LockSourceKeysSql(plan_, keys, lock_clause_);
    const double budget = keys.size() > 1 ? kSplitAfterS : std::numeric_limits<double>::infinity();
    Status st = RunLockFirst(
        s, lock_sql, control, "binlog apply",
        [&](bool holding) -> Status {
          SLUICE_TRY(s.Exec(DeleteShadowKeysSql(plan_, keys)).status());
          return s.Exec(ReplaceKeysSql(plan_, keys, !holding)).status();
        },
        budget);
    if (!st.ok() && keys.size() > 1 && st.error().code == kLockWaitTimeout && !control.stopping()) {
      // A row stays locked: the other keys go on without it, in halves.
      const auto mid = keys.begin() + static_cast<std::ptrdiff_t>(keys.size() / 2);
      SLUICE_TRY(Apply(s, std::vector<KeyLiterals>(keys.begin(), mid), false, control));
      return Apply(s, std::vector<KeyLiterals>(mid, keys.end()), false, control);
    }
    SLUICE_TRY(st);
  }
  keys_applied_ += keys.size();
  return Status::Ok();
}

void BinlogCapture::ApplyLoop(RunControl& control) {
  std::unique_ptr<Session> s;
  auto last_record = std::chrono::steady_clock::now();
  BinlogPosition recorded;
  for (;;) {
    std::vector<KeyLiterals> batch;
    BinlogPosition to;
    {
      std::unique_lock<std::mutex> l(mu_);
      cv_.wait_for(l, std::chrono::milliseconds(50), [this] {
        return stop_ || (!hold_ && (!pending_.empty() || applied_ < read_));
      });
      if (stop_) return;
      if (hold_ || (pending_.empty() && !(applied_ < read_))) continue;
      batch.assign(pending_.begin(), pending_.end());
      pending_.clear();
      to = read_;
      applying_ = true;
    }
    Status st = Status::Ok();
    for (size_t at = 0; at < batch.size() && st.ok(); at += kApplyBatch) {
      std::vector<KeyLiterals> part(batch.begin() + at,
                                    batch.begin() + std::min(batch.size(), at + kApplyBatch));
      for (int attempt = 0;; ++attempt) {
        if (!s) {
          auto opened = sessions_.Open();
          if (!opened.ok()) {
            st = opened.status();
          } else {
            s = std::move(opened).value();
            st = Status::Ok();
          }
        }
        if (s) st = Apply(*s, part, false, control);
        if (st.ok() || !Retryable(st.error()) || attempt >= kApplyRetries) break;
        if (st.error().cls == ErrorClass::kRetry && st.error().code != kDeadlock) s.reset();
        control.SleepFor(std::chrono::milliseconds(10 << std::min(attempt, 5)));
      }
    }
    {
      std::lock_guard<std::mutex> l(mu_);
      applying_ = false;
      if (st.ok() && applied_ < to) applied_ = to;
    }
    cv_.notify_all();
    if (!st.ok()) return Fail(st.error(), control);
    const auto now = std::chrono::steady_clock::now();
    if (record_ && s && !(to == recorded) && now - last_record > std::chrono::seconds(1)) {
      if (record_(*s, to).ok()) recorded = to;
      last_record = now;
    }
  }
}

Status BinlogCapture::WaitApplied(const BinlogPosition& to, RunControl& control, bool read_only,
                                  double max_wait_s) {
  const auto t0 = std::chrono::steady_clock::now();
  double warned_at = 0;
  std::unique_lock<std::mutex> l(mu_);
  for (;;) {
    if (failure_) return *failure_;
    if (read_only ? to <= read_ : to <= applied_) return Status::Ok();
    if (stop_) return RuntimeError("the binlog capture stopped");
    if (control.aborted()) return RuntimeError("stopped: " + control.abort_reason());
    const double spent =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (max_wait_s > 0 && spent > max_wait_s) {
      Error e;
      e.code = kLockWaitTimeout;
      e.cls = ErrorClass::kRetry;
      e.message = fmt::format("the binlog capture of {} is at {}, behind {}, after {:.1f} s",
                              QuoteTable(plan_.names.table),
                              (read_only ? read_ : applied_).ToString(), to.ToString(), spent);
      return e;
    }
    if (spent - warned_at > 30) {
      warned_at = spent;
      spdlog::warn("waiting {:.0f} s for the binlog capture of {}: it has {} {}, the binary log "
                   "was at {}",
                   spent, QuoteTable(plan_.names.table), read_only ? "read to" : "applied up to",
                   (read_only ? read_ : applied_).ToString(), to.ToString());
    }
    cv_.wait_for(l, std::chrono::milliseconds(50));
  }
}

Status BinlogCapture::CatchUp(Session& s, RunControl& control, double max_wait_s) {
  SLUICE_ASSIGN(BinlogPosition end, BinlogEnd(s));
  return WaitApplied(end, control, /*read_only=*/false, max_wait_s);
}

void BinlogCapture::Hold() {
  std::unique_lock<std::mutex> l(mu_);
  hold_ = true;
  cv_.wait(l, [this] { return !applying_; });
}

void BinlogCapture::Release() {
  {
    std::lock_guard<std::mutex> l(mu_);
    hold_ = false;
  }
  cv_.notify_all();
}

Status BinlogCapture::Drain(Session& locked, RunControl& control, double max_wait_s) {
  SLUICE_ASSIGN(BinlogPosition end, BinlogEnd(locked));
  SLUICE_TRY(WaitApplied(end, control, /*read_only=*/true, max_wait_s));
  std::vector<KeyLiterals> rest;
  {
    std::lock_guard<std::mutex> l(mu_);
    rest.assign(pending_.begin(), pending_.end());
    pending_.clear();
  }
  SLUICE_ASSIGN(ResultSet mode, locked.Query("SELECT @@SESSION.sql_mode"));
  const std::string saved = mode.rows.empty() ? "" : mode.rows[0][0].value_or("");
  SLUICE_TRY(locked.Exec(fmt::format("SET SESSION sql_mode = {}", QuoteString(kCopySqlMode))));
  Status st = Status::Ok();
  for (size_t at = 0; at < rest.size() && st.ok(); at += kApplyBatch) {
    std::vector<KeyLiterals> part(rest.begin() + at,
                                  rest.begin() + std::min(rest.size(), at + kApplyBatch));
    st = Apply(locked, part, /*locked=*/true, control);
  }
  (void)locked.Exec(fmt::format("SET SESSION sql_mode = {}", QuoteString(saved)));
  if (!st.ok()) {
    // Not applied: they go back, for the next attempt.
    std::lock_guard<std::mutex> l(mu_);
    pending_.insert(rest.begin(), rest.end());
    return st;
  }
  {
    std::lock_guard<std::mutex> l(mu_);
    if (applied_ < end) applied_ = end;
  }
  spdlog::info("binlog capture: {} changed row(s) applied with the tables locked, up to {}",
               rest.size(), end.ToString());
  return Status::Ok();
}

}  // namespace sluice::mysql
