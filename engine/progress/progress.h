// The progress model: snapshots and events published by long steps (batch
// executor, shadow copy, TiDB DDL watcher), fanned out to sinks (terminal,
// JSON lines, Prometheus, control socket status).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/status.h"

namespace sluice {

struct ProgressSnapshot {
  std::string revision;         // revision id, or "alter" for sluice alter
  int step = 0;                 // 1-based step index within the revision
  std::string step_kind;        // "data", "schema", "plain"
  std::string table;
  std::string phase;            // "copy", "checksum", "cut-over", "ddl: write reorganization"...
  uint64_t rows_done = 0;
  uint64_t rows_estimated = 0;  // 0: unknown
  double rows_per_s = 0;
  double eta_s = -1;            // -1: unknown
  int batch_size = 0;
  std::string batch_mode;       // "fixed" (batch-size=N) or "auto"; "" when not batched
  int workers = 0;
  bool throttled = false;
  std::string throttle_reason;  // why, when throttled
  bool paused = false;          // manual pause, and no batch running any more
  std::string run_state;        // "pausing", "paused", "stopping"...; "" while running
  double foreground_lock_wait_s = 0;  // longest application wait on sluice's locks now
  std::string sizing_reason;    // why batches are being made smaller ("" when they are not)
  uint64_t retries = 0;
  uint64_t rows_resumed = 0;    // part of rows_done finished by an earlier run (checkpoint)
  std::string state;            // free text: e.g. TiDB job STATE "running"
  double Ratio() const;         // 0..1, or 0 when unknown
};

enum class BatchOutcome { kOk, kRetry, kShrink, kFailed };
const char* BatchOutcomeName(BatchOutcome o);

struct BatchEvent {
  BatchOutcome outcome = BatchOutcome::kOk;
  double seconds = 0;
  uint64_t rows = 0;        // rows affected
  int batch_size = 0;       // rows asked for
};

// A destination for progress. All methods may be called from any worker
// thread; the reporter serialises the calls.
class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  virtual void OnSnapshot(const ProgressSnapshot& /*s*/) {}
  virtual void OnBatch(const ProgressSnapshot& /*s*/, const BatchEvent& /*e*/) {}
  virtual void OnRetry(const ProgressSnapshot& /*s*/, ErrorClass /*c*/, const Error& /*e*/) {}
  // `reason` is the throttle signal's short label ("load", "lag", "rate",
  // "pause", "flag-file"; metric label); s.throttle_reason has the full text.
  // `seconds` is the throttled time added since the last call.
  virtual void OnThrottle(const ProgressSnapshot& /*s*/, const std::string& /*reason*/,
                          double /*seconds*/) {}
  // The step ended (ok or not); sinks flush and print a final line.
  virtual void OnFinish(const ProgressSnapshot& /*s*/, const Status& /*st*/) {}
};

// Fans out to sinks and keeps the latest snapshot for `status` queries.
class ProgressReporter {
 public:
  void AddSink(std::shared_ptr<ProgressSink> sink);
  void Snapshot(const ProgressSnapshot& s);
  void Batch(const ProgressSnapshot& s, const BatchEvent& e);
  void Retry(const ProgressSnapshot& s, ErrorClass c, const Error& e);
  void Throttle(const ProgressSnapshot& s, const std::string& reason, double seconds);
  void Finish(const ProgressSnapshot& s, const Status& st);
  // Finishes the latest step if its code published snapshots but no Finish
  // (a change the server makes in one statement), so the bar ends there.
  void FinishOpenStep(const Status& st);
  ProgressSnapshot Latest() const;

 private:
  mutable std::mutex mu_;
  bool step_open_ = false;  // a snapshot since the last Finish
  std::vector<std::shared_ptr<ProgressSink>> sinks_;
  ProgressSnapshot latest_;
};

}  // namespace sluice
