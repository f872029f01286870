// TokenBucket: --max-rate ROWS/S shared by all workers of a step. Each worker
// takes as many tokens as rows it is about to touch; the bucket may go into
// debt for a batch larger than the burst, and the next takers wait it out.
// `set max-rate=N` on the control socket (RunControl::max_rate) overrides the
// configured rate from the next take on.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>

#include "engine/throttle/clock.h"

namespace sluice {

class RunControl;

struct TokenBucketOptions {
  double rate = 0;        // tokens (rows) per second; 0: unlimited
  double burst_s = 1.0;   // the bucket holds at most rate * burst_s tokens
};

class TokenBucket {
 public:
  explicit TokenBucket(TokenBucketOptions opts, RunControl* control = nullptr,
                       MonotonicClock& clock = RealClock::Instance());

  // Called with the wall time the bucket holds the run back (its time in
  // debt), once per take that extends it. For throttle metrics ("rate").
  void SetOnThrottled(std::function<void(double seconds)> fn);

  // Reserves n tokens and returns how long the caller must wait before using
  // them (0 when available). Never sleeps.
  double Reserve(uint64_t n);
  // Reserve + sleep. Wakes early when the run stops; returns the seconds waited.
  double Acquire(uint64_t n);

  // The effective rate: the operator's override, else the configured one.
  double rate() const;
  void SetRate(double rate);

 private:
  TokenBucketOptions opts_;
  RunControl* control_;
  MonotonicClock& clock_;
  mutable std::mutex mu_;
  double tokens_ = 0;       // starts empty: no burst at the start of a run
  double last_ = -1;        // last refill time
  double debt_until_ = -1;  // when the current debt will be paid off
  std::function<void(double)> on_throttled_;
};

}  // namespace sluice
