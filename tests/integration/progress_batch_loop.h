// A small stand-in for the batch engine, for the throttle/progress/control
// integration tests: workers run real UPDATE batches over an id range of a
// table, asking the throttler and the token bucket before each batch,
// honouring RunControl (stop, abort, batch-size override) and publishing
// progress. It is test support, not the engine.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "engine/db/connection.h"
#include "engine/exec/run_control.h"
#include "engine/progress/progress.h"
#include "engine/throttle/throttler.h"
#include "engine/throttle/token_bucket.h"

namespace sluice::testing {

struct BatchLoopOptions {
  std::string table = "items";   // columns id (1..rows) and v
  uint64_t rows = 1000;          // ids 1..rows
  int batch_size = 100;          // unless RunControl::batch_size() overrides
  int workers = 1;
  bool wrap = false;             // start over at id 1 after the last id (runs until stopped)
  double pause_between_s = 0;    // sleep after each batch (keeps a run slow enough to watch)
  std::string revision = "testrev";
};

class BatchLoop {
 public:
  BatchLoop(ConnectionFactory& sessions, RunControl& control, ProgressReporter& progress,
            Throttler* throttler = nullptr, TokenBucket* bucket = nullptr)
      : sessions_(sessions), control_(control), progress_(progress), throttler_(throttler),
        bucket_(bucket) {}

  // Runs until every id was updated once (or, with wrap, until stopped).
  // Returns the first error of any worker.
  Status Run(const BatchLoopOptions& opts);

  uint64_t rows_done() const { return rows_done_.load(); }
  uint64_t batches() const { return batches_.load(); }
  int last_batch_size() const { return last_batch_size_.load(); }

 private:
  Status Worker(const BatchLoopOptions& opts);
  ProgressSnapshot Snap(const BatchLoopOptions& opts, int batch_size) const;

  ConnectionFactory& sessions_;
  RunControl& control_;
  ProgressReporter& progress_;
  Throttler* throttler_;
  TokenBucket* bucket_;
  std::atomic<uint64_t> next_id_{1};
  std::atomic<uint64_t> rows_done_{0};
  std::atomic<uint64_t> batches_{0};
  std::atomic<int> last_batch_size_{0};
  double start_ = 0;
};

}  // namespace sluice::testing
