// CompositeThrottler: combines throttle signals into one decision that always
// says why. Slow signals (server queries) are re-read at most every
// check_interval_s; cheap ones (pause, flag file) on every check. A critical
// signal aborts only after it stayed critical for critical_grace_s. Time spent
// throttled is counted per signal label.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/throttle/clock.h"
#include "engine/throttle/throttler.h"

namespace sluice {

class CompositeThrottler : public Throttler {
 public:
  // Called after each evaluation while throttled or on release, with the new
  // decision and the throttled seconds added per label since the last call.
  using Listener =
      std::function<void(const ThrottleDecision& now, const std::map<std::string, double>& added)>;

  CompositeThrottler(double check_interval_s, double critical_grace_s,
                     MonotonicClock& clock = RealClock::Instance());

  void Add(std::unique_ptr<ThrottleSignal> signal);
  void SetListener(Listener listener);

  ThrottleDecision Check() override;
  // The smallest ceiling any signal sets.
  double BatchTimeCeiling() const override;
  // The latest decision, without reading any signal.
  ThrottleDecision Last() const;
  // Total seconds throttled per signal label ("load", "lag", "rate"...).
  std::map<std::string, double> ThrottledSeconds() const;
  // Time spent waiting outside the composite (token bucket) under `label`.
  void AddThrottledTime(const std::string& label, double seconds);
  size_t size() const;

 private:
  struct Entry {
    std::unique_ptr<ThrottleSignal> signal;
    ThrottleDecision last;      // cached decision of a slow signal
    double critical_since = -1; // when it first reported critical; -1: not critical
  };
  ThrottleDecision Read(Entry& e, double now);

  const double check_interval_s_;
  const double critical_grace_s_;
  MonotonicClock& clock_;
  mutable std::mutex mu_;
  std::vector<Entry> entries_;
  double last_slow_read_ = -1;  // when slow signals were last read
  double last_account_ = -1;
  ThrottleDecision decision_;
  std::map<std::string, double> throttled_s_;
  Listener listener_;
};

}  // namespace sluice
