// --progress json: one JSON object per line. Snapshots and batches are
// written at most every interval_s; retries, throttle changes and the end of
// a step always.
#pragma once

#include <cstdio>
#include <string>

#include "engine/progress/progress.h"
#include "engine/throttle/clock.h"

namespace sluice {

struct JsonLinesSinkOptions {
  double interval_s = 1;  // minimum seconds between "progress" lines
};

class JsonLinesSink : public ProgressSink {
 public:
  // `out` is not owned.
  explicit JsonLinesSink(FILE* out, JsonLinesSinkOptions opts = {},
                         MonotonicClock& clock = RealClock::Instance());

  void OnSnapshot(const ProgressSnapshot& s) override;
  void OnBatch(const ProgressSnapshot& s, const BatchEvent& e) override;
  void OnRetry(const ProgressSnapshot& s, ErrorClass c, const Error& e) override;
  void OnThrottle(const ProgressSnapshot& s, const std::string& reason, double seconds) override;
  void OnFinish(const ProgressSnapshot& s, const Status& st) override;

 private:
  void Progress(const ProgressSnapshot& s);

  FILE* out_;
  JsonLinesSinkOptions opts_;
  MonotonicClock& clock_;
  double last_progress_ = -1;
  std::string last_throttle_;  // reason text of the last "throttle" line
};

}  // namespace sluice
