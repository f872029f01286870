#include "engine/chunk/adaptive_batch_size.h"

#include <algorithm>
#include <climits>
#include <cmath>

namespace sluice::chunk {

const char* BatchModeName(BatchMode m) { return m == BatchMode::kFixed ? "fixed" : "auto"; }

AdaptiveBatchSize::AdaptiveBatchSize(AdaptiveBatchOptions opts) : opts_(opts) {
  opts_.min_rows = std::max(1, opts_.min_rows);
  opts_.max_rows = std::max(opts_.min_rows, opts_.max_rows);
  opts_.max_growth = std::max(1.0, opts_.max_growth);
  opts_.initial_rows = std::max(1, opts_.initial_rows);
  if (opts_.clock == nullptr) opts_.clock = &RealClock::Instance();
  auto_rows_ = Clamp(opts_.initial_rows);
  limit_rows_ = INT_MAX;
  pressure_cap_ = INT_MAX;
}

int AdaptiveBatchSize::Clamp(double rows) const {
  if (!(rows >= opts_.min_rows)) return opts_.min_rows;  // also NaN
  if (rows > opts_.max_rows) return opts_.max_rows;
  return static_cast<int>(std::lround(rows));
}

BatchMode AdaptiveBatchSize::Mode(int override_rows) const {
  if (override_rows > 0) return BatchMode::kFixed;
  if (override_rows == kAutoOverride) return BatchMode::kAuto;
  return opts_.mode;
}

int AdaptiveBatchSize::Next(const BatchOverrides& o) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (Mode(o.batch_size) == BatchMode::kFixed) {
    const int n = o.batch_size > 0 ? o.batch_size : opts_.initial_rows;
    return std::min(n, limit_rows_);
  }
  const int floor = o.min_rows > 0 ? o.min_rows : opts_.min_rows;
  const int ceiling = std::max(floor, o.max_rows > 0 ? o.max_rows : opts_.max_rows);
  double rows = auto_rows_;
  if (o.rate > 0) rows = std::min(rows, o.rate * kRateSliceS);
  return static_cast<int>(std::clamp<double>(std::lround(rows), floor, ceiling));
}

void AdaptiveBatchSize::Observe(int rows, double seconds) {
  if (rows <= 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  // Fixed: a success after a shrink earns the size back step by step.
  if (limit_rows_ != INT_MAX) {
    limit_rows_ = limit_rows_ > INT_MAX / 2 ? INT_MAX : limit_rows_ * 2;
  }
  if (opts_.target_s <= 0) return;
  // Rows the observed speed would fit into the target time; a batch too fast
  // to time counts as the largest allowed step up. The step is bounded from
  // the observed batch, so a batch held small (by a rate limit) grows slowly.
  double ideal = seconds > 0 ? rows * (opts_.target_s / seconds) : rows * opts_.max_growth;
  double lo = auto_rows_ / opts_.max_growth;
  double hi = std::min(auto_rows_, rows) * opts_.max_growth;
  auto_rows_ = Clamp(std::clamp(ideal, lo, hi));
  observed_since_pressure_ = true;
  const double now = opts_.clock->Now();
  while (pressure_cap_ != INT_MAX && now - relaxed_at_ >= kRecoveryIntervalS) {
    relaxed_at_ += kRecoveryIntervalS;
    pressure_cap_ = static_cast<int>(std::ceil(pressure_cap_ * kRecoveryGrowth));
    if (pressure_cap_ >= opts_.max_rows) pressure_cap_ = INT_MAX;
  }
  auto_rows_ = std::min(auto_rows_, pressure_cap_);
}

void AdaptiveBatchSize::Pressure(double factor) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!observed_since_pressure_) return;
  observed_since_pressure_ = false;
  auto_rows_ = Clamp(auto_rows_ * std::clamp(factor, 0.125, 0.5));
  pressure_cap_ = auto_rows_;
  relaxed_at_ = opts_.clock->Now();
}

void AdaptiveBatchSize::Shrink(int failed_rows) {
  std::lock_guard<std::mutex> lock(mu_);
  const int failed = std::max(1, failed_rows);
  auto_rows_ = Clamp(std::min(auto_rows_, failed) / 2.0);
  limit_rows_ = std::min(limit_rows_, std::max(1, failed / 2));
}

}  // namespace sluice::chunk
