// RunControl: the operator's live settings and commands for one run, shared
// by all workers (control socket, signals and throttler write; workers read).
// Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>

namespace sluice {

class RunControl {
 public:
  // Abort: stop handing out work, clean up, exit 3. First caller's reason wins.
  void RequestAbort(const std::string& reason);
  bool aborted() const { return aborted_.load(); }
  std::string abort_reason() const;

  // Graceful stop (first SIGINT/SIGTERM): finish running batches, keep the
  // checkpoints, exit 3 without cleaning up, so the run is resumable.
  void RequestStop();
  bool stopping() const { return stopping_.load() || aborted_.load(); }

  // Manual pause from the operator.
  void Pause();
  void Resume();
  bool paused() const { return paused_.load(); }

  // Operator overrides; 0 means "not set". batch_size -1 (chunk::
  // kAutoOverride) is `set batch-size=auto`.
  void SetBatchSize(int n) { batch_size_.store(n); }
  int batch_size() const { return batch_size_.load(); }
  void SetMinBatchSize(int n) { min_batch_size_.store(n); }
  int min_batch_size() const { return min_batch_size_.load(); }
  void SetMaxBatchSize(int n) { max_batch_size_.store(n); }
  int max_batch_size() const { return max_batch_size_.load(); }
  void SetWorkers(int n) { workers_.store(n); }
  int workers() const { return workers_.load(); }
  void SetMaxRate(double rows_per_s) { max_rate_.store(rows_per_s); }
  double max_rate() const { return max_rate_.load(); }

  // Batches running now (workers bracket each batch with these), so that a
  // pause or stop is reported as done only once they have finished.
  void BatchStarted() { in_flight_.fetch_add(1); }
  void BatchEnded();
  int in_flight() const { return in_flight_.load(); }
  // "running", "pausing" (paused, batches still running), "paused",
  // "stopping" / "aborting" (batches still running), "stopped" / "aborted".
  std::string State() const;

  // --postpone-cut-over: the runner waits for this before swapping tables.
  void RequestCutOver();
  bool cut_over_requested() const { return cut_over_.load(); }

  // Sleeps up to `d`, waking early on any command. Returns false if stopping.
  bool SleepFor(std::chrono::milliseconds d);
  // Blocks while paused; returns false if the run is stopping.
  bool WaitWhilePaused();

 private:
  void Notify();

  std::atomic<bool> aborted_{false};
  std::atomic<bool> stopping_{false};
  std::atomic<bool> paused_{false};
  std::atomic<bool> cut_over_{false};
  std::atomic<int> batch_size_{0};
  std::atomic<int> workers_{0};
  std::atomic<int> min_batch_size_{0};
  std::atomic<int> max_batch_size_{0};
  std::atomic<int> in_flight_{0};
  std::atomic<double> max_rate_{0};
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::string abort_reason_;
};

}  // namespace sluice
