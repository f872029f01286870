// The rows per batch. Two modes:
//  - fixed (batch-size=N): every batch has N keys. Only a shrink-batch error
//    lowers it (halving), and only until batches succeed again: each success
//    doubles it back, up to N.
//  - auto (batch-size=auto): each successful batch reports its size and
//    duration; the next size moves towards target_s at that per-row speed, by
//    at most max_growth per step (either way), within [min_rows, max_rows].
// Under a rate limit an auto batch takes at most kRateSliceS seconds of the
// rate's tokens, so that the limiter can pace it smoothly. Thread-safe.
#pragma once

#include <mutex>

#include "engine/throttle/clock.h"

namespace sluice::chunk {

enum class BatchMode { kFixed, kAuto };
const char* BatchModeName(BatchMode m);  // "fixed" / "auto"

struct AdaptiveBatchOptions {
  BatchMode mode = BatchMode::kAuto;
  int initial_rows = 1000;  // fixed: N; auto: where sizing starts
  int min_rows = 10;        // auto: floor
  int max_rows = 100000;    // auto: ceiling
  double target_s = 0.5;    // auto: wanted duration of one batch
  double max_growth = 2.0;  // auto: largest factor between consecutive sizes (> 1)
  MonotonicClock* clock = nullptr;  // for the pressure's recovery; null: the real one
};

// `set batch-size=auto` on the control socket.
inline constexpr int kAutoOverride = -1;

// The operator's live settings and the rate limit, read before each batch.
struct BatchOverrides {
  int batch_size = 0;  // > 0: fixed N; kAutoOverride: auto; 0: the configured mode
  int min_rows = 0;    // auto floor; 0: configured
  int max_rows = 0;    // auto ceiling; 0: configured
  double rate = 0;     // rows/s of the rate limit; 0: none
};

// Seconds of a rate limit's tokens one auto-sized batch may take.
inline constexpr double kRateSliceS = 0.2;

class AdaptiveBatchSize {
 public:
  explicit AdaptiveBatchSize(AdaptiveBatchOptions opts);

  // Rows for the next batch.
  int Next(const BatchOverrides& o = {}) const;
  BatchMode Mode(int override_rows = 0) const;
  // A batch of `rows` keys took `seconds` (its own time, not throttle waits).
  void Observe(int rows, double seconds);
  // A batch was too large for the server (shrink-batch error): halve.
  void Shrink(int failed_rows);
  // Auto: the batches make the application wait too long (lock-wait
  // budget): scale the size by `factor` (the budget over the wait, between
  // 1/8 and 1/2), at most once per observed batch. The size then stays
  // capped there and the cap grows back by kRecoveryGrowth per
  // kRecoveryIntervalS without pressure: by time, not per batch, so that
  // small batches (many per second) do not earn the size back at once.
  void Pressure(double factor = 0.5);
  static constexpr double kRecoveryGrowth = 1.25;
  static constexpr double kRecoveryIntervalS = 1.0;

 private:
  int Clamp(double rows) const;

  AdaptiveBatchOptions opts_;
  mutable std::mutex mu_;
  int auto_rows_;   // auto: the current size
  int limit_rows_;  // fixed: the size after shrink-batch errors (<= any fixed N)
  int pressure_cap_;  // auto: ceiling after Pressure(), growing back with time
  double relaxed_at_ = 0;  // when the cap last grew (or was set)
  bool observed_since_pressure_ = true;
};

}  // namespace sluice::chunk
