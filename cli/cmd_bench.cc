// sluice bench: sweeps batch sizes, worker counts and index deferral over a
// synthetic table while a foreground load measures what the application would
// feel, and recommends the `-- sluice:step` line to use. The work lives in
// bench/ (sluice_bench_lib); this file maps flags onto bench::BenchOptions.
#include <fmt/format.h>

#include <charconv>
#include <iostream>
#include <sstream>

#include "bench/charts.h"
#include "bench/recommendation.h"
#include "bench/report.h"
#include "bench/sweep.h"
#include "cli/command.h"
#include "cli/run_observers.h"
#include "engine/db/connection.h"
#include "engine/dialect.h"
#include "engine/exec/signal_handler.h"
#include "engine/log.h"
#include "engine/sql/quote.h"

namespace sluice::cli {
namespace {

constexpr const char* kDefaultDatabase = "sluice_bench";

Result<std::vector<int>> ParseIntList(const std::string& flag, const std::string& text) {
  std::vector<int> out;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = std::min(text.find(',', pos), text.size());
    int v = 0;
    auto [end, ec] = std::from_chars(text.data() + pos, text.data() + comma, v);
    if (ec != std::errc() || end != text.data() + comma) {
      return InputError(fmt::format("--{} '{}': expected numbers separated by commas", flag, text));
    }
    out.push_back(v);
    pos = comma + 1;
  }
  return out;
}

Result<std::vector<bool>> ParseOnOffList(const std::string& text) {
  std::vector<bool> out;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = std::min(text.find(',', pos), text.size());
    std::string item = text.substr(pos, comma - pos);
    if (item == "on") {
      out.push_back(true);
    } else if (item == "off") {
      out.push_back(false);
    } else {
      return InputError(fmt::format("--defer-indexes '{}': use on, off or on,off", text));
    }
    pos = comma + 1;
  }
  return out;
}

// "triggers,binlog": the alter scenario's shadow-copy captures.
Result<std::vector<std::string>> ParseCaptureList(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!IsCaptureMode(item)) {
      return InputError(fmt::format("--captures '{}': use auto, triggers or binlog, e.g. "
                                    "triggers,binlog", text));
    }
    out.push_back(item);
  }
  if (out.empty()) return InputError("--captures names no capture");
  return out;
}

// "25ms,50ms,0" -> seconds.
Result<std::vector<double>> ParseDurationList(const std::string& flag, const std::string& text) {
  std::vector<double> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (item == "0") {
      out.push_back(0);
      continue;
    }
    auto t = bench::ParseDurationSeconds(item);
    if (!t.ok()) return InputError("--" + flag + ": " + t.error().message);
    out.push_back(*t);
  }
  return out;
}

// The engine's default target batch time (data_step.h), swept by default so
// that the default run is always among the measured configurations.
constexpr const char* kEngineTargetBatchTime = "25ms";

