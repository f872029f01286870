// --max-load / --critical-load against the real server: sleeping queries on
// other connections hold Threads_running up; batches pause and resume.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

#include "engine/exec/run_control.h"
#include "engine/throttle/composite_throttler.h"
#include "engine/throttle/throttle_wait.h"
#include "mysql/load_signal.h"
#include "mysql/mysql_dialect.h"
#include "tests/integration/progress_batch_loop.h"
#include "tests/support/test_db.h"

namespace sluice {
namespace {

using namespace std::chrono_literals;

constexpr int kSleepers = 12;  // well above the margin other parallel tests may add

class ThrottleLoadTest : public testing::TestDatabase {
 protected:
  // Current Threads_running, from a fresh signal.
  long ThreadsRunning() {
    ConnectionFactory f(dsn());
    mysql::LoadSignal probe(f, {"Threads_running", 0, 0});
    auto v = probe.Read();
    EXPECT_TRUE(v.ok()) << v.error().message;
    return v.ok() ? *v : -1;
  }
  // Starts kSleepers connections each running SELECT SLEEP(seconds) and
  // returns once the server counts them as running.
  void StartSleepers(double seconds, long base) {
    for (int i = 0; i < kSleepers; ++i) {
      auto c = NewConnection();
      ASSERT_NE(c, nullptr);
      sleepers_.emplace_back([c = std::shared_ptr<Connection>(std::move(c)), seconds] {
        (void)c->Query("SELECT SLEEP(" + std::to_string(seconds) + ")");
      });
    }
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (ThreadsRunning() < base + kSleepers && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(20ms);
    }
    ASSERT_GE(ThreadsRunning(), base + kSleepers) << "sleepers did not show up as running";
  }
  void JoinSleepers() {
    for (auto& t : sleepers_) t.join();
    sleepers_.clear();
  }
  void TearDown() override {
    JoinSleepers();
    testing::TestDatabase::TearDown();
  }
  void MakeItems(int rows) {
    Exec("CREATE TABLE items (id INT PRIMARY KEY, v INT NOT NULL DEFAULT 0)");
    Exec("INSERT INTO items (id) SELECT seq FROM seq_1_to_" + std::to_string(rows));
  }

  std::vector<std::thread> sleepers_;
};

TEST_F(ThrottleLoadTest, SignalSaysWhyWhileThreadsRunningIsHigh) {
  const long base = ThreadsRunning();
  ASSERT_GE(base, 1);
  ConnectionFactory f(dsn());
  const long max = base + 4;
  mysql::LoadSignal signal(f, {"Threads_running", max, 0});
  EXPECT_EQ(signal.Name(), "load");

  StartSleepers(2, base);
  auto d = signal.Check();
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_TRUE(d->throttle);
  EXPECT_FALSE(d->abort);
  EXPECT_EQ(d->reason.rfind("Threads_running=", 0), 0u) << d->reason;
  EXPECT_NE(d->reason.find(" > " + std::to_string(max)), std::string::npos) << d->reason;

  JoinSleepers();
  d = signal.Check();
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->throttle) << d->reason;
}

TEST_F(ThrottleLoadTest, UnknownStatusVariableIsAnError) {
  ConnectionFactory f(dsn());
  mysql::LoadSignal signal(f, {"No_such_variable_xyz", 5, 0});
  auto d = signal.Check();
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.error().message.find("No_such_variable_xyz"), std::string::npos);
}

TEST_F(ThrottleLoadTest, BatchesPauseUnderMaxLoadAndResumeAfter) {
  MakeItems(2000);
  const long base = ThreadsRunning();
  ConnectionFactory f(dsn());
  ThrottleOptions opts;
  opts.max_load = {{"Threads_running", base + 4}};
  mysql::MysqlDialect dialect;
  CompositeThrottler throttler(0.1, 10);
  for (auto& s : dialect.ThrottleSignals(f, opts)) throttler.Add(std::move(s));
  ASSERT_EQ(throttler.size(), 1u);

  StartSleepers(2.5, base);
  RunControl control;
  ProgressReporter progress;
  testing::BatchLoop loop(f, control, progress, &throttler);
  Status result;
  std::thread runner([&] { result = loop.Run({.rows = 2000, .batch_size = 100}); });

  std::this_thread::sleep_for(1s);
  EXPECT_EQ(loop.rows_done(), 0u) << "batches ran while Threads_running was high";
  ThrottleDecision held = throttler.Last();
  EXPECT_TRUE(held.throttle);
  EXPECT_EQ(held.signal, "load");
  EXPECT_EQ(held.reason.rfind("Threads_running=", 0), 0u) << held.reason;
  ProgressSnapshot latest = progress.Latest();
  EXPECT_TRUE(latest.throttled);
  EXPECT_EQ(latest.throttle_reason.rfind("Threads_running=", 0), 0u);

  JoinSleepers();  // load goes away: the run resumes and finishes
  runner.join();
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(loop.rows_done(), 2000u);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM items WHERE v = 1"), "2000");
  EXPECT_GE(throttler.ThrottledSeconds()["load"], 0.9);
  EXPECT_FALSE(throttler.Last().throttle);
}

TEST_F(ThrottleLoadTest, CriticalLoadAbortsAfterItsGracePeriod) {
  const long base = ThreadsRunning();
  ConnectionFactory f(dsn());
  ThrottleOptions opts;
  opts.critical_load = {{"Threads_running", base + 4}};
  mysql::MysqlDialect dialect;
  CompositeThrottler throttler(0.1, /*critical_grace_s=*/1.0);
  for (auto& s : dialect.ThrottleSignals(f, opts)) throttler.Add(std::move(s));

  StartSleepers(3, base);
  RunControl control;
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_FALSE(WaitUntilClear(throttler, control, 50ms));
  double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_GE(waited, 0.9) << "aborted before the grace period";
  EXPECT_TRUE(control.aborted());
  EXPECT_NE(control.abort_reason().find("> critical " + std::to_string(base + 4)),
            std::string::npos)
      << control.abort_reason();
  EXPECT_NE(control.abort_reason().find("critical for"), std::string::npos);
}

}  // namespace
}  // namespace sluice
