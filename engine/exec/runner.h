// The Runner moves a database along the revision graph: inspect (version
// table, history), plan (the path and each revision's steps), execute (step
// by step, resuming a failed revision where it stopped), verify (the version
// table holds what we wrote) and record (history and version rows).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/dialect.h"
#include "engine/plan/plan.h"
#include "engine/revision/revision_graph.h"
#include "engine/state/state_tables.h"
#include "engine/status.h"

namespace sluice {

class SessionFactory;
class RunControl;
class ProgressReporter;
class Throttler;

struct RunnerOptions {
  plan::RunDefaults defaults;  // --workers, --batch-size, --max-rate, --postpone-cut-over
  StateTables tables;          // state table names
  double lock_wait_s = 0;      // --lock-wait: how long to wait for another migrator
  bool lock_taken = false;     // the caller already holds the migrator lock (MigratorLock)
};

// What a run did, for the command's summary line.
struct RunSummary {
  std::vector<std::string> revisions;  // run, in order
  std::vector<std::string> heads;      // the version table afterwards
};

class Runner {
 public:
  Runner(const revision::RevisionGraph& graph, Dialect& dialect, SessionFactory& sessions,
         RunControl& control, ProgressReporter& progress, Throttler& throttler,
         RunnerOptions options);

  Result<RunSummary> Upgrade(std::string_view target);
  Result<RunSummary> Downgrade(std::string_view target);
  // Sets the version table to `target` without running anything. `purge`
  // first drops rows naming revisions that are not in the versions directory.
  Result<RunSummary> Stamp(std::string_view target, bool purge);

 private:
  struct RunState;  // the run's sessions, lock and stores (runner.cc)
  Status TakeLock(RunState& run);
  Result<RunSummary> Migrate(plan::Direction direction, std::string_view target);
  Status RunRevision(RunState& run, const plan::RevisionPlan& plan);
  Status RunStep(RunState& run, const plan::RevisionPlan& plan, const plan::Step& step);
  Status RunSchemaStep(RunState& run, const plan::RevisionPlan& plan, const plan::Step& step);
  Status RunDataStepOf(RunState& run, const plan::RevisionPlan& plan, const plan::Step& step);

  const revision::RevisionGraph& graph_;
  Dialect& dialect_;
  SessionFactory& sessions_;
  RunControl& control_;
  ProgressReporter& progress_;
  Throttler& throttler_;
  RunnerOptions opts_;
};

}  // namespace sluice
