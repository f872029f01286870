// Foreground load: K client threads, each with its own connection, issuing a
// point-select / point-update mix at a fixed rate against the bench table, as
// an application would while a migration runs. Latency is measured from each
// query's scheduled start, so a stall also counts against the queries that
// queued behind it (no coordinated omission).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "bench/latency_histogram.h"
#include "bench/synthetic_table.h"
#include "engine/db/session_factory.h"
#include "engine/status.h"

namespace sluice::bench {

struct ForegroundOptions {
  int threads = 2;              // client threads (0: no foreground load)
  double rate_per_thread = 50;  // queries per second per thread
  double update_ratio = 0.2;    // share of point updates; the rest are point selects
};

struct ForegroundStats {
  LatencyHistogram latency;  // every query, selects and updates
  uint64_t errors = 0;       // failed queries (lock wait timeouts, deadlocks...)
  double seconds = 0;        // how long the load ran
  double P99() const { return latency.Percentile(0.99); }
};

class ForegroundLoad {
 public:
  // `rows`: the live key range is 1..rows (rows deleted by a purge are still
  // addressed; such queries simply match nothing).
  ForegroundLoad(SessionFactory& sessions, SyntheticTableSpec spec, ForegroundOptions opts);
  ~ForegroundLoad();
  ForegroundLoad(const ForegroundLoad&) = delete;
  ForegroundLoad& operator=(const ForegroundLoad&) = delete;

  // Opens the connections, then starts the threads. Fails if a connection
  // cannot be opened.
  Status Start();
  // Stops the threads and returns the merged latencies.
  ForegroundStats Stop();

 private:
  struct Worker;
  void Loop(Worker& w, uint64_t seed);

  SessionFactory& sessions_;
  SyntheticTableSpec spec_;
  ForegroundOptions opts_;
  std::atomic<bool> stop_{false};
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;
  double started_at_ = 0;
};

}  // namespace sluice::bench
