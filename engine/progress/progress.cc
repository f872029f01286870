#include "engine/progress/progress.h"

namespace sluice {

double ProgressSnapshot::Ratio() const {
  if (rows_estimated == 0) return 0;
  double r = static_cast<double>(rows_done) / static_cast<double>(rows_estimated);
  return r > 1 ? 1 : r;
}

const char* BatchOutcomeName(BatchOutcome o) {
  switch (o) {
    case BatchOutcome::kOk:
      return "ok";
    case BatchOutcome::kRetry:
      return "retry";
    case BatchOutcome::kShrink:
      return "shrink";
    case BatchOutcome::kFailed:
      return "failed";
  }
  return "failed";
}

void ProgressReporter::AddSink(std::shared_ptr<ProgressSink> sink) {
  std::lock_guard<std::mutex> lock(mu_);
  sinks_.push_back(std::move(sink));
}

void ProgressReporter::Snapshot(const ProgressSnapshot& s) {
  std::lock_guard<std::mutex> lock(mu_);
  latest_ = s;
  step_open_ = true;
  for (auto& sink : sinks_) sink->OnSnapshot(s);
}

void ProgressReporter::Batch(const ProgressSnapshot& s, const BatchEvent& e) {
  std::lock_guard<std::mutex> lock(mu_);
  latest_ = s;
  step_open_ = true;
  for (auto& sink : sinks_) sink->OnBatch(s, e);
}

void ProgressReporter::Retry(const ProgressSnapshot& s, ErrorClass c, const Error& e) {
  std::lock_guard<std::mutex> lock(mu_);
  latest_ = s;
  step_open_ = true;
  for (auto& sink : sinks_) sink->OnRetry(s, c, e);
}

void ProgressReporter::Throttle(const ProgressSnapshot& s, const std::string& reason,
                                double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  latest_ = s;
  step_open_ = true;
  for (auto& sink : sinks_) sink->OnThrottle(s, reason, seconds);
}

void ProgressReporter::Finish(const ProgressSnapshot& s, const Status& st) {
  std::lock_guard<std::mutex> lock(mu_);
  latest_ = s;
  step_open_ = false;
  for (auto& sink : sinks_) sink->OnFinish(s, st);
}

void ProgressReporter::FinishOpenStep(const Status& st) {
  ProgressSnapshot s;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!step_open_) return;
    s = latest_;
  }
  Finish(s, st);
}

ProgressSnapshot ProgressReporter::Latest() const {
  std::lock_guard<std::mutex> lock(mu_);
  return latest_;
}

}  // namespace sluice
