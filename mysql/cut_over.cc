#include "mysql/cut_over.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <thread>

#include "engine/log.h"
#include "engine/sql/quote.h"
#include "mysql/triggers.h"

namespace sluice::mysql {
namespace {

using sql::QuoteIdent;
using sql::QuoteString;
using sql::QuoteTable;

constexpr int kLockWaitTimeout = 1205;
constexpr int kDeadlock = 1213;
constexpr int kRenameExtraWaitS = 10;
constexpr const char* kSentryColumn = "sluice_cut_over_sentry";
constexpr const char* kSentryComment = "sluice cut-over sentry: nothing swapped yet";
constexpr const char* kWaitingForMdl = "Waiting for table metadata lock";

Status SetLockWait(Session& s, int seconds) {
  return s.Exec(fmt::format("SET SESSION lock_wait_timeout = {}", seconds)).status();
}

Result<std::string> ConnectionId(Session& s) {
  SLUICE_ASSIGN(ResultSet rs, s.Query("SELECT CONNECTION_ID()"));
  if (rs.rows.empty()) return RuntimeError("SELECT CONNECTION_ID(): no row");
  return rs.rows[0][0].value_or("0");
}

// Whether connection `id` waits for a metadata lock (B's RENAME behind A).
Result<bool> RenameQueued(Session& s, const std::string& id) {
  for (int i = 0; i < 200; ++i) {
    SLUICE_ASSIGN(ResultSet rs,
                  s.Query(fmt::format("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE "
                                      "ID = {} AND STATE = {}",
                                      id, QuoteString(kWaitingForMdl))));
    if (!rs.rows.empty() && rs.rows[0][0].value_or("0") != "0") return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

bool IsDdl(const std::string& statement) {
  size_t i = 0;
  for (;;) {  // skip blanks and /* comments */
    while (i < statement.size() && std::isspace(static_cast<unsigned char>(statement[i]))) ++i;
    if (statement.compare(i, 2, "/*") != 0) break;
    size_t end = statement.find("*/", i + 2);
    if (end == std::string::npos) return false;
    i = end + 2;
  }
  std::string word;
  while (i < statement.size() && std::isalpha(static_cast<unsigned char>(statement[i]))) {
    word += static_cast<char>(std::toupper(static_cast<unsigned char>(statement[i++])));
  }
  for (const char* ddl : {"ALTER", "CREATE", "DROP", "RENAME", "TRUNCATE", "OPTIMIZE", "REPAIR"}) {
    if (word == ddl) return true;
  }
  return false;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A DDL of another session waiting for a metadata lock while A holds the
// tables: it may be queued ahead of B's RENAME. The processlist does not say
// which lock a session waits for, so any DDL whose text names the table (or
// its shadow) counts; the attempt is simply retried. Needs PROCESS to see
// other users' sessions.
std::string DdlQueuedAhead(Session& s, const ShadowNames& n, const std::string& own_id,
                           const std::string& renamer_id) {
  auto rs = s.Query(fmt::format(
      "SELECT ID, INFO FROM information_schema.PROCESSLIST WHERE ID NOT IN ({}, {}) AND STATE = "
      "{} AND INFO IS NOT NULL",
      own_id, renamer_id, QuoteString(kWaitingForMdl)));
  if (!rs.ok()) return "";
  for (const auto& row : rs->rows) {
    std::string info = row[1].value_or("");
    std::string text = Lower(info);
    bool names_ours = text.find(Lower(n.table.name)) != std::string::npos ||
                      text.find(Lower(n.shadow.name)) != std::string::npos;
    if (IsDdl(info) && names_ours)
      return fmt::format("connection {}: {}", row[0].value_or("?"), info);
  }
  return "";
}

std::string JoinSql(const std::vector<std::string>& stmts) {
  std::string out;
  for (const auto& s : stmts) out += s + "; ";
  return out;
}

}  // namespace

std::string CutOverSql(const ShadowNames& n) {
  return fmt::format("RENAME TABLE {} TO {}, {} TO {}", QuoteTable(n.table), QuoteTable(n.old),
                     QuoteTable(n.shadow), QuoteTable(n.table));
}

std::vector<std::string> CleanUpSql(const ShadowNames& n) {
  std::vector<std::string> out = DropTriggerSql(n);
  out.push_back("DROP TABLE IF EXISTS " + QuoteTable(n.shadow));
  return out;
}

Status RetryLockWaits(const CutOverOptions& opts, RunControl& control, const std::string& what,
                      const std::function<Status()>& attempt_fn) {
  int backoff = opts.backoff_ms;
  Error last;
  for (int attempt = 1; attempt <= opts.attempts; ++attempt) {
    Status r = attempt_fn();
    if (r.ok()) return Status::Ok();
    last = r.error();
    if (last.code != kLockWaitTimeout && last.code != kDeadlock) return last;
    spdlog::warn(
        "{}: attempt {}/{} could not get the metadata lock within {} s ({}); "
        "retrying in {} ms",
        what, attempt, opts.attempts, opts.lock_wait_timeout_s, last.message, backoff);
    if (attempt == opts.attempts) break;
    if (!control.SleepFor(std::chrono::milliseconds(backoff))) {
      return RuntimeError(fmt::format("{}: stopped while waiting for the metadata lock", what));
    }
    backoff = std::min(backoff * 2, 4000);
  }
  Error e = last;
  e.cls = ErrorClass::kFatal;
  e.message = fmt::format(
      "{}: gave up after {} attempts: a long-running transaction or query holds a metadata "
      "lock on the table (each attempt waited {} s): {}",
      what, opts.attempts, opts.lock_wait_timeout_s, last.message);
  return e;
}

Status ExecWithShortLock(Session& s, const std::string& sql, const CutOverOptions& opts,
                         RunControl& control, const std::string& what) {
  SLUICE_TRY(SetLockWait(s, opts.lock_wait_timeout_s));
  return RetryLockWaits(opts, control, what, [&] { return s.Exec(sql).status(); });
}

std::string CreateSentrySql(const ShadowNames& n) {
  return fmt::format("CREATE TABLE IF NOT EXISTS {} ({} INT NULL) ENGINE=InnoDB COMMENT={}",
                     QuoteTable(n.old), QuoteIdent(kSentryColumn), QuoteString(kSentryComment));
}

Result<bool> IsSentry(Session& s, const ShadowNames& n) {
  SLUICE_ASSIGN(ResultSet rs,
                s.Query(fmt::format("SELECT TABLE_COMMENT FROM information_schema.TABLES WHERE "
                                    "TABLE_SCHEMA = {} AND TABLE_NAME = {}",
                                    QuoteString(n.old.schema), QuoteString(n.old.name))));
  return !rs.rows.empty() && rs.rows[0][0].value_or("") == kSentryComment;
}

Status CutOver(SessionFactory& sessions, Session& s, const ShadowNames& n,
               const CutOverOptions& opts, RunControl& control, const CutOverHooks& hooks) {
  SLUICE_ASSIGN(std::unique_ptr<Session> renamer, sessions.Open());
  SLUICE_ASSIGN(std::string renamer_id, ConnectionId(*renamer));
  SLUICE_ASSIGN(std::string own_id, ConnectionId(s));
  // B only ever waits for A, who holds the lock for milliseconds.
  SLUICE_TRY(SetLockWait(*renamer, opts.lock_wait_timeout_s + kRenameExtraWaitS));
  SLUICE_TRY(SetLockWait(s, opts.lock_wait_timeout_s));
  SLUICE_TRY(s.Exec(CreateSentrySql(n)));
  Status done =
      RetryLockWaits(opts, control, "cut-over of " + QuoteTable(n.table), [&]() -> Status {
        SLUICE_TRY(s.Exec(CreateSentrySql(n)));  // a failed attempt may have dropped it
        SLUICE_TRY(
            s.Exec(fmt::format("LOCK TABLES {} WRITE, {} WRITE, {} WRITE", QuoteTable(n.table),
                               QuoteTable(n.shadow), QuoteTable(n.old))));
        Status verified = hooks.check ? hooks.check(s) : Status::Ok();
        if (!verified.ok()) {
          (void)s.Exec("UNLOCK TABLES");
          return verified;
        }
        Status renamed;
        std::thread rename([&] { renamed = renamer->Exec(CutOverSql(n)).status(); });
        auto waiting = RenameQueued(s, renamer_id);
        std::string ahead =
            waiting.ok() && *waiting ? DdlQueuedAhead(s, n, own_id, renamer_id) : "";
        bool go = waiting.ok() && *waiting && ahead.empty();
        Status prepared;
        if (go && hooks.prepare) {
          prepared = hooks.prepare(s);
          go = prepared.ok();
        }
        // Without the sentry dropped, B's RENAME fails (1050) as soon as A unlocks.
        if (go && !s.Exec("DROP TABLE " + QuoteTable(n.old)).ok()) {
          go = false;
          if (hooks.undo) (void)hooks.undo(s);
        }
        (void)s.Exec("UNLOCK TABLES");
        rename.join();
        if (!prepared.ok()) return prepared;
        if (go && !renamed.ok() && hooks.undo) (void)hooks.undo(s);  // not swapped after all
        if (go) return renamed;
        Error e = RuntimeError(
            !ahead.empty()  ? "another session's DDL is queued for the table: " + ahead
            : !waiting.ok() ? waiting.error().message
                            : std::string("the RENAME did not reach the lock queue in time"));
        e.code = kLockWaitTimeout;  // retried like a lock wait
        return e;
      });
  if (!done.ok()) {
    (void)s.Exec("UNLOCK TABLES");
    auto sentry = IsSentry(s, n);
    if (sentry.ok() && *sentry) (void)s.Exec("DROP TABLE IF EXISTS " + QuoteTable(n.old));
    return done;
  }
  spdlog::info("cut-over: {} is now the altered table; the original is {}", QuoteTable(n.table),
               QuoteTable(n.old));
  return Status::Ok();
}

Status RenameShadowIntoPlace(Session& s, const ShadowNames& n) {
  SLUICE_TRY(s.Exec("SET SESSION foreign_key_checks = 0"));
  Status renamed =
      s.Exec(fmt::format("ALTER TABLE {} RENAME TO {}", QuoteTable(n.shadow), QuoteTable(n.table)))
          .status();
  (void)s.Exec("SET SESSION foreign_key_checks = 1");
  if (renamed.ok()) return renamed;
  Error e = renamed.error();
  e.cls = ErrorClass::kFatal;
  e.message = fmt::format(
      "drop-swap: {} is dropped but {} could not take its name ({}); the altered table with "
      "all rows is {}: SET foreign_key_checks = 0; RENAME TABLE {} TO {}",
      QuoteTable(n.table), QuoteTable(n.shadow), e.message, QuoteTable(n.shadow),
      QuoteTable(n.shadow), QuoteTable(n.table));
  return e;
}

Status DropSwapCutOver(Session& s, const ShadowNames& n, const CutOverOptions& opts,
                       RunControl& control, const CutOverHooks& hooks) {
  SLUICE_TRY(SetLockWait(s, opts.lock_wait_timeout_s));
  Status done = RetryLockWaits(
      opts, control, "drop-swap cut-over of " + QuoteTable(n.table), [&]() -> Status {
        SLUICE_TRY(s.Exec(fmt::format("LOCK TABLES {} WRITE, {} WRITE", QuoteTable(n.table),
                                      QuoteTable(n.shadow))));
        Status ready = hooks.check ? hooks.check(s) : Status::Ok();
        if (ready.ok() && hooks.prepare) ready = hooks.prepare(s);
        if (ready.ok()) {
          SLUICE_TRY(s.Exec("SET SESSION foreign_key_checks = 0"));  // this session only
          ready = s.Exec("DROP TABLE " + QuoteTable(n.table)).status();
          (void)s.Exec("SET SESSION foreign_key_checks = 1");
          if (!ready.ok() && hooks.undo) (void)hooks.undo(s);
          if (ready.ok()) ready = RenameShadowIntoPlace(s, n);
        }
        (void)s.Exec("UNLOCK TABLES");
        return ready;
      });
  if (!done.ok()) return done;
  spdlog::info("drop-swap cut-over: dropped the original {} and renamed {} into its place",
               QuoteTable(n.table), QuoteTable(n.shadow));
  return Status::Ok();
}

Status FinishCutOver(Session& s, const ShadowNames& n, bool keep_old_table,
                     const CutOverOptions& opts, RunControl& control) {
  for (const std::string& drop : DropTriggerSql(n)) {
    SLUICE_TRY(ExecWithShortLock(s, drop, opts, control, "dropping the copy triggers"));
  }
  if (keep_old_table) {
    spdlog::info("kept the original table as {}", QuoteTable(n.old));
    return Status::Ok();
  }
  SLUICE_TRY(ExecWithShortLock(s, "DROP TABLE IF EXISTS " + QuoteTable(n.old), opts, control,
                               "dropping the original table"));
  return Status::Ok();
}

Status CleanUpShadow(Session& s, const ShadowNames& n, const CutOverOptions& opts) {
  RunControl local;  // clean-up must run even when the run is stopping
  for (const std::string& drop : DropTriggerSql(n)) {
    Status st = ExecWithShortLock(s, drop, opts, local, "dropping the copy triggers");
    if (!st.ok()) {
      // Keep the shadow: with the triggers still there, writes to t need it.
      Error e = st.error();
      e.message += fmt::format(
          "; the triggers and {} are still there. Remove them by hand "
          "once the lock is free: {}",
          QuoteTable(n.shadow), JoinSql(CleanUpSql(n)));
      return e;
    }
  }
  auto r = s.Exec("DROP TABLE IF EXISTS " + QuoteTable(n.shadow));
  if (!r.ok()) {
    Error e = r.error();
    e.message = fmt::format("cannot drop {}: {}; drop it by hand", QuoteTable(n.shadow), e.message);
    return e;
  }
  spdlog::info("cleaned up: dropped the copy triggers and {}", QuoteTable(n.shadow));
  return Status::Ok();
}

}  // namespace sluice::mysql
