// --max-rate: a token bucket shared by four workers running real batches
// holds the rate within 20% over 10 s. (The only long test of the throttle
// suite: a rate needs time to be measured.)
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "engine/progress/throttle_progress.h"
#include "engine/throttle/composite_throttler.h"
#include "engine/throttle/token_bucket.h"
#include "tests/integration/progress_batch_loop.h"
#include "tests/support/test_db.h"

namespace sluice {
namespace {

using namespace std::chrono_literals;

class ThrottleRateTest : public testing::TestDatabase {};

TEST_F(ThrottleRateTest, MaxRateHoldsAcrossWorkers) {
  Exec("CREATE TABLE items (id INT PRIMARY KEY, v INT NOT NULL DEFAULT 0)");
  Exec("INSERT INTO items (id) SELECT seq FROM seq_1_to_5000");
  constexpr double kRate = 400;  // rows/s: far below what the server can do
  RunControl control;
  ProgressReporter progress;
  CompositeThrottler throttler(1, 10);
  ReportThrottlingTo(throttler, progress);
  TokenBucket bucket({.rate = kRate, .burst_s = 1}, &control);
  ReportRateLimitTo(bucket, throttler);
  ConnectionFactory f(dsn());
  testing::BatchLoop loop(f, control, progress, &throttler, &bucket);

  const auto t0 = std::chrono::steady_clock::now();
  std::thread runner([&] {
    Status st = loop.Run({.rows = 5000, .batch_size = 25, .workers = 4, .wrap = true});
    EXPECT_TRUE(st.ok()) << st.error().message;
  });
  std::this_thread::sleep_for(10s);
  const uint64_t rows = loop.rows_done();
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  control.RequestStop();
  runner.join();

  const double rate = static_cast<double>(rows) / elapsed;
  EXPECT_NEAR(rate, kRate, kRate * 0.2) << rows << " rows in " << elapsed << " s";
  // The time held back by the limiter is counted under "rate".
  EXPECT_GT(throttler.ThrottledSeconds()["rate"], 5);
}

}  // namespace
}  // namespace sluice
