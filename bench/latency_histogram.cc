#include "bench/latency_histogram.h"

#include <algorithm>
#include <cmath>

namespace sluice::bench {

namespace {

constexpr int kBuckets = LatencyHistogram::kBucketsPerDecade * LatencyHistogram::kDecades;

int BucketOf(double seconds) {
  if (!(seconds > LatencyHistogram::kMin)) return 0;
  double pos = std::log10(seconds / LatencyHistogram::kMin) * LatencyHistogram::kBucketsPerDecade;
  return std::clamp(static_cast<int>(pos), 0, kBuckets - 1);
}

// Bucket b covers [kMin * 10^(b/k), kMin * 10^((b+1)/k)).
double BucketMiddle(int b) {
  return LatencyHistogram::kMin *
         std::pow(10.0, (b + 0.5) / LatencyHistogram::kBucketsPerDecade);
}

}  // namespace

void LatencyHistogram::Record(double seconds) {
  if (seconds < 0) seconds = 0;
  ++buckets_[BucketOf(seconds)];
  ++count_;
  sum_ += seconds;
  max_ = std::max(max_, seconds);
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (int b = 0; b < kBuckets; ++b) buckets_[b] += other.buckets_[b];
  count_ += other.count_;
  sum_ += other.sum_;
  max_ = std::max(max_, other.max_);
}

double LatencyHistogram::Percentile(double q) const {
  if (count_ == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  // The rank of the sample asked for, 1-based: p99 of 100 samples is the 99th.
  uint64_t rank = std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(q * count_)));
  uint64_t seen = 0;
  for (int b = 0; b < kBuckets; ++b) {
    seen += buckets_[b];
    if (seen >= rank) return std::min(BucketMiddle(b), max_);
  }
  return max_;
}

}  // namespace sluice::bench
