// sluice stamp TARGET [--purge]: set the version table without running
// anything (and cancel a pending resume).
#include <iostream>

#include "cli/cmd_revisions_common.h"
#include "engine/exec/run_control.h"
#include "engine/exec/runner.h"
#include "engine/progress/progress.h"
#include "engine/throttle/throttler.h"

namespace sluice::cli {
namespace {

int RunStamp(CommandContext& ctx) {
  auto graph = LoadGraph(ctx);
  if (!graph.ok()) return Fail(graph.error());
  auto target = ctx.OpenTarget();
  if (!target.ok()) return Fail(target.error());
  auto& [dsn, conn, dialect] = *target;
  ConnectionFactory sessions(dsn);
  RunControl control;
  ProgressReporter progress;
  NoThrottler throttler;
  RunnerOptions opts;
  opts.tables = StateTablesFrom(ctx);
  opts.lock_wait_s = ctx.Get<double>("lock-wait", 0);
  Runner runner(*graph, *dialect, sessions, control, progress, throttler, opts);
  auto summary = runner.Stamp(ctx.args[0], ctx.Get<bool>("purge", false));
  if (!summary.ok()) return Fail(summary.error());
  return 0;
}

}  // namespace

Command MakeStampCommand() {
  Command c;
  c.name = "stamp";
  c.synopsis = "TARGET [--purge]";
  c.summary = "set the version table to TARGET without running anything";
  c.add_options = [](po::options_description& o) {
    AddRevisionOptions(o);
    o.add_options()("purge", po::bool_switch(),
                    "also drop version rows unknown to the versions directory")(
        "lock-wait", po::value<double>(), "seconds to wait for another migrator's lock");
  };
  c.run = RunStamp;
  c.min_args = 1;
  c.max_args = 1;
  return c;
}

}  // namespace sluice::cli
