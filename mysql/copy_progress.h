// The shadow copy's rows are copied by a data step of its own (with its own
// checkpoint key); its progress belongs to the schema step that runs it.
// CopyPhaseSink forwards that data step's snapshots, batches, retries and
// throttles to the schema step's reporter as its "copy" phase, and keeps
// the data step's end to itself: the schema step ends after its checksum
// and cut-over, with one final line.
#pragma once

#include <string>

#include "engine/progress/progress.h"

namespace sluice::mysql {

class CopyPhaseSink : public ProgressSink {
 public:
  // `revision`: the schema step's revision (the data step has its
  // checkpoint key instead).
  CopyPhaseSink(ProgressReporter& outer, std::string revision)
      : outer_(outer), revision_(std::move(revision)) {}

  void OnSnapshot(const ProgressSnapshot& s) override { outer_.Snapshot(AsCopy(s)); }
  void OnBatch(const ProgressSnapshot& s, const BatchEvent& e) override {
    outer_.Batch(AsCopy(s), e);
  }
  void OnRetry(const ProgressSnapshot& s, ErrorClass c, const Error& e) override {
    outer_.Retry(AsCopy(s), c, e);
  }
  void OnThrottle(const ProgressSnapshot& s, const std::string& reason, double seconds) override {
    outer_.Throttle(AsCopy(s), reason, seconds);
  }

 private:
  ProgressSnapshot AsCopy(ProgressSnapshot s) const {
    s.revision = revision_;
    s.step_kind = "schema";
    s.phase = "copy";
    return s;
  }
  ProgressReporter& outer_;
  std::string revision_;
};

}  // namespace sluice::mysql
