#include "engine/exec/step_progress.h"

namespace sluice {

StepProgress::StepProgress(ProgressReporter& reporter, ProgressSnapshot base, uint64_t resumed_keys,
                           uint64_t resumed_rows)
    : reporter_(reporter), snap_(std::move(base)), rows_changed_(resumed_rows) {
  snap_.rows_done = resumed_keys;
  snap_.rows_resumed = resumed_keys;
  if (snap_.rows_estimated > 0 && snap_.rows_estimated < snap_.rows_done) {
    snap_.rows_estimated = snap_.rows_done;
  }
  reporter_.Snapshot(snap_);
}

void StepProgress::Update() {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const uint64_t this_run = snap_.rows_done - snap_.rows_resumed;
  snap_.rows_per_s = elapsed > 0 ? static_cast<double>(this_run) / elapsed : 0;
  // The estimate is the table's TABLE_ROWS: never show more done than estimated.
  if (snap_.rows_estimated > 0 && snap_.rows_done > snap_.rows_estimated) {
    snap_.rows_estimated = snap_.rows_done;
  }
  if (snap_.rows_per_s > 0 && snap_.rows_estimated > 0) {
    snap_.eta_s = static_cast<double>(snap_.rows_estimated - snap_.rows_done) / snap_.rows_per_s;
  } else {
    snap_.eta_s = -1;
  }
}

void StepProgress::Batch(const BatchEvent& e, uint64_t keys, BatchSizeNow size, int workers) {
  std::lock_guard<std::mutex> lock(mu_);
  if (e.outcome == BatchOutcome::kOk) {
    snap_.rows_done += keys;
    rows_changed_ += e.rows;
  }
  snap_.batch_size = size.rows;
  snap_.batch_mode = size.mode;
  snap_.workers = workers;
  Update();
  reporter_.Batch(snap_, e);
}

void StepProgress::Retry(ErrorClass c, const Error& e) {
  std::lock_guard<std::mutex> lock(mu_);
  snap_.retries += 1;
  reporter_.Retry(snap_, c, e);
}

void StepProgress::Throttle(const std::string& label, const std::string& reason, double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  snap_.throttled = true;
  snap_.throttle_reason = reason;
  reporter_.Throttle(snap_, label, seconds);
}

void StepProgress::Unthrottle() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!snap_.throttled) return;
  snap_.throttled = false;
  snap_.throttle_reason.clear();
  reporter_.Snapshot(snap_);
}

void StepProgress::RunState(const std::string& state) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string shown = state == "running" ? "" : state;
  if (snap_.run_state == shown) return;
  snap_.run_state = shown;
  snap_.paused = state == "paused";
  reporter_.Snapshot(snap_);
}

void StepProgress::LockWait(double seconds, const std::string& shrink_reason) {
  std::lock_guard<std::mutex> lock(mu_);
  const bool changed = snap_.sizing_reason != shrink_reason;
  snap_.foreground_lock_wait_s = seconds;
  snap_.sizing_reason = shrink_reason;
  if (changed) reporter_.Snapshot(snap_);
}

void StepProgress::Phase(const std::string& phase) {
  std::lock_guard<std::mutex> lock(mu_);
  snap_.phase = phase;
  reporter_.Snapshot(snap_);
}

void StepProgress::Finish(const Status& st) {
  std::lock_guard<std::mutex> lock(mu_);
  Update();
  reporter_.Finish(snap_, st);
}

ProgressSnapshot StepProgress::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return snap_;
}

uint64_t StepProgress::rows_changed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rows_changed_;
}

}  // namespace sluice
