#include "mysql/lock_first.h"

#include <chrono>
#include <random>

#include "engine/log.h"

namespace sluice::mysql {
namespace {

constexpr double kLockFirstBudgetS = 30;
constexpr int kLockWaitTimeout = 1205;  // MariaDB's NOWAIT fails with it
constexpr int kLockNowait = 3572;       // MySQL 8's NOWAIT error

}  // namespace

Status RunLockFirst(Session& s, const std::string& lock_sql, RunControl& control,
                    const std::string& what, const std::function<Status(bool holding)>& body) {
  const auto t0 = std::chrono::steady_clock::now();
  thread_local std::mt19937 rng(std::random_device{}());
  for (int tries = 0;; ++tries) {
    const double spent =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const bool lock_first = !lock_sql.empty() && spent < kLockFirstBudgetS;
    SLUICE_TRY(s.Exec("SET TRANSACTION ISOLATION LEVEL READ COMMITTED"));
    SLUICE_TRY(s.Exec("START TRANSACTION"));
    Status st = lock_first ? s.Query(lock_sql).status() : Status::Ok();
    const bool busy = !st.ok() && (st.error().code == kLockWaitTimeout ||
                                   st.error().code == kLockNowait);
    if (st.ok()) st = body(lock_first);
    if (st.ok()) return s.Exec("COMMIT").status();
    (void)s.Exec("ROLLBACK");
    if (!busy || control.stopping()) return st;
    // 1, 2, 4 ... 32 ms, jittered: application transactions are short.
    const int ms = std::uniform_int_distribution<int>(1, 1 << std::min(tries, 5))(rng);
    spdlog::debug("{}: a source row is locked by another transaction; retrying in {} ms", what,
                  ms);
    control.SleepFor(std::chrono::milliseconds(ms));
  }
}

}  // namespace sluice::mysql
