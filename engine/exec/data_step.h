// Contract between the Runner (engine/exec/runner) and the chunked batch
// engine: how a data step (UPDATE / DELETE / INSERT...SELECT) is run.
#pragma once

#include <string>
#include <vector>

#include "engine/dialect.h"
#include "engine/status.h"

namespace sluice {

class RunControl;
class ProgressReporter;
class Throttler;

// batch-size=auto: the size adapts towards target_batch_seconds.
inline constexpr int kAutoBatchSize = 0;
// Where auto sizing starts (within the floor and ceiling).
inline constexpr int kAutoStartRows = 1000;

// From `-- sluice:step key=value ...` and the run's flags.
struct DataStepOptions {
  int batch_size = kAutoBatchSize;   // N > 0: every batch has N keys; kAutoBatchSize: auto
  int workers = 1;                   // parallel batch workers (bench/RESULTS.md: the curve)
  std::string key;                   // key= : chunk on this unique index (name); empty = PK
  double max_rate = 0;               // rows/s across workers; 0 = unlimited
  std::string defer_indexes;         // "", "all" or "idx_a,idx_b"
  bool chunked = true;               // chunked=false: run as written
  double target_batch_seconds = 0.025;  // auto sizing target (bench/RESULTS.md: the curve)
  std::string strategy = "auto";     // TiDB: "tidb-batch" = BATCH ON ... non-transactional DML
  // lock-first: each batch first locks its key range of the chunked table
  // with a NOWAIT locking read (retrying itself when a row is locked), so it
  // never waits for the application. auto: exclusive for UPDATE / DELETE,
  // none for INSERT ... SELECT (a consistent read locks no source row).
  enum class LockFirst { kAuto, kNone, kShared, kExclusive };
  LockFirst lock_first = LockFirst::kAuto;
  int min_batch_size = 10;           // auto sizing floor
  int max_batch_size = 100000;       // auto sizing ceiling
  double max_growth = 2.0;           // largest factor between consecutive batch sizes
};

struct DataStepRequest {
  std::string revision;   // checkpoint key, with step_index
  int step_index = 0;     // 1-based
  std::string statement;  // as written by the user (no trailing ';')
  DataStepOptions options;
  std::string checkpoint_table = "sluice_checkpoint";          // state table of chunk checkpoints
  std::string deferred_index_table = "sluice_deferred_index";  // state table of deferred indexes
};

// Runs the step to completion (or until stopped/aborted), resuming from its
// checkpoint. The checkpoint of each chunk commits with the chunk.
Status RunDataStep(Dialect& dialect, SessionFactory& sessions, const DataStepRequest& req,
                   RunControl& control, ProgressReporter& progress, Throttler& throttler);

// --sql offline mode: the statements that would run (no connection).
Result<std::vector<std::string>> OfflineDataStepSql(Dialect& dialect, const DataStepRequest& req);

}  // namespace sluice
