// Pause, abort and stop take effect within one batch: each worker finishes
// at most the batch it is in, the state says "pausing" (or "aborting") until
// then and "paused" (or "aborted") after, and nothing more reaches the table
// until resume. Rows are counted in the table itself, not in the progress.
#include <chrono>
#include <iostream>
#include <thread>

#include "tests/integration/data_step_fixture.h"

namespace sluice::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int kRows = 200000;
constexpr int kBatch = 1000;
constexpr int kWorkers = 4;

class PauseTest : public DataStepTest {
 protected:
  // Starts the step in a thread; `act` runs on the 20th batch.
  void Start(RunControl& control, std::function<void()> act) {
    MakeIntTable(kRows);
    sink_->on_batch = [this, act](int n) {
      if (n == 20) {
        requested_at_ = Clock::now();
        act();
      }
    };
    runner_ = std::thread([this, &control] {
      result_ = Run("UPDATE t SET n = n + 1", Options(kBatch, kWorkers), "r1", &control);
    });
  }
  // Waits for `state`; the seconds from the request, or -1.
  double WaitForState(RunControl& control, const std::string& state) {
    const auto deadline = Clock::now() + 30s;
    while (Clock::now() < deadline) {
      if (control.State() == state) {
        return std::chrono::duration<double>(Clock::now() - requested_at_).count();
      }
      std::this_thread::sleep_for(2ms);
    }
    return -1;
  }
  int RowsDone() { return std::stoi(Scalar("SELECT COUNT(*) FROM t WHERE n = 1")); }
  void TearDown() override {
    if (runner_.joinable()) runner_.join();
    DataStepTest::TearDown();
  }

  std::thread runner_;
  Status result_;
  Clock::time_point requested_at_;
};

TEST_F(PauseTest, PauseStopsWithinOneBatchPerWorker) {
  RunControl control;
  std::atomic<int> at_request{-1};
  Start(control, [&] {
    control.Pause();
    at_request = static_cast<int>(sink_->last_rows_done.load());
  });
  while (at_request.load() < 0) std::this_thread::sleep_for(1ms);
  const double latency = WaitForState(control, "paused");
  ASSERT_GE(latency, 0) << "never paused; state " << control.State();
  const int at_paused = RowsDone();
  std::this_thread::sleep_for(1500ms);
  const int later = RowsDone();
  EXPECT_EQ(later, at_paused) << "rows changed while paused";
  // Rows done when the pause was asked (a lower bound, progress lags the
  // commits) plus at most one batch per worker.
  EXPECT_LE(at_paused - at_request.load(), kWorkers * kBatch);
  EXPECT_TRUE(progress_->Latest().paused) << "the snapshot shows paused";
  std::cout << "pause latency " << latency * 1000 << " ms, " << at_paused - at_request.load()
            << " rows after the request\n";
  control.Resume();
  runner_.join();
  ASSERT_TRUE(result_.ok()) << result_.error().ToString();
  EXPECT_EQ(RowsDone(), kRows);
}

TEST_F(PauseTest, AbortStopsWithinOneBatchPerWorker) {
  RunControl control;
  std::atomic<int> at_request{-1};
  Start(control, [&] {
    control.RequestAbort("test");
    at_request = static_cast<int>(sink_->last_rows_done.load());
  });
  while (at_request.load() < 0) std::this_thread::sleep_for(1ms);
  ASSERT_GE(WaitForState(control, "aborted"), 0) << control.State();
  runner_.join();
  EXPECT_FALSE(result_.ok());
  const int done = RowsDone();
  EXPECT_LE(done - at_request.load(), kWorkers * kBatch);
  EXPECT_LT(done, kRows);
}

}  // namespace
}  // namespace sluice::testing
