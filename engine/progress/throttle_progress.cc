#include "engine/progress/throttle_progress.h"

namespace sluice {

void ReportThrottlingTo(CompositeThrottler& throttler, ProgressReporter& progress) {
  throttler.SetListener([&progress](const ThrottleDecision& now,
                                    const std::map<std::string, double>& added) {
    ProgressSnapshot s = progress.Latest();
    s.throttled = now.throttle;
    s.throttle_reason = now.reason;
    s.paused = now.signal.find("pause") != std::string::npos;
    if (added.empty()) {
      progress.Throttle(s, now.signal, 0);
      return;
    }
    for (const auto& [label, seconds] : added) progress.Throttle(s, label, seconds);
  });
}

void ReportRateLimitTo(TokenBucket& bucket, CompositeThrottler& throttler) {
  bucket.SetOnThrottled([&throttler](double seconds) { throttler.AddThrottledTime("rate", seconds); });
}

}  // namespace sluice
