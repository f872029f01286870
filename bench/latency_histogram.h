// A log-bucket latency histogram: constant memory however many samples, and
// percentiles within one bucket's width (about 6%). Used for foreground query
// latencies and batch durations. Not thread-safe: each thread keeps its own
// and they are merged.
#pragma once

#include <array>
#include <cstdint>

namespace sluice::bench {

class LatencyHistogram {
 public:
  // Records one sample, in seconds. Values below 1 µs land in the first
  // bucket, above ~1000 s in the last.
  void Record(double seconds);
  void Merge(const LatencyHistogram& other);

  uint64_t count() const { return count_; }
  double max() const { return max_; }
  double sum() const { return sum_; }
  // The q-quantile (0 < q <= 1) in seconds: the geometric middle of the bucket
  // holding it, clamped to the largest sample seen. 0 when empty.
  double Percentile(double q) const;

  static constexpr int kBucketsPerDecade = 40;
  static constexpr int kDecades = 9;  // 1 µs .. 1000 s
  static constexpr double kMin = 1e-6;

 private:
  std::array<uint64_t, kBucketsPerDecade * kDecades> buckets_{};
  uint64_t count_ = 0;
  double max_ = 0;
  double sum_ = 0;
};

}  // namespace sluice::bench
