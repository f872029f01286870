#include "mysql/lock_first.h"

#include <chrono>
#include <random>

#include <fmt/format.h>

#include "engine/log.h"

namespace sluice::mysql {
namespace {

constexpr int kLockWaitTimeout = 1205;  // MariaDB's NOWAIT fails with it
constexpr int kLockNowait = 3572;       // MySQL 8's NOWAIT error
constexpr double kWarnEveryS = 30;

double Since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

Status RunLockFirst(Session& s, const std::string& lock_sql, RunControl& control,
                    const std::string& what, const std::function<Status(bool holding)>& body,
                    double budget_s) {
  const auto t0 = std::chrono::steady_clock::now();
  double warned_at = 0;
  thread_local std::mt19937 rng(std::random_device{}());
  for (int tries = 0;; ++tries) {
    const bool lock_first = !lock_sql.empty();
    SLUICE_TRY(s.Exec("SET TRANSACTION ISOLATION LEVEL READ COMMITTED"));
    SLUICE_TRY(s.Exec("START TRANSACTION"));
    Status st = lock_first ? s.Query(lock_sql).status() : Status::Ok();
    const bool busy = !st.ok() && (st.error().code == kLockWaitTimeout ||
                                   st.error().code == kLockNowait);
    if (st.ok()) st = body(lock_first);
    if (st.ok()) return s.Exec("COMMIT").status();
    (void)s.Exec("ROLLBACK");
    if (!busy || control.stopping()) return st;
    const double spent = Since(t0);
    if (spent > budget_s) {
      Error e = st.error();
      e.message = fmt::format("{}: a source row is still locked by another transaction after "
                              "{:.1f} s: {}", what, spent, e.message);
      return e;
    }
    // Never a waiting read instead: holding some of the rows' locks while
    // waiting for another, sluice could be in a cycle with the application,
    // and InnoDB would pick the application as the victim.
    if (spent - warned_at > kWarnEveryS) {
      warned_at = spent;
      spdlog::warn("{}: a source row has been locked by other transactions for {:.0f} s; "
                   "waiting for them (sluice does not wait on the application's locks)",
                   what, spent);
    }
    // 1, 2, 4 ... 32 ms, jittered: application transactions are short.
    const int ms = std::uniform_int_distribution<int>(1, 1 << std::min(tries, 5))(rng);
    spdlog::debug("{}: a source row is locked by another transaction; retrying in {} ms", what,
                  ms);
    control.SleepFor(std::chrono::milliseconds(ms));
  }
}

}  // namespace sluice::mysql