Result<bench::BenchOptions> OptionsFrom(const CommandContext& ctx) {
  bench::BenchOptions o;
  o.table.rows = ctx.Get<uint64_t>("rows", o.table.rows);
  SLUICE_ASSIGN(o.table.pk, bench::ParsePkShape(ctx.Get<std::string>("pk", "int")));
  SLUICE_ASSIGN(o.table.generator,
                bench::ParseRowGenerator(ctx.Get<std::string>("generator", "auto")));
  o.table.secondary_indexes = ctx.Get<int>("indexes", o.table.secondary_indexes);
  o.table.row_width = ctx.Get<int>("row-width", o.table.row_width);
  o.table.table.name = ctx.Get<std::string>("table", o.table.table.name);
  SLUICE_ASSIGN(o.scenarios, bench::ParseScenarios(ctx.Get<std::string>("scenarios", "backfill")));
  SLUICE_ASSIGN(o.batch_sizes,
                ParseIntList("batch-sizes", ctx.Get<std::string>("batch-sizes", "1000,5000")));
  SLUICE_ASSIGN(o.workers, ParseIntList("workers", ctx.Get<std::string>("workers", "1,2,4")));
  SLUICE_ASSIGN(o.defer_indexes, ParseOnOffList(ctx.Get<std::string>("defer-indexes", "off")));
  SLUICE_ASSIGN(o.captures, ParseCaptureList(ctx.Get<std::string>("captures", "auto")));
  o.repeat = ctx.Get<int>("repeat", o.repeat);
  o.adaptive = ctx.Get<bool>("adaptive", false);
  SLUICE_ASSIGN(o.target_batch_times,
                ParseDurationList("target-batch-times", ctx.Get<std::string>("target-batch-times", kEngineTargetBatchTime)));
  SLUICE_ASSIGN(o.lock_wait_budgets,
                ParseDurationList("lock-wait-budgets",
                                  ctx.Get<std::string>("lock-wait-budgets", kDefaultLockWaitBudget)));
  // Asked-for target times replace the fixed sizes unless both are asked
  // for; --adaptive runs the sizes as auto starts, without the target sweep.
  if (ctx.Has("target-batch-times") && !ctx.Has("batch-sizes")) o.batch_sizes.clear();
  // Sizes given alone are measured alone (the default target joins the
  // default sizes only).
  if ((o.adaptive || ctx.Has("batch-sizes")) && !ctx.Has("target-batch-times")) {
    o.target_batch_times.clear();
  }
  o.foreground.threads = ctx.Get<int>("fg-threads", o.foreground.threads);
  o.foreground.rate_per_thread = ctx.Get<double>("fg-rate", o.foreground.rate_per_thread);
  o.foreground.update_ratio = ctx.Get<double>("fg-update-ratio", o.foreground.update_ratio);
  o.idle_seconds = ctx.Get<double>("idle-seconds", o.idle_seconds);
  o.keep = ctx.Get<bool>("keep", false);
  SLUICE_TRY(bench::ValidateOptions(o));
  return o;
}

// The bench needs a database to create its tables in: the DSN's, or its own
// (created here, and dropped afterwards unless --keep).
Result<bool> EnsureDatabase(Dsn& dsn) {
  if (!dsn.database.empty()) return false;
  SLUICE_ASSIGN(auto conn, Connection::Open(dsn));
  SLUICE_ASSIGN(auto exists, conn->Query(fmt::format(
                                  "SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = {}",
                                  sql::QuoteString(kDefaultDatabase))));
  if (exists.empty()) {
    SLUICE_TRY(conn->Exec("CREATE DATABASE " + sql::QuoteIdent(kDefaultDatabase)).status());
  }
  dsn.database = kDefaultDatabase;
  return exists.empty();
}

Status WriteOutputs(const bench::BenchResults& results, const std::string& summary,
                    const std::string& dir) {
  SLUICE_TRY(bench::WriteReportFiles(results, dir));
  SLUICE_TRY(bench::WriteTextFile(dir + "/summary.txt", summary));
  std::cout << fmt::format("\nwrote {0}/results.csv, {0}/results.json, {0}/summary.txt\n", dir);
  if (!bench::GnuplotAvailable()) {
    std::cout << "gnuplot not found on PATH: charts skipped (apt-get install gnuplot-nox)\n";
    return Status::Ok();
  }
  SLUICE_ASSIGN(auto pngs, bench::WriteCharts(results, dir));
  for (const std::string& p : pngs) std::cout << "wrote " << p << "\n";
  return Status::Ok();
}

