#include "bench/scenarios.h"

#include <fmt/format.h>

#include <chrono>
#include <memory>
#include <mutex>

#include "engine/exec/data_step.h"
#include "engine/exec/run_control.h"
#include "engine/progress/progress.h"
#include "engine/sql/quote.h"
#include "engine/throttle/composite_throttler.h"
#include "engine/throttle/throttler.h"

namespace sluice::bench {

namespace {

using sql::QuoteIdent;
using sql::QuoteTable;

constexpr const char* kNoteColumn = "bench_note";
constexpr const char* kBenchIndex = "idx_bench_quantity_created";

struct ScenarioName_ {
  ScenarioKind kind;
  const char* name;
};
constexpr ScenarioName_ kNames[] = {
    {ScenarioKind::kBackfill, "backfill"}, {ScenarioKind::kPurge, "purge"},
    {ScenarioKind::kCopy, "copy"},         {ScenarioKind::kAlter, "alter"},
    {ScenarioKind::kAddIndex, "add-index"},
};

// Collects what the engine reports about its batches.
class MeasuringSink : public ProgressSink {
 public:
  void OnBatch(const ProgressSnapshot& s, const BatchEvent& e) override {
    std::lock_guard<std::mutex> lock(mu_);
    latest_rows_ = s.rows_done;
    if (e.outcome == BatchOutcome::kOk) {
      m_.batch_seconds.Record(e.seconds);
      m_.rows += e.rows;
      ++m_.batches;
    } else {
      ++m_.retries;
    }
  }
  void OnSnapshot(const ProgressSnapshot& s) override {
    std::lock_guard<std::mutex> lock(mu_);
    latest_rows_ = s.rows_done;
  }
  void OnFinish(const ProgressSnapshot& s, const Status&) override {
    std::lock_guard<std::mutex> lock(mu_);
    latest_rows_ = s.rows_done;
  }
  // Rows from the batch events; a runner that reports no batches (a native
  // DDL job) is measured by its snapshots instead.
  RunMeasurement Result() const {
    std::lock_guard<std::mutex> lock(mu_);
    RunMeasurement m = m_;
    if (m.rows == 0) m.rows = latest_rows_;
    return m;
  }

