#include "bench/latency_histogram.h"

#include <gtest/gtest.h>

namespace sluice::bench {
namespace {

TEST(LatencyHistogram, EmptyIsZero) {
  LatencyHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.Percentile(0.99), 0);
}

TEST(LatencyHistogram, PercentilesWithinABucket) {
  LatencyHistogram h;
  // 1..1000 ms, one sample each: p50 = 500 ms, p99 = 990 ms.
  for (int ms = 1; ms <= 1000; ++ms) h.Record(ms / 1000.0);
  EXPECT_EQ(h.count(), 1000u);
  EXPECT_NEAR(h.Percentile(0.5), 0.5, 0.5 * 0.06);
  EXPECT_NEAR(h.Percentile(0.99), 0.99, 0.99 * 0.06);
  EXPECT_DOUBLE_EQ(h.Percentile(1.0), 1.0);  // clamped to the largest sample
  EXPECT_DOUBLE_EQ(h.max(), 1.0);
  EXPECT_NEAR(h.sum(), 500.5, 1e-6);
}

TEST(LatencyHistogram, TailSamplesShowInP99) {
  LatencyHistogram h;
  for (int i = 0; i < 980; ++i) h.Record(0.001);
  for (int i = 0; i < 20; ++i) h.Record(0.2);
  EXPECT_NEAR(h.Percentile(0.5), 0.001, 0.0001);
  EXPECT_NEAR(h.Percentile(0.99), 0.2, 0.2 * 0.06);
}

TEST(LatencyHistogram, MergeAddsCounts) {
  LatencyHistogram a, b;
  for (int i = 0; i < 10; ++i) a.Record(0.001);
  for (int i = 0; i < 90; ++i) b.Record(0.05);
  a.Merge(b);
  EXPECT_EQ(a.count(), 100u);
  EXPECT_NEAR(a.Percentile(0.5), 0.05, 0.05 * 0.06);
  EXPECT_DOUBLE_EQ(a.max(), 0.05);
}

TEST(LatencyHistogram, ExtremesAreClamped) {
  LatencyHistogram h;
  h.Record(-1);
  h.Record(0);
  h.Record(5000);
  EXPECT_EQ(h.count(), 3u);
  EXPECT_DOUBLE_EQ(h.max(), 5000);
  EXPECT_GT(h.Percentile(1.0), 100);
}

}  // namespace
}  // namespace sluice::bench
