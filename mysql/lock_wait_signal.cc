#include "mysql/lock_wait_signal.h"

#include <fmt/format.h>

#include <chrono>
#include <set>

#include "engine/exec/own_connections.h"
#include "engine/log.h"

namespace sluice::mysql {
namespace {

// Waiter, blocker and how long the waiter's statement has run (MariaDB's
// PROCESSLIST.TIME_MS: the wait is the statement's time so far). MySQL 8
// has no INNODB_LOCK_WAITS: there, performance_schema.data_lock_waits.
std::string WaitsSql(const ServerInfo& server) {
  if (server.flavor == Flavor::kMySQL && server.version.AtLeast(8)) {
    return "SELECT r.trx_mysql_thread_id, b.trx_mysql_thread_id, "
           "TIMESTAMPDIFF(MICROSECOND, r.trx_wait_started, NOW(6)) / 1000 "
           "FROM performance_schema.data_lock_waits w "
           "JOIN information_schema.INNODB_TRX r ON r.trx_id = w.REQUESTING_ENGINE_TRANSACTION_ID "
           "JOIN information_schema.INNODB_TRX b ON b.trx_id = w.BLOCKING_ENGINE_TRANSACTION_ID";
  }
  return "SELECT r.trx_mysql_thread_id, b.trx_mysql_thread_id, p.TIME_MS "
         "FROM information_schema.INNODB_LOCK_WAITS w "
         "JOIN information_schema.INNODB_TRX r ON r.trx_id = w.requesting_trx_id "
         "JOIN information_schema.INNODB_TRX b ON b.trx_id = w.blocking_trx_id "
         "JOIN information_schema.PROCESSLIST p ON p.ID = r.trx_mysql_thread_id";
}

// ER_SPECIFIC_ACCESS_DENIED (PROCESS), ER_TABLEACCESS_DENIED, ER_DBACCESS_DENIED.
bool IsAccessDenied(const Error& e) { return e.code == 1227 || e.code == 1142 || e.code == 1044; }

}  // namespace

LockWaitSignal::LockWaitSignal(SessionFactory& sessions, double budget_s)
    : sessions_(sessions), budget_s_(budget_s) {}

LockWaitSignal::~LockWaitSignal() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (sampler_.joinable()) sampler_.join();
}

Result<double> LockWaitSignal::Read() {
  if (!session_) {
    SLUICE_ASSIGN(session_, sessions_.Open());
  }
  // Reading the lock-wait views latches InnoDB's lock system, which stalls
  // every session: read them only while some lock wait exists at all.
  auto waits = session_->Query("SHOW GLOBAL STATUS LIKE 'Innodb_row_lock_current_waits'");
  if (!waits.ok()) {
    session_.reset();
    return waits.error();
  }
  const int value = waits->Column("Value");
  if (!waits->rows.empty() && value >= 0 && waits->rows[0][value] == std::string("0")) return 0.0;
  if (unreadable_) return 0.0;
  auto rs = session_->Query(WaitsSql(session_->server()));
  if (!rs.ok() && IsAccessDenied(rs.error())) {
    // The budget is on by default: an account without the PROCESS privilege
    // keeps the batch-time ceiling, and is told once what it does not get.
    spdlog::warn("--lock-wait-budget: cannot read InnoDB's lock waits ({}); batches still aim "
                 "no longer than the budget, but do not shrink on the application's waits. "
                 "Grant PROCESS to the migration account, or --lock-wait-budget 0 for none",
                 rs.error().message);
    unreadable_ = true;
    return 0.0;
  }
  if (!rs.ok()) {
    session_.reset();
    return rs.error();
  }
  const std::set<uint64_t> ours = OwnConnections::Snapshot();
  double worst_ms = 0;
  for (const auto& row : rs->rows) {
    if (row.size() < 3 || !row[0] || !row[1] || !row[2]) continue;
    const uint64_t waiter = std::stoull(*row[0]);
    const uint64_t blocker = std::stoull(*row[1]);
    // The application waiting on us; our own workers waiting on each other
    // are not the application's harm.
    if (ours.count(blocker) == 0 || ours.count(waiter) > 0) continue;
    worst_ms = std::max(worst_ms, std::stod(*row[2]));
  }
  return worst_ms / 1000;
}

void LockWaitSignal::Sample() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    lock.unlock();
    Result<double> wait = Read();
    lock.lock();
    if (wait.ok()) {
      worst_ = std::max(worst_, *wait);
    } else {
      error_ = wait.error();
    }
    wake_.wait_for(lock, std::chrono::duration<double>(kIntervalS), [this] { return stop_; });
  }
}

ThrottleDecision LockWaitSignal::Decide(double wait) const {
  ThrottleDecision d;
  d.lock_wait_s = wait;
  if (wait > budget_s_) {
    d.shrink = true;
    d.shrink_factor = budget_s_ / wait;
    d.shrink_reason = fmt::format("foreground lock wait {:.0f} ms > budget {:.0f} ms", wait * 1e3,
                                  budget_s_ * 1e3);
  }
  if (wait > kHoldFactor * budget_s_) {
    d.throttle = true;
    d.reason = d.shrink_reason;
  }
  return d;
}

Result<ThrottleDecision> LockWaitSignal::Check() {
  std::unique_lock<std::mutex> lock(mu_);
  if (!sampler_.joinable()) {  // read once here (no sampler shares the session yet)
    Result<double> first = Read();
    sampler_ = std::thread([this] { Sample(); });
    if (first.ok()) return Decide(*first);
    error_ = first.error();
  }
  // Unlike load or lag, this signal fails open: it only protects the
  // application from sluice's own locks, and holding batches because it
  // cannot read (a server that is gone) would keep the run from ever
  // reaching the retries that give up. The ceiling still applies.
  if (error_) {
    spdlog::debug("lock-wait: cannot read: {}", error_->ToString());
    error_.reset();
  }
  const double worst = worst_;
  worst_ = 0;
  return Decide(worst);
}

}  // namespace sluice::mysql
