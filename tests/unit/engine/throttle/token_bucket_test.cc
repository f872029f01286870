#include "engine/throttle/token_bucket.h"

#include <gtest/gtest.h>

#include "engine/exec/run_control.h"

namespace sluice {
namespace {

TEST(TokenBucketTest, UnlimitedNeverWaits) {
  FakeClock clock;
  TokenBucket bucket({.rate = 0}, nullptr, clock);
  EXPECT_EQ(bucket.Reserve(1000000), 0);
}

TEST(TokenBucketTest, StartsEmptyAndPacesTakers) {
  FakeClock clock;
  TokenBucket bucket({.rate = 100, .burst_s = 1}, nullptr, clock);
  EXPECT_DOUBLE_EQ(bucket.Reserve(50), 0.5);
  EXPECT_DOUBLE_EQ(bucket.Reserve(50), 1.0) << "the second taker queues behind the first";
  clock.Advance(1.0);
  EXPECT_DOUBLE_EQ(bucket.Reserve(100), 1.0);
}

TEST(TokenBucketTest, RateOverTimeMatches) {
  FakeClock clock;
  TokenBucket bucket({.rate = 250, .burst_s = 1}, nullptr, clock);
  const double start = clock.Now();
  uint64_t rows = 0;
  while (clock.Now() - start < 60) {
    bucket.Acquire(37);  // FakeClock: Acquire advances time by the wait
    rows += 37;
  }
  double rate = static_cast<double>(rows) / (clock.Now() - start);
  EXPECT_NEAR(rate, 250, 250 * 0.02);
}

TEST(TokenBucketTest, IdleTimeBuildsAtMostABurst) {
  FakeClock clock;
  TokenBucket bucket({.rate = 100, .burst_s = 2}, nullptr, clock);
  bucket.Reserve(0);
  clock.Advance(60);
  EXPECT_EQ(bucket.Reserve(200), 0) << "two seconds of burst";
  EXPECT_DOUBLE_EQ(bucket.Reserve(100), 1.0);
}

TEST(TokenBucketTest, OperatorOverrideWins) {
  FakeClock clock;
  RunControl control;
  TokenBucket bucket({.rate = 100, .burst_s = 1}, &control, clock);
  EXPECT_DOUBLE_EQ(bucket.rate(), 100);
  control.SetMaxRate(400);
  EXPECT_DOUBLE_EQ(bucket.rate(), 400);
  EXPECT_DOUBLE_EQ(bucket.Reserve(200), 0.5);
}

TEST(TokenBucketTest, ReportsWallTimeHeldBackOnce) {
  FakeClock clock;
  TokenBucket bucket({.rate = 100, .burst_s = 1}, nullptr, clock);
  double held = 0;
  bucket.SetOnThrottled([&](double s) { held += s; });
  bucket.Reserve(100);  // debt until +1s
  bucket.Reserve(100);  // debt until +2s: adds 1s, not 2s
  EXPECT_DOUBLE_EQ(held, 2.0);
  clock.Advance(5);
  bucket.Reserve(50);  // refilled: no debt
  EXPECT_DOUBLE_EQ(held, 2.0);
}

}  // namespace
}  // namespace sluice
