// The sweep: sets up the synthetic table, measures the idle foreground
// baseline, then runs every scenario at every configuration (batch sizes x
// workers x defer-indexes), each repeat with the foreground load running, and
// reduces the repeats to medians. Repeats alternate over the configurations,
// so that a slow patch of the machine does not land on one configuration.
#pragma once

#include <vector>

#include "bench/foreground_load.h"
#include "bench/results.h"
#include "bench/scenarios.h"
#include "bench/synthetic_table.h"
#include "engine/db/session_factory.h"
#include "engine/dialect.h"
#include "engine/status.h"

namespace sluice::bench {

struct BenchOptions {
  SyntheticTableSpec table;                                   // --rows, --pk, --indexes, --row-width
  std::vector<ScenarioKind> scenarios = {ScenarioKind::kBackfill};  // --scenarios
  std::vector<int> batch_sizes = {500, 1000, 5000, 20000};    // --batch-sizes
  std::vector<int> workers = {1, 2, 4, 8};                    // --workers
  std::vector<bool> defer_indexes = {false};                  // --defer-indexes on,off
  int repeat = 1;                                             // --repeat: runs per configuration
  bool adaptive = false;                                      // --adaptive: batch-size=auto
  std::vector<double> target_batch_times;                     // --target-batch-times: auto at each
  std::vector<double> lock_wait_budgets = {0};                // --lock-wait-budgets (auto configs)
  std::vector<std::string> captures = {"auto"};               // --captures (the alter scenario)
  ForegroundOptions foreground;                               // --fg-threads, --fg-rate, ...
  double idle_seconds = 5;                                    // --idle-seconds: baseline length
  bool keep = false;                                          // --keep: leave the tables
};

// Checks ranges and lists; errors are input errors.
Status ValidateOptions(const BenchOptions& opts);

// The configurations of one scenario, in sweep order.
std::vector<RunConfig> Configurations(const BenchOptions& opts, ScenarioKind k);

// Runs the whole sweep. The tables it creates are dropped at the end (also on
// failure or a stop) unless opts.keep. A stop of `control` (SIGINT) stops the
// running step and ends the sweep with exit code 3.
Result<BenchResults> RunSweep(Dialect& dialect, SessionFactory& sessions,
                              const BenchOptions& opts, RunControl* control = nullptr);

// Median of the values (the mean of the middle two for an even count); 0 for none.
double Median(std::vector<double> values);

}  // namespace sluice::bench