 private:
  mutable std::mutex mu_;
  RunMeasurement m_;
  uint64_t latest_rows_ = 0;
};

std::string SchemaStrategy(ScenarioKind k, const std::string& dialect) {
  if (dialect == "tidb") return "native";
  return k == ScenarioKind::kAlter ? "copy" : "auto";
}

// The schema scenarios' change. The alter alternates between adding and
// dropping a column, so that every run copies the same table.
std::string AlterSpec(ScenarioKind k, const ScenarioContext& ctx) {
  if (k == ScenarioKind::kAddIndex) {
    return fmt::format("ADD INDEX {} (`quantity`, `created_at`)", QuoteIdent(kBenchIndex));
  }
  if (ctx.note_column) return "DROP COLUMN " + QuoteIdent(kNoteColumn);
  return fmt::format("ADD COLUMN {} VARCHAR(32) NULL", QuoteIdent(kNoteColumn));
}

std::string RevisionId(const ScenarioContext& ctx) {
  return fmt::format("{}_{}", ctx.run_prefix, ctx.runs);
}

double SecondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// What the engine runs for a config, as `sluice upgrade` would from the
// config's step line: a fixed size, or auto (0).
int EngineBatchSize(const RunConfig& config) {
  return config.adaptive ? kAutoBatchSize : config.batch_size;
}

// No throttling, or the dialect's lock-wait controller at the config's budget.
std::unique_ptr<Throttler> MakeThrottler(ScenarioContext& ctx, const RunConfig& config) {
  if (config.lock_wait_budget_s <= 0) return std::make_unique<NoThrottler>();
  ThrottleOptions opts;
  opts.lock_wait_budget_s = config.lock_wait_budget_s;
  auto composite = std::make_unique<CompositeThrottler>(opts.check_interval_s, opts.critical_grace_s);
  for (auto& s : ctx.dialect->ThrottleSignals(*ctx.sessions, opts)) composite->Add(std::move(s));
  return composite;
}

Result<RunMeasurement> RunData(ScenarioKind k, ScenarioContext& ctx, const RunConfig& config) {
  DataStepRequest req;
  req.revision = RevisionId(ctx);
  req.step_index = 1;
  req.statement = ScenarioStatement(k, ctx);
  req.options.batch_size = EngineBatchSize(config);
  if (config.target_batch_s > 0) req.options.target_batch_seconds = config.target_batch_s;
  req.options.workers = config.workers;
  req.options.defer_indexes = config.defer_indexes ? "all" : "";
  RunControl own;
  RunControl& control = ctx.control != nullptr ? *ctx.control : own;
  ProgressReporter progress;
  auto sink = std::make_shared<MeasuringSink>();
  progress.AddSink(sink);
  std::unique_ptr<Throttler> throttler = MakeThrottler(ctx, config);
  auto t0 = std::chrono::steady_clock::now();
  SLUICE_TRY(RunDataStep(*ctx.dialect, *ctx.sessions, req, control, progress, *throttler));
  RunMeasurement m = sink->Result();
  m.seconds = SecondsSince(t0);
  return m;
}

Result<RunMeasurement> RunSchema(ScenarioKind k, ScenarioContext& ctx, const RunConfig& config) {
  SchemaChangeRequest req;
  req.table = ctx.spec.table;
  req.alter_spec = AlterSpec(k, ctx);
  req.statement = ScenarioStatement(k, ctx);
  req.options.strategy = SchemaStrategy(k, ctx.dialect->Name());
  req.options.workers = config.workers;
  req.options.batch_size = EngineBatchSize(config);
  if (!config.capture.empty()) req.options.capture = config.capture;
  req.revision = RevisionId(ctx);
  req.step_index = 1;
  std::unique_ptr<Throttler> throttler = MakeThrottler(ctx, config);
  req.throttler = throttler.get();
  RunControl own;
  RunControl& control = ctx.control != nullptr ? *ctx.control : own;
  ProgressReporter progress;
  auto sink = std::make_shared<MeasuringSink>();
  progress.AddSink(sink);
  auto t0 = std::chrono::steady_clock::now();
  SLUICE_ASSIGN(auto change, ctx.dialect->PlanSchemaChange(*ctx.sessions, req, false));
  SLUICE_TRY(change->Run(control, progress));
  RunMeasurement m = sink->Result();
  m.seconds = SecondsSince(t0);
  // An INSTANT or INPLACE change reports no rows: it still went over all of them.
  if (m.rows == 0) m.rows = ctx.spec.rows;
  return m;
}

Status DropBenchIndex(ScenarioContext& ctx) {
  if (!ctx.bench_index) return Status::Ok();
  ctx.bench_index = false;
  return ctx.admin
      ->Exec(fmt::format("ALTER TABLE {} DROP INDEX {}", QuoteTable(ctx.spec.table),
                         QuoteIdent(kBenchIndex)))
      .status();
}

}  // namespace

const char* ScenarioName(ScenarioKind k) {
  for (const auto& n : kNames) {
    if (n.kind == k) return n.name;
  }
  return "?";
}

Result<std::vector<ScenarioKind>> ParseScenarios(std::string_view csv) {
  std::vector<ScenarioKind> out;
  if (csv == "all") {
    for (const auto& n : kNames) out.push_back(n.kind);
    return out;
  }
  size_t pos = 0;
  while (pos <= csv.size()) {
    size_t comma = csv.find(',', pos);
    std::string_view item = csv.substr(pos, comma == std::string_view::npos ? csv.npos : comma - pos);
    bool found = false;
    for (const auto& n : kNames) {
      if (item == n.name) {
        out.push_back(n.kind);
        found = true;
      }
    }
    if (!found) {
      return InputError(fmt::format(
          "unknown scenario '{}': use backfill, purge, copy, alter, add-index or all", item));
    }
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return out;
}

bool SupportsDeferIndexes(ScenarioKind k) {
  return k == ScenarioKind::kBackfill || k == ScenarioKind::kPurge || k == ScenarioKind::kCopy;
}

TableRef CopyTarget(const SyntheticTableSpec& spec) {
  return TableRef{spec.table.schema, spec.table.name + "_copy"};
}

std::string ScenarioStatement(ScenarioKind k, const ScenarioContext& ctx) {
  const std::string t = QuoteTable(ctx.spec.table);
  switch (k) {
    case ScenarioKind::kBackfill:
      // + run: every run writes new values to every row, so runs need no reset
      // and each one does the full work.
      return fmt::format("UPDATE {} SET `total_cents` = `price_cents` * `quantity` + {}", t,
                         ctx.runs);
    case ScenarioKind::kPurge:
      return fmt::format("DELETE FROM {} WHERE `quantity` <= 10", t);
    case ScenarioKind::kCopy:
      return fmt::format("INSERT INTO {} SELECT * FROM {}", QuoteTable(CopyTarget(ctx.spec)), t);
    case ScenarioKind::kAlter:
    case ScenarioKind::kAddIndex:
      return fmt::format("ALTER TABLE {} {}", t, AlterSpec(k, ctx));
  }
  return "";
}

std::string StepLine(ScenarioKind k, const RunConfig& config, const std::string& dialect) {
  std::string line = "-- sluice:step";
  if (!SupportsDeferIndexes(k)) line += " strategy=" + SchemaStrategy(k, dialect);
  if (config.adaptive) {
    line += " batch-size=auto";
    if (config.target_batch_s > 0) {
      line += fmt::format(" target-batch-time={:g}ms", config.target_batch_s * 1000);
    }
    line += fmt::format(" workers={}", config.workers);
  } else {
    line += fmt::format(" batch-size={} workers={}", config.batch_size, config.workers);
  }
  if (config.defer_indexes) line += " defer-indexes=all";
  if (!config.capture.empty() && config.capture != "auto") line += " capture=" + config.capture;
  return line;
}

Status PrepareRun(ScenarioKind k, ScenarioContext& ctx) {
  if (ctx.table_dirty) {
    SLUICE_TRY(CreateSyntheticTable(*ctx.admin, ctx.spec));
    ctx.table_dirty = false;
    ctx.note_column = false;
    ctx.bench_index = false;
  }
  switch (k) {
    case ScenarioKind::kCopy: {
      TableRef target = CopyTarget(ctx.spec);
      SLUICE_TRY(DropTable(*ctx.admin, target));
      return ctx.admin
          ->Exec(fmt::format("CREATE TABLE {} LIKE {}", QuoteTable(target),
                             QuoteTable(ctx.spec.table)))
          .status();
    }
    case ScenarioKind::kAddIndex:
      return DropBenchIndex(ctx);
    default:
      return Status::Ok();
  }
}

Result<RunMeasurement> RunScenario(ScenarioKind k, ScenarioContext& ctx, const RunConfig& config) {
  Result<RunMeasurement> m = SupportsDeferIndexes(k) ? RunData(k, ctx, config)
                                                     : RunSchema(k, ctx, config);
  ++ctx.runs;
  if (!m.ok()) {
    // A failed step may have left anything behind: start the next one afresh.
    ctx.table_dirty = true;
    return m;
  }
  switch (k) {
    case ScenarioKind::kPurge:
      ctx.table_dirty = true;
      break;
    case ScenarioKind::kAlter:
      ctx.note_column = !ctx.note_column;
      break;
    case ScenarioKind::kAddIndex:
      ctx.bench_index = true;
      break;
    default:
      break;
  }
  return m;
}

Status DropShadowLeftovers(ScenarioContext& ctx) {
  for (const char* suffix : {"_sluice_new", "_sluice_old"}) {
    TableRef t = ctx.spec.table;
    t.name += suffix;
    SLUICE_TRY(DropTable(*ctx.admin, t));
  }
  return Status::Ok();
}

Status CleanupScenario(ScenarioKind k, ScenarioContext& ctx) {
  switch (k) {
    case ScenarioKind::kCopy:
      return DropTable(*ctx.admin, CopyTarget(ctx.spec));
    case ScenarioKind::kAlter:
      if (ctx.note_column) ctx.table_dirty = true;
      return Status::Ok();
    case ScenarioKind::kAddIndex:
      return DropBenchIndex(ctx);
    default:
      return Status::Ok();
  }
}

}  // namespace sluice::bench
