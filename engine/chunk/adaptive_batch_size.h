// Adaptive batch size: steers the rows per batch towards a target batch
// time. Each successful batch reports its size and duration; the next size
// moves towards target_s at that per-row speed, by at most max_growth per
// step (either way), and stays within [min_rows, max_rows]. Thread-safe.
#pragma once

#include <mutex>

namespace sluice::chunk {

struct AdaptiveBatchOptions {
  int initial_rows = 1000;  // batch-size= : where sizing starts
  int min_rows = 10;        // floor
  int max_rows = 100000;    // ceiling
  double target_s = 0.5;    // wanted duration of one batch
  double max_growth = 2.0;  // largest factor between consecutive sizes (> 1)
};

class AdaptiveBatchSize {
 public:
  explicit AdaptiveBatchSize(AdaptiveBatchOptions opts);

  // Rows for the next batch. `override_rows` > 0 (the operator's
  // `set batch-size=N`) wins and is returned as is.
  int Next(int override_rows = 0) const;
  // A batch of `rows` keys took `seconds`.
  void Observe(int rows, double seconds);
  // A batch was too large for the server (shrink-batch error): halve.
  void Shrink(int failed_rows);

 private:
  int Clamp(double rows) const;

  AdaptiveBatchOptions opts_;
  mutable std::mutex mu_;
  int current_;
};

}  // namespace sluice::chunk
