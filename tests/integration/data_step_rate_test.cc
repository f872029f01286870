// --max-rate against the real server, over 16 s at two settings: every
// 5-second window of finished batches stays within 10% of the rate (auto
// sizes under a rate limit take 0.2 s of tokens, so no window is a burst).
// The spreads are printed for the notes; the assertion is on the limiter's
// accuracy, which holds wherever the server is faster than the rate.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <mutex>
#include <thread>

#include "tests/integration/data_step_fixture.h"

namespace sluice::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// (seconds since start, keys done) after each batch.
class Timeline : public ProgressSink {
 public:
  void OnBatch(const ProgressSnapshot& s, const BatchEvent& e) override {
    if (e.outcome != BatchOutcome::kOk) return;
    std::lock_guard<std::mutex> lock(mu);
    points.emplace_back(std::chrono::duration<double>(Clock::now() - start).count(), s.rows_done);
    largest_batch = std::max(largest_batch, e.batch_size);
  }
  // Rows/s of every 5-s window [t, t+5) from 1 s in (past the start-up),
  // stepped by 0.5 s.
  std::vector<double> WindowRates(double end) {
    std::lock_guard<std::mutex> lock(mu);
    auto done_at = [&](double t) -> double {
      uint64_t d = 0;
      for (const auto& [when, rows] : points) {
        if (when > t) break;
        d = rows;
      }
      return static_cast<double>(d);
    };
    std::vector<double> out;
    for (double t = 1; t + 5 <= end; t += 0.5) out.push_back((done_at(t + 5) - done_at(t)) / 5);
    return out;
  }
  std::mutex mu;
  Clock::time_point start = Clock::now();
  std::vector<std::pair<double, uint64_t>> points;
  int largest_batch = 0;
};

class RateTest : public DataStepTest {
 protected:
  // Runs the step for `seconds` at `rate`, then stops it; the window rates.
  std::vector<double> RunFor(double seconds, DataStepOptions o) {
    auto timeline = std::make_shared<Timeline>();
    progress_->AddSink(timeline);
    RunControl control;
    std::thread stopper([&] {
      std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
      control.RequestStop();
    });
    Status st = Run("UPDATE t SET n = n + 1", o, "r1", &control);
    stopper.join();
    EXPECT_FALSE(st.ok()) << "the table must outlast the run";
    largest_batch_ = timeline->largest_batch;
    return timeline->WindowRates(seconds);
  }

  void ExpectWithinTenPercent(const std::vector<double>& rates, double rate, const char* what) {
    ASSERT_GE(rates.size(), 10u);
    auto [lo, hi] = std::minmax_element(rates.begin(), rates.end());
    std::cout << what << ": max-rate " << rate << ", " << rates.size()
              << " 5-s windows from " << *lo << " to " << *hi << " rows/s (largest batch "
              << largest_batch_ << ")\n";
    for (double r : rates) EXPECT_NEAR(r, rate, rate * 0.1) << what;
  }

  int largest_batch_ = 0;
};

TEST_F(RateTest, AutoSizesFourWorkers) {
  MakeIntTable(120000);
  DataStepOptions o = Options(kAutoBatchSize, 4);
  o.max_rate = 3000;
  auto rates = RunFor(16, o);
  EXPECT_LE(largest_batch_, 3000 * 0.2 + 1) << "an auto batch takes at most 0.2 s of tokens";
  ExpectWithinTenPercent(rates, 3000, "auto, 4 workers");
}

TEST_F(RateTest, FixedSizesEightWorkers) {
  MakeIntTable(250000);
  DataStepOptions o = Options(500, 8);
  o.max_rate = 12000;
  ExpectWithinTenPercent(RunFor(16, o), 12000, "batch-size=500, 8 workers");
}

}  // namespace
}  // namespace sluice::testing
