// The lock-wait signal against the real server: an application statement
// waiting for a row lock that one of sluice's worker sessions holds is seen,
// with its wait, and over the budget asks batches to shrink; a wait on a
// lock that the application itself holds is not sluice's harm.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "engine/db/connection.h"
#include "engine/exec/worker_session.h"
#include "mysql/lock_wait_signal.h"
#include "tests/support/test_db.h"

namespace sluice {
namespace {

using namespace std::chrono_literals;

class LockWaitSignalTest : public testing::TestDatabase {
 protected:
  void SetUp() override {
    TestDatabase::SetUp();
    if (HasFatalFailure()) return;
    Exec("CREATE TABLE t (id INT PRIMARY KEY, v INT NOT NULL DEFAULT 0)");
    Exec("INSERT INTO t (id) SELECT seq FROM seq_1_to_10");
  }
  // A sluice worker session's open transaction holding row 1.
  static void HoldRowOne(Session& ours) {
    ASSERT_TRUE(ours.Exec("START TRANSACTION").ok());
    ASSERT_TRUE(ours.Exec("UPDATE t SET v = 100 WHERE id = 1").ok());
  }
  // Another connection's UPDATE of row 1, waiting until it gets the lock.
  std::thread Waiter() {
    return std::thread([this] {
      ConnectionFactory f(dsn());
      auto c = f.OpenConnection();
      ASSERT_TRUE(c.ok());
      ASSERT_TRUE((*c)->Exec("SET SESSION innodb_lock_wait_timeout = 10").ok());
      auto r = (*c)->Exec("UPDATE t SET v = v + 1 WHERE id = 1");
      EXPECT_TRUE(r.ok()) << r.error().ToString();
    });
  }
};

TEST_F(LockWaitSignalTest, SeesTheApplicationWaitingOnSluice) {
  ConnectionFactory f(dsn());
  WorkerSession ours(f, {});
  auto s = ours.Get();
  ASSERT_TRUE(s.ok());
  HoldRowOne(**s);
  std::thread app = Waiter();
  std::this_thread::sleep_for(300ms);

  mysql::LockWaitSignal signal(f, 0.05);
  auto wait = signal.Read();
  ASSERT_TRUE(wait.ok()) << wait.error().ToString();
  EXPECT_GE(*wait, 0.2) << "the application has waited about 300 ms";
  EXPECT_LT(*wait, 5.0);
  auto d = signal.Check();
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->shrink);
  EXPECT_TRUE(d->throttle) << "more than 5x the 50 ms budget holds new batches";
  EXPECT_NE(d->shrink_reason.find("foreground lock wait"), std::string::npos) << d->shrink_reason;

  ASSERT_TRUE((*s)->Exec("COMMIT").ok());
  app.join();
  // The sampler, started by the check, may have seen the wait before the
  // COMMIT: that check reports it once; the next one sees no wait.
  std::this_thread::sleep_for(150ms);
  ASSERT_TRUE(signal.Check().ok());
  std::this_thread::sleep_for(150ms);
  auto after = signal.Check();
  ASSERT_TRUE(after.ok());
  EXPECT_FALSE(after->shrink);
  EXPECT_EQ(after->lock_wait_s, 0);
}

// Workers ask between batches, when their locks are gone: a wait that began
// and ended while a batch ran (between two checks) must still be reported.
TEST_F(LockWaitSignalTest, SeesAWaitThatEndedBetweenTwoChecks) {
  ConnectionFactory f(dsn());
  mysql::LockWaitSignal signal(f, 0.05);
  auto before = signal.Check();
  ASSERT_TRUE(before.ok()) << before.error().ToString();
  EXPECT_FALSE(before->shrink);
  {
    WorkerSession ours(f, {});
    auto s = ours.Get();
    ASSERT_TRUE(s.ok());
    HoldRowOne(**s);  // "a batch"
    std::thread app = Waiter();
    std::this_thread::sleep_for(400ms);
    ASSERT_TRUE((*s)->Exec("COMMIT").ok());
    app.join();
  }
  auto d = signal.Check();
  ASSERT_TRUE(d.ok()) << d.error().ToString();
  EXPECT_TRUE(d->shrink);
  EXPECT_GE(d->lock_wait_s, 0.2) << "the application waited about 400 ms";
  EXPECT_LT(d->lock_wait_s, 5.0);
}

TEST_F(LockWaitSignalTest, WaitsOnTheApplicationsOwnLocksAreNotCounted) {
  ConnectionFactory f(dsn());
  auto holder = f.OpenConnection();  // not a sluice worker session
  ASSERT_TRUE(holder.ok());
  ASSERT_TRUE((*holder)->Exec("START TRANSACTION").ok());
  ASSERT_TRUE((*holder)->Exec("UPDATE t SET v = 100 WHERE id = 1").ok());
  std::thread app = Waiter();
  std::this_thread::sleep_for(300ms);
  mysql::LockWaitSignal signal(f, 0.05);
  auto wait = signal.Read();
  ASSERT_TRUE(wait.ok()) << wait.error().ToString();
  EXPECT_EQ(*wait, 0);
  ASSERT_TRUE((*holder)->Exec("COMMIT").ok());
  app.join();
}

// The budget is on by default: an account that may not read the lock-wait
// views (no PROCESS) is neither held nor failed; only the ceiling stays.
TEST_F(LockWaitSignalTest, WithoutTheProcessPrivilegeOnlyTheCeilingStays) {
  const Dsn restricted = CreateAccount("sluice_lw_test");
  ConnectionFactory root(dsn());
  ConnectionFactory limited(restricted);
  {
    WorkerSession ours(root, {});
    auto s = ours.Get();
    ASSERT_TRUE(s.ok());
    HoldRowOne(**s);
    std::thread app = Waiter();
    std::this_thread::sleep_for(300ms);
    mysql::LockWaitSignal signal(limited, 0.05);
    auto d = signal.Check();
    ASSERT_TRUE(d.ok()) << d.error().ToString();
    EXPECT_FALSE(d->shrink);
    EXPECT_FALSE(d->throttle);
    EXPECT_DOUBLE_EQ(signal.BatchTimeCeiling(), 0.05);
    std::this_thread::sleep_for(150ms);
    auto again = signal.Check();
    ASSERT_TRUE(again.ok()) << again.error().ToString();
    EXPECT_FALSE(again->throttle);
    ASSERT_TRUE((*s)->Exec("COMMIT").ok());
    app.join();
  }
  DropAccount("sluice_lw_test");
}

}  // namespace
}  // namespace sluice
