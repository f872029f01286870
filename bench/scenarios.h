// The bench scenarios. Each runs through the real engine entry points
// (RunDataStep for data steps, Dialect::PlanSchemaChange()->Run for schema
// changes) against the synthetic table, and is measured by a progress sink
// attached to the step's ProgressReporter.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bench/latency_histogram.h"
#include "bench/synthetic_table.h"
#include "engine/db/session_factory.h"
#include "engine/dialect.h"
#include "engine/exec/run_control.h"
#include "engine/status.h"

namespace sluice::bench {

enum class ScenarioKind {
  kBackfill,  // UPDATE t SET total_cents = price_cents * quantity + <run>
  kPurge,     // DELETE FROM t WHERE quantity <= 10 (half the rows)
  kCopy,      // INSERT INTO t_copy SELECT ... FROM t
  kAlter,     // online ADD/DROP COLUMN: shadow copy on MySQL/MariaDB, native on TiDB
  kAddIndex,  // ADD INDEX: native on TiDB, the dialect's choice elsewhere
};
const char* ScenarioName(ScenarioKind k);
// "backfill,purge" or "all".
Result<std::vector<ScenarioKind>> ParseScenarios(std::string_view csv);
// Whether --defer-indexes applies (data steps only: the shadow copy of an
// online alter always defers, and an index build has nothing to defer).
bool SupportsDeferIndexes(ScenarioKind k);

// One point of the sweep.
struct RunConfig {
  int batch_size = 1000;       // starting rows per batch / copy batch / TiDB reorg batch
  int workers = 1;             // parallel workers / copy workers / TiDB reorg workers
  bool defer_indexes = false;  // defer-indexes=all
  bool adaptive = false;       // batch-size=auto: the engine sizes batches towards a target time
  double target_batch_s = 0;   // auto: that target (target-batch-time=); 0: the engine's default
  double lock_wait_budget_s = 0;  // the lock-wait controller's budget; 0: off
  std::string capture{};       // alter: the shadow copy's capture (auto|triggers|binlog); "": auto
};

// What one run measured.
struct RunMeasurement {
  double seconds = 0;          // wall time of the step
  uint64_t rows = 0;           // rows the step processed
  uint64_t batches = 0;        // successful batches
  uint64_t retries = 0;        // retried or shrunk batches
  LatencyHistogram batch_seconds;  // durations of the successful batches
};

// Shared by all runs of one bench invocation.
struct ScenarioContext {
  Dialect* dialect = nullptr;
  SessionFactory* sessions = nullptr;
  Session* admin = nullptr;      // set-up and reset statements
  SyntheticTableSpec spec;       // the main table
  std::string run_prefix;        // unique per invocation: checkpoint keys never collide
  bool table_dirty = false;      // the main table must be re-created before the next run
  int runs = 0;                  // runs so far (numbers the revisions, varies the backfill)
  bool note_column = false;      // the alter scenario's column is present (it alternates)
  bool bench_index = false;      // the add-index scenario's index is present
  RunControl* control = nullptr;  // the sweep's: a stop (SIGINT) reaches the running step
};

// The copy scenario's target table.
TableRef CopyTarget(const SyntheticTableSpec& spec);

// Brings the tables to the scenario's starting state (re-creating the main
// table if an earlier run changed it).
Status PrepareRun(ScenarioKind k, ScenarioContext& ctx);
// Runs the scenario once and measures it.
Result<RunMeasurement> RunScenario(ScenarioKind k, ScenarioContext& ctx, const RunConfig& config);
// Drops what the scenario created besides the main table.
Status CleanupScenario(ScenarioKind k, ScenarioContext& ctx);
// Drops what a stopped shadow copy of the main table leaves behind (its
// new and old tables: mysql/shadow_copy_plan.h names them; the copy
// triggers go with the main table), so that an interrupted bench does not
// block the next one.
Status DropShadowLeftovers(ScenarioContext& ctx);

// The statement the scenario's next run executes (for the report and tests).
std::string ScenarioStatement(ScenarioKind k, const ScenarioContext& ctx);
// The revision-file line that runs the scenario's statement with `config`.
std::string StepLine(ScenarioKind k, const RunConfig& config, const std::string& dialect);

}  // namespace sluice::bench
