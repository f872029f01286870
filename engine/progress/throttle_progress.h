// Feeds the throttler's state into progress: time throttled per reason goes
// to ProgressReporter::Throttle (-> sluice_throttle_seconds_total, JSON
// lines, bar), and the latest snapshot shows the throttle state and reason.
#pragma once

#include "engine/progress/progress.h"
#include "engine/throttle/composite_throttler.h"
#include "engine/throttle/token_bucket.h"

namespace sluice {

// Sets the throttler's listener. `progress` must outlive the throttler's use.
void ReportThrottlingTo(CompositeThrottler& throttler, ProgressReporter& progress);
// Counts the token bucket's hold-back time as reason "rate" in the throttler
// (and so in progress).
void ReportRateLimitTo(TokenBucket& bucket, CompositeThrottler& throttler);

}  // namespace sluice
