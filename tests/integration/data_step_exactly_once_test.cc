// Exactly once: `SET n = n + 1` must come out right when the workers'
// connections are killed mid-run (also during COMMIT), and when a run is
// stopped and rerun from its checkpoint.
#include <set>
#include <thread>

#include "tests/integration/data_step_fixture.h"

namespace sluice::testing {
namespace {

using ExactlyOnceTest = DataStepTest;

// Kills every connection to this test's database except `keep` until told to
// stop; counts the kills.
class Killer {
 public:
  Killer(std::unique_ptr<Connection> c, std::string db, std::set<unsigned long> keep)
      : c_(std::move(c)), db_(std::move(db)), keep_(std::move(keep)) {
    keep_.insert(c_->ThreadId());
    thread_ = std::thread([this] { Loop(); });
  }
  ~Killer() { Stop(); }
  void Stop() {
    done_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int kills() const { return kills_.load(); }

 private:
  void Loop() {
    int round = 0;
    while (!done_.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(15 + (round++ % 5) * 10));
      auto rs = c_->Query("SELECT ID FROM information_schema.PROCESSLIST WHERE DB = '" + db_ + "'");
      if (!rs.ok()) continue;
      for (const auto& row : rs->rows) {
        unsigned long id = std::stoul(row[0].value_or("0"));
        if (keep_.count(id)) continue;
        // Kill one worker at a time, so batches keep making progress.
        if (c_->Exec("KILL CONNECTION " + std::to_string(id)).ok()) {
          kills_++;
          break;
        }
      }
    }
  }
  std::unique_ptr<Connection> c_;
  std::string db_;
  std::set<unsigned long> keep_;
  std::atomic<bool> done_{false};
  std::atomic<int> kills_{0};
  std::thread thread_;
};

TEST_F(ExactlyOnceTest, KilledConnectionsNeverApplyABatchTwice) {
  MakeIntTable(30000);
  DataStepOptions o = Options(150, 4);
  o.max_batch_size = 300;  // many short transactions: kills land in all phases
  int total_kills = 0;
  for (int round = 1; round <= 3; ++round) {
    Killer killer(NewConnection(), db_name(), {conn().ThreadId()});
    Status st = Run("UPDATE t SET n = n + 1", o, "kill" + std::to_string(round));
    killer.Stop();
    ASSERT_TRUE(st.ok()) << "round " << round << ": " << st.error().ToString();
    total_kills += killer.kills();
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM t WHERE n <> " + std::to_string(round)), "0")
        << "round " << round;
  }
  EXPECT_GE(total_kills, 3);
  EXPECT_GT(sink_->retries.load(), 0);
  EXPECT_EQ(Scalar("SELECT SUM(n) FROM t"), "90000");
}

TEST_F(ExactlyOnceTest, StoppedRunResumesFromTheFinishedChunks) {
  MakeIntTable(20000);
  RunControl control;
  sink_->on_batch = [&](int ok) {
    if (ok == 12) control.RequestStop();
  };
  DataStepOptions o = Options(200, 4);
  o.max_batch_size = 200;
  Status st = Run("UPDATE t SET n = n + 1", o, "r1", &control);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().exit, ExitCode::kAborted);
  const int done_first = std::stoi(Scalar("SELECT COUNT(*) FROM t WHERE n = 1"));
  EXPECT_GT(done_first, 0);
  EXPECT_LT(done_first, 20000);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM t WHERE n > 1"), "0");
  // The checkpoint holds the finished chunks of the parallel workers.
  EXPECT_EQ(Scalar("SELECT SUM(rows_done) FROM sluice_checkpoint WHERE kind = 'chunk' AND "
                   "done = 1"),
            std::to_string(done_first));

  sink_->on_batch = nullptr;
  st = Run("UPDATE t SET n = n + 1", Options(500, 3), "r1");
  ASSERT_TRUE(st.ok()) << st.error().ToString();
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM t WHERE n <> 1"), "0");
  EXPECT_EQ(progress_->Latest().rows_resumed, static_cast<uint64_t>(done_first));
  EXPECT_EQ(Scalar("SELECT rows_done FROM sluice_checkpoint WHERE seq = 0"), "20000");
}

TEST_F(ExactlyOnceTest, RepeatedStopsThenResume) {
  MakeIntTable(15000);
  DataStepOptions o = Options(100, 4);
  o.max_batch_size = 150;
  for (int i = 0; i < 4; ++i) {
    RunControl control;
    sink_->ok_batches = 0;
    sink_->on_batch = [&](int ok) {
      if (ok == 5) control.RequestStop();
    };
    Status st = Run("UPDATE t SET n = n + 1", o, "r1", &control);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM t WHERE n > 1"), "0");
  }
  sink_->on_batch = nullptr;
  Status st = Run("UPDATE t SET n = n + 1", o, "r1");
  ASSERT_TRUE(st.ok()) << st.error().ToString();
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM t WHERE n <> 1"), "0");
}

TEST_F(ExactlyOnceTest, AbortStopsCleanly) {
  MakeIntTable(10000);
  RunControl control;
  sink_->on_batch = [&](int ok) {
    if (ok == 3) control.RequestAbort("operator said so");
  };
  DataStepOptions o = Options(100, 4);
  o.max_batch_size = 100;
  Status st = Run("UPDATE t SET n = n + 1", o, "r1", &control);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().exit, ExitCode::kAborted);
  EXPECT_NE(st.error().message.find("operator said so"), std::string::npos);
  // No half-state: every chunk is either fully applied (and checkpointed) or not at all.
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM t WHERE n = 1"),
            Scalar("SELECT COALESCE(SUM(rows_done), 0) FROM sluice_checkpoint WHERE kind = "
                   "'chunk' AND done = 1"));
}

TEST_F(ExactlyOnceTest, FatalErrorStopsTheStepWithoutHalfState) {
  Exec("CREATE TABLE t (id BIGINT NOT NULL PRIMARY KEY, n TINYINT NOT NULL DEFAULT 0)");
  Exec("INSERT INTO t (id) SELECT seq FROM seq_1_to_5000");
  Exec(
      "UPDATE t SET n = 127 WHERE id = 4000");  // n + 1 overflows here (strict mode is the default)
  DataStepOptions o = Options(100, 4);
  o.max_batch_size = 100;
  Status st = Run("UPDATE t SET n = n + 1", o);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, 1264) << st.error().ToString();  // out of range
  EXPECT_EQ(Scalar("SELECT n FROM t WHERE id = 4000"), "127");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM t WHERE n = 1"),
            Scalar("SELECT COALESCE(SUM(rows_done), 0) FROM sluice_checkpoint WHERE kind = "
                   "'chunk' AND done = 1"));
}

}  // namespace
}  // namespace sluice::testing