int RunBench(CommandContext& ctx) {
  auto opts = OptionsFrom(ctx);
  if (!opts.ok()) return Fail(opts.error());
  auto budget = bench::ParseDurationSeconds(ctx.Get<std::string>("p99-budget", "25ms"));
  if (!budget.ok()) return Fail(budget.error());
  std::string out_dir = ctx.Get<std::string>("out", "sluice-bench");

  auto dsn = ctx.ResolveDsn();
  if (!dsn.ok()) return Fail(dsn.error());
  auto created_db = EnsureDatabase(*dsn);
  if (!created_db.ok()) return Fail(created_db.error());
  auto conn = Connection::Open(*dsn);
  if (!conn.ok()) return Fail(conn.error());
  auto dialect = ctx.MakeDialect((*conn)->server());
  if (!dialect.ok()) return Fail(dialect.error());
  ConnectionFactory sessions(*dsn);

  // SIGINT / SIGTERM: the running step stops, the tables are dropped, exit 3
  // (a second signal exits at once).
  RunControl control;
  StopSignalHandler signals(control);
  auto results = bench::RunSweep(**dialect, sessions, *opts, &control);
  if (*created_db && !opts->keep) {
    (void)(*conn)->Exec("DROP DATABASE IF EXISTS " + sql::QuoteIdent(kDefaultDatabase));
  }
  if (!results.ok()) return Fail(results.error());

  auto recs = bench::Recommend(*results, *budget);
  std::string summary =
      bench::FormatTable(*results) + "\n" + bench::FormatRecommendations(recs, *budget);
  std::cout << summary;
  Status st = WriteOutputs(*results, summary, out_dir);
  return st.ok() ? 0 : Fail(st.error());
}

}  // namespace

Command MakeBenchCommand() {
  Command c;
  c.name = "bench";
  c.synopsis = "[--rows N] [--scenarios S,...] [--batch-sizes N,...] [--workers N,...] "
               "[--defer-indexes on,off] [--repeat N] [--p99-budget 25ms] [--out DIR]";
  c.summary = "measure batch sizes / workers on a synthetic table and recommend a step line";
  c.add_options = [](po::options_description& o) {
    o.add_options()
        ("rows", po::value<uint64_t>(), "rows in the synthetic table (default 1000000)")
        ("pk", po::value<std::string>(), "primary key shape: int|composite|varchar (default int)")
        ("indexes", po::value<int>(), "secondary indexes, 0..6 (default 3)")
        ("row-width", po::value<int>(), "payload bytes per row (default 100)")
        ("generator", po::value<std::string>(),
         "row generator: auto|sequence|cte (default auto: sequence engine on MariaDB)")
        ("table", po::value<std::string>(), "table name (default sluice_bench_orders)")
        ("scenarios", po::value<std::string>(),
         "backfill,purge,copy,alter,add-index or all (default backfill)")
        ("batch-sizes", po::value<std::string>(), "fixed batch sizes to sweep (default 1000,5000)")
        ("workers", po::value<std::string>(), "worker counts to sweep (default 1,2,4)")
        ("defer-indexes", po::value<std::string>(), "on, off or on,off (data scenarios; default off)")
        ("captures", po::value<std::string>(),
         "the alter scenario's shadow-copy capture: auto, triggers, binlog or a list, e.g. "
         "triggers,binlog, run side by side (default auto)")
        ("repeat", po::value<int>(), "runs per configuration; the median is reported (default 1)")
        ("adaptive", po::bool_switch(), "batch-size=auto instead of the fixed --batch-sizes")
        ("target-batch-times", po::value<std::string>(),
         "batch-size=auto at each of these target batch times, e.g. 25ms,50ms,100ms "
         "(default 25ms, the engine's default, beside the fixed sizes; given alone it replaces "
         "--batch-sizes)")
        ("lock-wait-budgets", po::value<std::string>(),
         "auto configurations with the lock-wait controller at each budget, e.g. 0,20ms "
         "(0: without it; default 20ms, the engine's default)")
        ("fg-threads", po::value<int>(), "foreground client threads, 0 for none (default 2)")
        ("fg-rate", po::value<double>(), "foreground queries/s per thread (default 50)")
        ("fg-update-ratio", po::value<double>(), "share of point updates (default 0.2)")
        ("idle-seconds", po::value<double>(), "length of the idle baseline (default 5)")
        ("p99-budget", po::value<std::string>(), "foreground p99 budget (default 25ms)")
        ("out", po::value<std::string>(), "output directory (default ./sluice-bench)")
        ("keep", po::bool_switch(), "keep the bench tables (and database) afterwards");
  };
  c.run = RunBench;
  return c;
}

}  // namespace sluice::cli
