// The parallel batch executor: N workers on a Boost.Asio thread pool, each
// with its own connection, run the chunks of a ChunkSource. Each batch is
// one transaction holding the user's statement for the chunk's key range and
// the chunk's checkpoint (exactly once, also across a lost COMMIT). Before
// each batch a worker waits while paused or throttled and takes its rows
// from the max-rate bucket. Retryable errors back off and retry; shrink-batch
// errors split the chunk; a fatal error stops the step: other workers finish
// the batch they are running and take no new one.
#pragma once

#include <functional>
#include <string>

#include "engine/chunk/adaptive_batch_size.h"
#include "engine/exec/chunk_source.h"
#include "engine/exec/step_progress.h"
#include "engine/exec/worker_session.h"

namespace sluice {

class RunControl;
class Throttler;

struct BatchExecutorOptions {
  int workers = 4;                         // parallel workers (RunControl::workers overrides)
  chunk::AdaptiveBatchOptions sizing;      // batch-size start, floor, ceiling, target time
  RetryPolicy retry;                       // per batch / walk
  double max_rate = 0;                     // rows/s over all workers; 0: unlimited
  std::vector<std::string> session_setup;  // dialect.BatchSessionSetup()
};

// One batch: `lock` (empty: none) takes the range's row locks without
// waiting (see Dialect::NoWaitLockClause), then `statement` runs.
struct BatchSql {
  std::string lock;
  std::string statement;
};

class BatchExecutor {
 public:
  // The SQL of one batch for a key range.
  using Render = std::function<BatchSql(const chunk::KeyRange&)>;

  BatchExecutor(const Dialect& dialect, SessionFactory& sessions, RunControl& control,
                Throttler& throttler, const CheckpointStore& store, StepProgress& progress,
                BatchExecutorOptions opts);

  // Runs every chunk of `source`. Returns StoppedError when the operator
  // stopped or aborted the run, the first fatal error otherwise.
  Status Run(ChunkSource& source, const Render& render);

  // chunked=false: runs `sql` once as a single batch checkpointed on the
  // step's summary row (seq 0).
  Status RunSingle(const std::string& sql);

 private:
  class Worker;
  friend class Worker;
  int ActiveWorkers() const;

  const Dialect& dialect_;
  SessionFactory& sessions_;
  RunControl& control_;
  Throttler& throttler_;
  const CheckpointStore& store_;
  StepProgress& progress_;
  BatchExecutorOptions opts_;
};

}  // namespace sluice
