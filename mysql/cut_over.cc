#include "mysql/cut_over.h"

#include <fmt/format.h>

#include <algorithm>

#include "engine/log.h"
#include "engine/sql/quote.h"
#include "mysql/triggers.h"

namespace sluice::mysql {
namespace {

using sql::QuoteTable;

constexpr int kLockWaitTimeout = 1205;
constexpr int kDeadlock = 1213;

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

Status ExecWithShortLock(Session& s, const std::string& sql, const CutOverOptions& opts,
                         RunControl& control, const std::string& what) {
  SLUICE_TRY(s.Exec(fmt::format("SET SESSION lock_wait_timeout = {}", opts.lock_wait_timeout_s)));
  int backoff = opts.backoff_ms;
  Error last;
  for (int attempt = 1; attempt <= opts.attempts; ++attempt) {
    auto r = s.Exec(sql);
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

Status CutOver(Session& s, const ShadowNames& n, const CutOverOptions& opts, RunControl& control) {
  SLUICE_TRY(
      ExecWithShortLock(s, CutOverSql(n), opts, control, "cut-over of " + QuoteTable(n.table)));
  spdlog::info("cut-over: {} is now the altered table; the original is {}", QuoteTable(n.table),
               QuoteTable(n.old));
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
