// The live progress of one data step, shared by its workers: keeps the
// snapshot (rows done / estimated, rate, ETA, batch size, workers, throttle
// state, retries) and publishes it through the ProgressReporter on every
// batch, retry and throttle. rows_done counts keys covered by finished
// chunks (comparable with the table's row estimate); rows changed are
// counted separately. Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <string>

#include "engine/progress/progress.h"

namespace sluice {

// The batch size after a batch, and its mode ("fixed" / "auto"; "" if none).
struct BatchSizeNow {
  int rows = 0;
  const char* mode = "";
};

class StepProgress {
 public:
  // `base`: revision, step, table, rows_estimated... `resumed_keys/rows`:
  // what earlier runs finished.
  StepProgress(ProgressReporter& reporter, ProgressSnapshot base, uint64_t resumed_keys,
               uint64_t resumed_rows);

  void Batch(const BatchEvent& e, uint64_t keys, BatchSizeNow size, int workers);
  void Retry(ErrorClass c, const Error& e);
  // `seconds` throttled by `label` ("throttle", "rate") for `reason`.
  void Throttle(const std::string& label, const std::string& reason, double seconds);
  void Unthrottle();
  // The foreground's longest wait on our locks now, and why batches shrink
  // ("" when they do not).
  void LockWait(double seconds, const std::string& shrink_reason);
  // RunControl::State(): "running", "pausing", "paused", "stopping"...
  void RunState(const std::string& state);
  void Phase(const std::string& phase);
  void Finish(const Status& st);

  ProgressSnapshot Snapshot() const;
  uint64_t rows_changed() const;  // rows changed by this run and earlier ones

 private:
  void Update();  // rate and ETA; mu_ held

  ProgressReporter& reporter_;
  mutable std::mutex mu_;
  ProgressSnapshot snap_;
  uint64_t rows_changed_ = 0;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace sluice
