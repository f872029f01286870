#include "engine/chunk/adaptive_batch_size.h"

#include <gtest/gtest.h>

namespace sluice::chunk {
namespace {

AdaptiveBatchOptions Opts() {
  AdaptiveBatchOptions o;
  o.initial_rows = 1000;
  o.min_rows = 10;
  o.max_rows = 50000;
  o.target_s = 0.5;
  o.max_growth = 2.0;
  return o;
}

TEST(AdaptiveBatchSizeTest, StartsAtTheConfiguredSize) {
  EXPECT_EQ(AdaptiveBatchSize(Opts()).Next(), 1000);
}

TEST(AdaptiveBatchSizeTest, GrowthIsBoundedPerStep) {
  AdaptiveBatchSize s(Opts());
  s.Observe(1000, 0.01);  // 50x faster than the target: only doubles
  EXPECT_EQ(s.Next(), 2000);
  s.Observe(2000, 0.0);  // too fast to time
  EXPECT_EQ(s.Next(), 4000);
}

TEST(AdaptiveBatchSizeTest, ConvergesOnTheTargetTime) {
  AdaptiveBatchSize s(Opts());
  // The server does 10,000 rows/s: 5,000 rows fit 0.5 s.
  for (int i = 0; i < 20; ++i) {
    int n = s.Next();
    s.Observe(n, n / 10000.0);
  }
  EXPECT_EQ(s.Next(), 5000);
}

TEST(AdaptiveBatchSizeTest, ShrinksBoundedWhenSlow) {
  AdaptiveBatchSize s(Opts());
  s.Observe(1000, 10.0);  // 20x too slow: only halves
  EXPECT_EQ(s.Next(), 500);
}

TEST(AdaptiveBatchSizeTest, FloorAndCeiling) {
  AdaptiveBatchSize s(Opts());
  for (int i = 0; i < 30; ++i) s.Observe(s.Next(), 100.0);
  EXPECT_EQ(s.Next(), 10);
  for (int i = 0; i < 30; ++i) s.Observe(s.Next(), 0.001);
  EXPECT_EQ(s.Next(), 50000);
}

TEST(AdaptiveBatchSizeTest, ShrinkHalvesTheFailedBatch) {
  AdaptiveBatchSize s(Opts());
  s.Shrink(1000);
  EXPECT_EQ(s.Next(), 500);
  s.Shrink(64);
  EXPECT_EQ(s.Next(), 32);
}

TEST(AdaptiveBatchSizeTest, OperatorOverrideWins) {
  AdaptiveBatchSize s(Opts());
  EXPECT_EQ(s.Next({.batch_size = 123}), 123);
  EXPECT_EQ(s.Mode(123), BatchMode::kFixed);
  EXPECT_EQ(s.Next({.batch_size = 0}), 1000);
  EXPECT_EQ(s.Mode(0), BatchMode::kAuto);
}

AdaptiveBatchOptions Fixed(int n) {
  AdaptiveBatchOptions o = Opts();
  o.mode = BatchMode::kFixed;
  o.initial_rows = n;
  return o;
}

TEST(AdaptiveBatchSizeTest, FixedSizeIsHonouredWhateverTheTiming) {
  AdaptiveBatchSize s(Fixed(1000));
  for (int i = 0; i < 20; ++i) s.Observe(1000, 0.001);  // 500x faster than the target
  EXPECT_EQ(s.Next(), 1000);
  for (int i = 0; i < 20; ++i) s.Observe(1000, 60.0);
  EXPECT_EQ(s.Next(), 1000);
  EXPECT_EQ(s.Mode(), BatchMode::kFixed);
  // Neither the auto ceiling nor a rate limit changes a fixed size.
  EXPECT_EQ(AdaptiveBatchSize(Fixed(80000)).Next({.max_rows = 100, .rate = 10}), 80000);
}

TEST(AdaptiveBatchSizeTest, FixedSizeShrinksOnlyUntilBatchesSucceed) {
  AdaptiveBatchSize s(Fixed(1000));
  s.Shrink(1000);
  EXPECT_EQ(s.Next(), 500);
  s.Shrink(500);
  EXPECT_EQ(s.Next(), 250);
  s.Observe(250, 0.01);
  EXPECT_EQ(s.Next(), 500);
  s.Observe(500, 0.01);
  EXPECT_EQ(s.Next(), 1000);
  s.Observe(1000, 0.01);
  EXPECT_EQ(s.Next(), 1000) << "never above N";
}

TEST(AdaptiveBatchSizeTest, AutoOverrideSwitchesAFixedRunToAuto) {
  AdaptiveBatchSize s(Fixed(300));
  EXPECT_EQ(s.Mode(kAutoOverride), BatchMode::kAuto);
  s.Observe(300, 0.001);
  EXPECT_EQ(s.Next(), 300);
  EXPECT_EQ(s.Next({.batch_size = kAutoOverride}), 600) << "auto sized from the observed batch";
}

TEST(AdaptiveBatchSizeTest, RateLimitCapsAutoBatches) {
  AdaptiveBatchSize s(Opts());
  for (int i = 0; i < 30; ++i) {
    const int n = s.Next({.rate = 20000});
    s.Observe(n, 0.001);
  }
  // At most kRateSliceS seconds of the rate's rows, not the 50,000 ceiling.
  EXPECT_EQ(s.Next({.rate = 20000}), static_cast<int>(20000 * kRateSliceS));
  EXPECT_EQ(s.Next({.rate = 20}), 10) << "but never under the floor";
}

TEST(AdaptiveBatchSizeTest, PressureHalvesOncePerBatchAndRecoversWithTime) {
  FakeClock clock;
  AdaptiveBatchOptions o = Opts();
  o.clock = &clock;
  AdaptiveBatchSize s(o);
  s.Pressure();
  EXPECT_EQ(s.Next(), 500);
  s.Pressure();  // no batch observed since: the same pressure
  EXPECT_EQ(s.Next(), 500);
  for (int i = 0; i < 20; ++i) s.Observe(s.Next(), 0.001);  // fast: auto alone would grow
  EXPECT_EQ(s.Next(), 500) << "batches alone earn nothing back";
  clock.Advance(AdaptiveBatchSize::kRecoveryIntervalS);
  s.Observe(500, 0.001);
  EXPECT_EQ(s.Next(), 625) << "x1.25 per quiet interval";
  clock.Advance(2 * AdaptiveBatchSize::kRecoveryIntervalS);
  s.Observe(625, 0.001);
  EXPECT_EQ(s.Next(), 978) << "two intervals: x1.25 twice (782, then 978)";
  s.Pressure();
  EXPECT_EQ(s.Next(), 489);
  s.Observe(489, 0.001);
  s.Pressure(0.01);  // a wait 100x the budget: at most /8
  EXPECT_EQ(s.Next(), 61);
  AdaptiveBatchSize fixed(Fixed(1000));
  fixed.Pressure();
  EXPECT_EQ(fixed.Next(), 1000) << "a fixed size stays fixed";
}

TEST(AdaptiveBatchSizeTest, OperatorFloorAndCeilingApplyToAuto) {
  AdaptiveBatchSize s(Opts());
  EXPECT_EQ(s.Next({.max_rows = 200}), 200);
  EXPECT_EQ(s.Next({.min_rows = 5000}), 5000);
}

TEST(AdaptiveBatchSizeTest, InitialSizeIsClamped) {
  AdaptiveBatchOptions o = Opts();
  o.initial_rows = 1;
  EXPECT_EQ(AdaptiveBatchSize(o).Next(), 10);
  o.initial_rows = 1000000;
  EXPECT_EQ(AdaptiveBatchSize(o).Next(), 50000);
}

}  // namespace
}  // namespace sluice::chunk
