#include "engine/throttle/token_bucket.h"

#include <algorithm>

#include "engine/exec/run_control.h"

namespace sluice {

TokenBucket::TokenBucket(TokenBucketOptions opts, RunControl* control, MonotonicClock& clock)
    : opts_(opts), control_(control), clock_(clock) {}

void TokenBucket::SetOnThrottled(std::function<void(double)> fn) {
  std::lock_guard<std::mutex> lock(mu_);
  on_throttled_ = std::move(fn);
}

double TokenBucket::rate() const {
  if (control_ != nullptr && control_->max_rate() > 0) return control_->max_rate();
  std::lock_guard<std::mutex> lock(mu_);
  return opts_.rate;
}

void TokenBucket::SetRate(double rate) {
  std::lock_guard<std::mutex> lock(mu_);
  opts_.rate = rate;
}

double TokenBucket::Reserve(uint64_t n) {
  const double r = rate();
  std::function<void(double)> notify;
  double wait = 0, held = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const double now = clock_.Now();
    if (r <= 0) {
      last_ = now;
      return 0;
    }
    if (last_ >= 0) tokens_ = std::min(tokens_ + (now - last_) * r, r * opts_.burst_s);
    last_ = now;
    tokens_ -= static_cast<double>(n);
    if (tokens_ >= 0) return 0;
    wait = -tokens_ / r;
    // Wall time held back: only the part of this debt beyond the previous one.
    const double until = now + wait;
    held = until - std::max(debt_until_, now);
    debt_until_ = until;
    notify = on_throttled_;
  }
  if (notify && held > 0) notify(held);
  return wait;
}

double TokenBucket::Acquire(uint64_t n) {
  const double wait = Reserve(n);
  if (wait <= 0) return 0;
  const double start = clock_.Now();
  if (control_ != nullptr) {
    control_->SleepFor(std::chrono::milliseconds(static_cast<long>(wait * 1000 + 0.5)));
  } else {
    clock_.Sleep(wait);
  }
  return clock_.Now() - start;
}

}  // namespace sluice
