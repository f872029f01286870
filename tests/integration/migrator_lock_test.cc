// The migrator lock against the real server: a live holder fails the second
// migrator at once (exit 4); a holder whose process is gone (kill -9 just
// before a rerun) but whose lock the server still holds is waited for, and
// only for a bounded time. SERIAL: one test creates an account.
#include "engine/state/migrator_lock.h"

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "engine/state/history_store.h"
#include "tests/support/test_db.h"

namespace sluice::testing {
namespace {

class MigratorLockTest : public TestDatabase {
 protected:
  // Takes the lock on `holder` as a run of process `pid` on this host would.
  void HoldAs(Connection& holder, pid_t pid) {
    std::string here = HistoryStore::HostAndPid();
    std::string as = here.substr(0, here.rfind('/') + 1) + std::to_string(pid);
    std::string name = MigratorLock::LockName(db_name());
    ASSERT_EQ(holder.Query("SELECT GET_LOCK('" + name + "', 0)")->rows[0][0].value_or(""), "1");
    Exec(
        "CREATE TABLE IF NOT EXISTS sluice_lock (lock_name VARCHAR(64) NOT NULL, holder "
        "VARCHAR(255) NOT NULL, connection_id BIGINT NOT NULL, acquired_at DATETIME(6) NOT NULL, "
        "PRIMARY KEY (lock_name))");
    ASSERT_TRUE(holder
                    .Exec("REPLACE INTO sluice_lock VALUES ('" + name + "', '" + as +
                          "', CONNECTION_ID(), NOW(6))")
                    .ok());
  }
  // Takes the lock on `holder` as a run on another host would.
  void HoldAsElsewhere(Connection& holder) {
    std::string name = MigratorLock::LockName(db_name());
    ASSERT_EQ(holder.Query("SELECT GET_LOCK('" + name + "', 0)")->rows[0][0].value_or(""), "1");
    Exec(
        "CREATE TABLE IF NOT EXISTS sluice_lock (lock_name VARCHAR(64) NOT NULL, holder "
        "VARCHAR(255) NOT NULL, connection_id BIGINT NOT NULL, acquired_at DATETIME(6) NOT NULL, "
        "PRIMARY KEY (lock_name))");
    ASSERT_TRUE(holder
                    .Exec("REPLACE INTO sluice_lock VALUES ('" + name +
                          "', 'elsewhere.example/1', CONNECTION_ID(), NOW(6))")
                    .ok());
  }
  // A pid that ran and is gone.
  static pid_t DeadPid() {
    pid_t child = fork();
    if (child == 0) _exit(0);
    int status = 0;
    waitpid(child, &status, 0);
    return child;
  }
  static double Since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
};

TEST_F(MigratorLockTest, ALiveHolderFailsTheSecondMigratorAtOnce) {
  auto first = NewConnection();
  auto lock = MigratorLock::Acquire(*first, StateTables{}, 0);
  ASSERT_TRUE(lock.ok()) << lock.error().ToString();
  auto second = NewConnection();
  auto t0 = std::chrono::steady_clock::now();
  auto refused = MigratorLock::Acquire(*second, StateTables{}, 0);
  ASSERT_FALSE(refused.ok());
  EXPECT_LT(Since(t0), 1.0);
  EXPECT_EQ(refused.error().exit, ExitCode::kLockHeld);
  EXPECT_NE(refused.error().message.find(HistoryStore::HostAndPid()), std::string::npos)
      << refused.error().message;
}

TEST_F(MigratorLockTest, AGoneHolderIsWaitedForUntilTheServerReleasesTheLock) {
  auto holder = NewConnection();
  HoldAs(*holder, DeadPid());
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    holder.reset();  // the server notices the dead connection only now
  });
  auto rerun = NewConnection();
  auto t0 = std::chrono::steady_clock::now();
  auto lock = MigratorLock::Acquire(*rerun, StateTables{}, 0, 10);
  double took = Since(t0);
  release.join();
  ASSERT_TRUE(lock.ok()) << lock.error().ToString();
  EXPECT_GT(took, 1.2);
  EXPECT_LT(took, 8.0);
}

TEST_F(MigratorLockTest, AGoneHolderThatKeepsTheLockFailsAfterTheBoundedWait) {
  auto holder = NewConnection();
  HoldAs(*holder, DeadPid());
  auto rerun = NewConnection();
  auto t0 = std::chrono::steady_clock::now();
  auto refused = MigratorLock::Acquire(*rerun, StateTables{}, 0, 1);
  double took = Since(t0);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().exit, ExitCode::kLockHeld);
  EXPECT_GT(took, 0.9);
  EXPECT_LT(took, 5.0);
}

// Killed between its GET_LOCK and writing its row: the row (if any) names an
// earlier run, so the holder is unknown; it is waited for as gone.
TEST_F(MigratorLockTest, AHolderThatNeverWroteItsRowIsWaitedFor) {
  auto earlier = NewConnection();
  HoldAs(*earlier, getpid());  // an earlier run's row, on another connection
  earlier.reset();
  auto holder = NewConnection();
  std::string name = MigratorLock::LockName(db_name());
  ASSERT_EQ(holder->Query("SELECT GET_LOCK('" + name + "', 0)")->rows[0][0].value_or(""), "1");
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    holder.reset();
  });
  auto rerun = NewConnection();
  auto t0 = std::chrono::steady_clock::now();
  auto lock = MigratorLock::Acquire(*rerun, StateTables{}, 0, 10);
  double took = Since(t0);
  release.join();
  ASSERT_TRUE(lock.ok()) << lock.error().ToString();
  EXPECT_GT(took, 1.2);
}

TEST_F(MigratorLockTest, AHolderOnThisHostWhosePidRunsIsLive) {
  auto holder = NewConnection();
  HoldAs(*holder, getpid());
  auto second = NewConnection();
  auto t0 = std::chrono::steady_clock::now();
  auto refused = MigratorLock::Acquire(*second, StateTables{}, 0, 10);
  ASSERT_FALSE(refused.ok());
  EXPECT_LT(Since(t0), 1.0);
  EXPECT_EQ(refused.error().exit, ExitCode::kLockHeld);
}

// The other test of "gone": the holding connection is not in the
// processlist. A migrator without PROCESS does not see another account's
// sessions, so for it a live holder of another account looks gone too: it
// waits the bounded time before exit 4 (docs/ONLINE_ALTER.md).
TEST_F(MigratorLockTest, AHolderMissingFromTheProcesslistIsWaitedFor) {
  const Dsn other = CreateAccount("sluice_lock_test");
  auto holder = NewConnection();
  HoldAsElsewhere(*holder);
  auto rerun = Connection::Open(other);
  ASSERT_TRUE(rerun.ok()) << rerun.error().ToString();
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    holder.reset();
  });
  auto t0 = std::chrono::steady_clock::now();
  auto lock = MigratorLock::Acquire(**rerun, StateTables{}, 0, 10);
  double took = Since(t0);
  release.join();
  EXPECT_TRUE(lock.ok()) << (lock.ok() ? "" : lock.error().ToString());
  EXPECT_GT(took, 1.2);
  lock = RuntimeError("released");  // before the account goes
  rerun->reset();
  DropAccount("sluice_lock_test");
}

}  // namespace
}  // namespace sluice::testing
