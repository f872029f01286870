#include "engine/exec/run_control.h"

namespace sluice {

void RunControl::Notify() {
  std::lock_guard<std::mutex> lock(mu_);
  cv_.notify_all();
}

void RunControl::RequestAbort(const std::string& reason) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!aborted_.load()) abort_reason_ = reason;
    aborted_.store(true);
  }
  cv_.notify_all();
}

std::string RunControl::abort_reason() const {
  std::lock_guard<std::mutex> lock(mu_);
  return abort_reason_;
}

void RunControl::RequestStop() {
  stopping_.store(true);
  Notify();
}

void RunControl::Pause() {
  paused_.store(true);
  Notify();
}

void RunControl::Resume() {
  paused_.store(false);
  Notify();
}

void RunControl::BatchEnded() {
  in_flight_.fetch_sub(1);
  Notify();
}

std::string RunControl::State() const {
  const bool busy = in_flight() > 0;
  if (aborted()) return busy ? "aborting" : "aborted";
  if (stopping()) return busy ? "stopping" : "stopped";
  if (paused()) return busy ? "pausing" : "paused";
  return "running";
}

void RunControl::RequestCutOver() {
  cut_over_.store(true);
  Notify();
}

bool RunControl::SleepFor(std::chrono::milliseconds d) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, d, [this] { return stopping(); });
  return !stopping();
}

bool RunControl::WaitWhilePaused() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return stopping() || !paused_.load(); });
  return !stopping();
}

}  // namespace sluice
