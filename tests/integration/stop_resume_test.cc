// SIGINT and `sluice abort` against a real `sluice upgrade` running a chunked
// data step: exit 3, a partial but consistent table, and a rerun that resumes
// from the checkpoints and applies every row exactly once.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <thread>

#include "tests/support/child_process.h"
#include "tests/support/sluice_project.h"
#include "tests/support/test_db.h"

namespace sluice {
namespace {

using testing::SluiceProject;

class StopResumeTest : public testing::TestDatabase {
 protected:
  static constexpr int kRows = 60000;

  void SetUp() override {
    TestDatabase::SetUp();
    Exec("CREATE TABLE t (id BIGINT PRIMARY KEY, n INT NOT NULL DEFAULT 0)");
    Exec("INSERT INTO t (id) SELECT seq FROM seq_1_to_" + std::to_string(kRows));
    // Slow enough (max-rate) that the run is still going when it is stopped.
    project_.AddRevision("stop0001", "",
                         "-- sluice:step batch-size=500 workers=2 max-rate=20000\n"
                         "UPDATE t SET n = n + 1;");
  }

  // Waits until the run has committed some rows, or fails.
  void WaitForProgress() {
    for (int i = 0; i < 200; ++i) {
      if (std::stoi(Scalar("SELECT COUNT(*) FROM t WHERE n = 1")) >= 2000) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL() << "the upgrade made no progress";
  }

  // After a stop: nothing applied twice, and not everything applied.
  void ExpectPartialAndConsistent() {
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM t WHERE n > 1"), "0");
    int done = std::stoi(Scalar("SELECT COUNT(*) FROM t WHERE n = 1"));
    EXPECT_GT(done, 0);
    EXPECT_LT(done, kRows);
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM sluice_version"), "0");
  }

  void ExpectRerunFinishesExactlyOnce() {
    auto rerun = project_.Run(dsn_string(), "upgrade head --progress none");
    ASSERT_EQ(rerun.exit_code, 0) << rerun.output;
    EXPECT_NE(rerun.output.find("resum"), std::string::npos) << rerun.output;
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM t WHERE n = 1"), std::to_string(kRows));
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM t WHERE n <> 1"), "0");
    EXPECT_EQ(Scalar("SELECT version_num FROM sluice_version"), "stop0001");
  }

  SluiceProject project_;
};

TEST_F(StopResumeTest, SigintExitsThreeAndTheRerunResumes) {
  auto run = project_.Start(dsn_string(), {"upgrade", "head", "--progress", "none"});
  ASSERT_TRUE(run);
  WaitForProgress();
  run->Signal(SIGINT);
  EXPECT_EQ(run->Wait(60), 3) << run->Output();
  ExpectPartialAndConsistent();
  ExpectRerunFinishesExactlyOnce();
}

TEST_F(StopResumeTest, AbortOverTheControlSocketExitsThreeAndTheRerunResumes) {
  auto run = project_.Start(dsn_string(), {"upgrade", "head", "--progress", "none"});
  ASSERT_TRUE(run);
  WaitForProgress();
  auto abort = project_.Run("", "abort");
  EXPECT_EQ(abort.exit_code, 0) << abort.output;
  EXPECT_EQ(run->Wait(60), 3) << run->Output();
  ExpectPartialAndConsistent();
  ExpectRerunFinishesExactlyOnce();
}

}  // namespace
}  // namespace sluice
