// sluice upgrade TARGET | sluice downgrade TARGET: run revisions online, or
// print their SQL with --sql (no connection).
#include <fmt/format.h>

#include <iostream>

#include "cli/cmd_revisions_common.h"
#include "cli/run_observers.h"
#include "engine/exec/runner.h"
#include "engine/log.h"
#include "engine/plan/offline_sql.h"
#include "engine/state/migrator_lock.h"

namespace sluice::cli {
namespace {

// --batch-size N|auto: "auto" is 0, as in the step option.
Result<int> ParseBatchSize(const std::string& v) {
  if (v == "auto") return 0;
  size_t used = 0;
  int n = 0;
  try {
    n = std::stoi(v, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != v.size() || n <= 0) {
    return InputError(fmt::format("--batch-size '{}': use a positive number of rows or auto", v));
  }
  return n;
}

Result<plan::RunDefaults> RunDefaultsFrom(const CommandContext& ctx) {
  plan::RunDefaults d;
  if (ctx.Has("workers")) d.workers = ctx.Get<int>("workers", 4);
  if (ctx.Has("batch-size")) {
    SLUICE_ASSIGN(d.batch_size, ParseBatchSize(ctx.Get<std::string>("batch-size", "auto")));
  }
  if (ctx.Has("min-batch-size")) d.min_batch_size = ctx.Get<int>("min-batch-size", 10);
  if (ctx.Has("max-batch-size")) d.max_batch_size = ctx.Get<int>("max-batch-size", 100000);
  if (ctx.Has("target-batch-time")) d.target_batch_time = ctx.Get<double>("target-batch-time", 0.5);
  if ((d.min_batch_size && *d.min_batch_size <= 0) ||
      (d.max_batch_size && *d.max_batch_size <= 0) ||
      (d.target_batch_time && *d.target_batch_time <= 0)) {
    return InputError("--min-batch-size, --max-batch-size and --target-batch-time must be positive");
  }
  if (ctx.Has("max-rate")) d.max_rate = ctx.Get<double>("max-rate", 0);
  d.postpone_cut_over = ctx.Get<bool>("postpone-cut-over", false);
  d.capture = ctx.Get<std::string>("capture", "auto");
  return d;
}

int Offline(CommandContext& ctx, const revision::RevisionGraph& graph, plan::Direction dir) {
  auto dialect = ctx.MakeOfflineDialect();
  if (!dialect.ok()) return Fail(dialect.error());
  plan::OfflineRequest req;
  req.direction = dir;
  req.range = ctx.args[0];
  auto defaults = RunDefaultsFrom(ctx);
  if (!defaults.ok()) return Fail(defaults.error());
  req.defaults = *defaults;
  req.tables = StateTablesFrom(ctx);
  auto sql = plan::RenderOfflineSql(graph, **dialect, req);
  if (!sql.ok()) return Fail(sql.error());
  std::cout << *sql;
  return 0;
}

int Migrate(CommandContext& ctx, plan::Direction dir) {
  auto graph = LoadGraph(ctx);
  if (!graph.ok()) return Fail(graph.error());
  if (ctx.Get<bool>("sql", false)) return Offline(ctx, *graph, dir);

  auto defaults = RunDefaultsFrom(ctx);
  if (!defaults.ok()) return Fail(defaults.error());
  auto target = ctx.OpenTarget();
  if (!target.ok()) return Fail(target.error());
  auto& [dsn, conn, dialect] = *target;
  auto observer_opts = RunObserverOptionsFrom(ctx);
  if (!observer_opts.ok()) return Fail(observer_opts.error());

  // The lock first: a second migrator must fail with "held by", not trip
  // over the first one's control socket.
  auto lock = MigratorLock::Acquire(*conn, StateTablesFrom(ctx), ctx.Get<double>("lock-wait", 0));
  if (!lock.ok()) return Fail(lock.error());

  ConnectionFactory sessions(dsn);
  RunControl control;
  ProgressReporter progress;
  auto observers = RunObservers::Start(*observer_opts, *dialect, sessions, control, progress);
  if (!observers.ok()) return Fail(observers.error());

  RunnerOptions opts;
  opts.defaults = *defaults;
  opts.tables = StateTablesFrom(ctx);
  opts.lock_taken = true;
  Runner runner(*graph, *dialect, sessions, control, progress, (*observers)->throttler(), opts);
  auto summary =
      dir == plan::Direction::kUp ? runner.Upgrade(ctx.args[0]) : runner.Downgrade(ctx.args[0]);
  if (!summary.ok()) {
    Error e = summary.error();
    if (control.stopping() && e.exit == ExitCode::kFailed) e.exit = ExitCode::kAborted;
    return Fail(e);
  }
  return 0;
}

void AddMigrateOptions(po::options_description& o) {
  AddRevisionOptions(o);
  // clang-format off
  o.add_options()
      ("sql", po::bool_switch(),
       "print the SQL instead of running it (no connection); downgrade needs FROM:TO")
      ("workers", po::value<int>(), "parallel workers for data steps and shadow copies")
      ("batch-size", po::value<std::string>(),
       "N: every batch has N rows (smaller only after a transaction-too-large error); auto: "
       "sized towards --target-batch-time between --min-batch-size and --max-batch-size "
       "(default auto)")
      ("min-batch-size", po::value<int>(), "floor of auto batch sizes (default 10)")
      ("max-batch-size", po::value<int>(), "ceiling of auto batch sizes (default 100000)")
      ("target-batch-time", po::value<double>(), "seconds one auto-sized batch should take (default 0.025)")
      ("postpone-cut-over", po::bool_switch(), "wait for `sluice cut-over` before swapping tables")
      ("capture", po::value<std::string>(),
       "how a shadow copy mirrors the application's writes: auto (default) | triggers | binlog")
      ("lock-wait", po::value<double>(), "seconds to wait for another migrator's lock (default 0)");
  // clang-format on
  AddRunObserverOptions(o);
}

}  // namespace

Command MakeUpgradeCommand() {
  Command c;
  c.name = "upgrade";
  c.synopsis = "TARGET [--sql] [run options]";
  c.summary = "apply revisions up to TARGET (head, heads, REV, +N, branch@head)";
  c.add_options = AddMigrateOptions;
  c.run = [](CommandContext& ctx) { return Migrate(ctx, plan::Direction::kUp); };
  c.min_args = 1;
  c.max_args = 1;
  return c;
}

Command MakeDowngradeCommand() {
  Command c;
  c.name = "downgrade";
  c.synopsis = "TARGET [--sql] [run options]";
  c.summary = "undo revisions down to TARGET (base, REV, -N, branch@base)";
  c.add_options = AddMigrateOptions;
  c.run = [](CommandContext& ctx) { return Migrate(ctx, plan::Direction::kDown); };
  c.min_args = 1;
  c.max_args = 1;
  return c;
}

}  // namespace sluice::cli
