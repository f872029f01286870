#include "engine/chunk/adaptive_batch_size.h"

#include <algorithm>
#include <cmath>

namespace sluice::chunk {

AdaptiveBatchSize::AdaptiveBatchSize(AdaptiveBatchOptions opts) : opts_(opts) {
  opts_.min_rows = std::max(1, opts_.min_rows);
  opts_.max_rows = std::max(opts_.min_rows, opts_.max_rows);
  opts_.max_growth = std::max(1.0, opts_.max_growth);
  current_ = Clamp(opts_.initial_rows);
}

int AdaptiveBatchSize::Clamp(double rows) const {
  if (!(rows >= opts_.min_rows)) return opts_.min_rows;  // also NaN
  if (rows > opts_.max_rows) return opts_.max_rows;
  return static_cast<int>(std::lround(rows));
}

int AdaptiveBatchSize::Next(int override_rows) const {
  if (override_rows > 0) return override_rows;
  std::lock_guard<std::mutex> lock(mu_);
  return current_;
}

void AdaptiveBatchSize::Observe(int rows, double seconds) {
  if (rows <= 0 || opts_.target_s <= 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  // Rows the observed speed would fit into the target time; a batch too fast
  // to time counts as the largest allowed step up.
  double ideal = seconds > 0 ? rows * (opts_.target_s / seconds) : rows * opts_.max_growth;
  double lo = current_ / opts_.max_growth;
  double hi = current_ * opts_.max_growth;
  current_ = Clamp(std::clamp(ideal, lo, hi));
}

void AdaptiveBatchSize::Shrink(int failed_rows) {
  std::lock_guard<std::mutex> lock(mu_);
  current_ = Clamp(std::min(current_, std::max(1, failed_rows)) / 2.0);
}

}  // namespace sluice::chunk
