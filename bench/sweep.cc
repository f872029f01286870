#include "bench/sweep.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <map>
#include <thread>

#include "engine/exec/data_step.h"
#include "engine/log.h"
#include "engine/sql/quote.h"

namespace sluice::bench {

namespace {

double SecondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string UtcNow() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string MachineDescription() {
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  std::string cpu;
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) == 0) {
      cpu = line.substr(line.find(':') + 2);
      break;
    }
  }
  long mem_kb = 0;
  std::ifstream meminfo("/proc/meminfo");
  for (std::string line; std::getline(meminfo, line);) {
    if (line.rfind("MemTotal:", 0) == 0) mem_kb = std::atol(line.c_str() + 9);
  }
  return fmt::format("{}: {} CPUs ({}), {:.1f} GiB RAM", host, std::thread::hardware_concurrency(),
                     cpu.empty() ? "unknown CPU" : cpu, mem_kb / 1048576.0);
}

// One measured repeat of a configuration, with its foreground latencies.
struct Sample {
  RunMeasurement run;
  ForegroundStats fg;
};

ConfigResult Reduce(ScenarioKind k, const RunConfig& config, const std::vector<Sample>& samples,
                    double idle_p99, const std::string& dialect) {
  ConfigResult c;
  c.scenario = ScenarioName(k);
  c.batch_size = config.adaptive ? 0 : config.batch_size;
  c.target_batch_s = config.target_batch_s;
  c.lock_wait_budget_s = config.lock_wait_budget_s;
  c.capture = config.capture;
  c.workers = config.workers;
  c.defer_indexes = config.defer_indexes;
  c.repeats = static_cast<int>(samples.size());
  std::vector<double> seconds, rows, batches, p50, p99, fg;
  for (const Sample& s : samples) {
    seconds.push_back(s.run.seconds);
    rows.push_back(static_cast<double>(s.run.rows));
    batches.push_back(static_cast<double>(s.run.batches));
    p50.push_back(s.run.batch_seconds.Percentile(0.5));
    p99.push_back(s.run.batch_seconds.Percentile(0.99));
    fg.push_back(s.fg.P99());
    c.retries += s.run.retries;
    c.fg_queries += s.fg.latency.count();
    c.fg_errors += s.fg.errors;
  }
  c.seconds = Median(seconds);
  c.rows = static_cast<uint64_t>(Median(rows));
  c.rows_per_s = c.seconds > 0 ? static_cast<double>(c.rows) / c.seconds : 0;
  c.batches = static_cast<uint64_t>(Median(batches));
  c.batch_p50_s = Median(p50);
  c.batch_p99_s = Median(p99);
  c.fg_p99_s = Median(fg);
  c.fg_p99_ratio = idle_p99 > 0 ? c.fg_p99_s / idle_p99 : 0;
  c.step_line = StepLine(k, config, dialect);
  return c;
}

// The engine's state tables that the bench's data steps write to.
std::vector<std::string> StateTables() {
  DataStepRequest defaults;
  return {defaults.checkpoint_table, defaults.deferred_index_table};
}

bool TableExists(Session& s, const std::string& name) {
  auto r = s.Query("SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND "
                   "TABLE_NAME = " + sql::QuoteString(name));
  return r.ok() && !r->empty();
}

// Drops everything the sweep created, unless --keep: the tables, and the
// engine's state tables if the sweep created them (else only its own rows).
class Cleanup {
 public:
  Cleanup(ScenarioContext& ctx, const BenchOptions& opts) : ctx_(ctx), opts_(opts) {
    for (const std::string& t : StateTables()) {
      if (TableExists(*ctx_.admin, t)) state_tables_before_.push_back(t);
    }
  }
  ~Cleanup() {
    if (opts_.keep) return;
    for (ScenarioKind k : opts_.scenarios) Warn(CleanupScenario(k, ctx_));
    Warn(DropShadowLeftovers(ctx_));
    Warn(DropTable(*ctx_.admin, ctx_.spec.table));
    for (const std::string& t : StateTables()) {
      bool existed = std::find(state_tables_before_.begin(), state_tables_before_.end(), t) !=
                     state_tables_before_.end();
      if (!existed) {
        Warn(DropTable(*ctx_.admin, TableRef{"", t}));
        continue;
      }
      std::string prefix = ctx_.run_prefix + "_";
      Warn(ctx_.admin
               ->Exec(fmt::format("DELETE FROM {} WHERE LEFT(`revision`, {}) = {}",
                                  sql::QuoteIdent(t), prefix.size(), sql::QuoteString(prefix)))
               .status());
    }
  }

 private:
  static void Warn(const Status& st) {
    if (!st.ok()) spdlog::warn("bench clean-up: {}", st.error().ToString());
  }

  ScenarioContext& ctx_;
  const BenchOptions& opts_;
  std::vector<std::string> state_tables_before_;
};

}  // namespace

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

Status ValidateOptions(const BenchOptions& opts) {
  SLUICE_TRY(ValidateSpec(opts.table));
  if (opts.scenarios.empty()) return InputError("--scenarios names no scenario");
  if (opts.batch_sizes.empty() && opts.target_batch_times.empty()) {
    return InputError("--batch-sizes names no batch size");
  }
  if (opts.lock_wait_budgets.empty()) return InputError("--lock-wait-budgets names no budget");
  if (opts.workers.empty()) return InputError("--workers names no worker count");
  if (opts.captures.empty()) return InputError("--captures names no capture");
  if (opts.defer_indexes.empty()) return InputError("--defer-indexes needs on, off or on,off");
  for (int b : opts.batch_sizes) {
    if (b < 1) return InputError(fmt::format("batch size {} must be at least 1", b));
  }
  for (int w : opts.workers) {
    if (w < 1 || w > 256) return InputError(fmt::format("workers {} must be 1..256", w));
  }
  if (opts.repeat < 1) return InputError("--repeat must be at least 1");
  for (double t : opts.target_batch_times) {
    if (!(t > 0)) return InputError("--target-batch-times must be positive");
  }
  if (opts.foreground.threads < 0 || opts.foreground.threads > 256) {
    return InputError("--fg-threads must be 0..256");
  }
  if (opts.foreground.threads > 0 && opts.foreground.rate_per_thread <= 0) {
    return InputError("--fg-rate must be positive");
  }
  if (opts.foreground.update_ratio < 0 || opts.foreground.update_ratio > 1) {
    return InputError("--fg-update-ratio must be between 0 and 1");
  }
  return Status::Ok();
}

std::vector<RunConfig> Configurations(const BenchOptions& opts, ScenarioKind k) {
  std::vector<RunConfig> configs;
  std::vector<bool> defer = SupportsDeferIndexes(k) ? opts.defer_indexes : std::vector<bool>{false};
  // Only the alter scenario runs a shadow copy, whose capture can vary.
  std::vector<std::string> captures =
      k == ScenarioKind::kAlter ? opts.captures : std::vector<std::string>{""};
  auto add = [&](RunConfig c) {
    for (const std::string& capture : captures) {
      c.capture = capture;
      configs.push_back(c);
    }
  };
  for (bool d : defer) {
    for (int w : opts.workers) {
      // Fixed sizes (or auto, --adaptive), then auto at each target batch
      // time and lock-wait budget, side by side.
      for (int b : opts.batch_sizes) add(RunConfig{b, w, d, opts.adaptive, 0, 0});
      for (double t : opts.target_batch_times) {
        for (double lw : opts.lock_wait_budgets) add(RunConfig{0, w, d, true, t, lw});
      }
    }
  }
  return configs;
}

Result<BenchResults> RunSweep(Dialect& dialect, SessionFactory& sessions,
                              const BenchOptions& opts, RunControl* control) {
  SLUICE_TRY(ValidateOptions(opts));
  auto t_start = std::chrono::steady_clock::now();
  SLUICE_ASSIGN(std::unique_ptr<Session> admin, sessions.Open());

  BenchResults results;
  results.date = UtcNow();
  results.machine = MachineDescription();
  results.server = admin->server().version_string;
  results.dialect = dialect.Name();
  results.rows = opts.table.rows;
  results.pk = PkShapeName(opts.table.pk);
  results.secondary_indexes = opts.table.secondary_indexes;
  results.row_width = opts.table.row_width;
  results.fg_threads = opts.foreground.threads;
  results.fg_rate = opts.foreground.rate_per_thread;

  ScenarioContext ctx;
  ctx.dialect = &dialect;
  ctx.sessions = &sessions;
  ctx.admin = admin.get();
  ctx.spec = opts.table;
  ctx.run_prefix = fmt::format("bench_{}_{}", getpid(), std::time(nullptr));
  ctx.control = control;
  auto stopped = [&]() -> Status {
    if (control == nullptr || !control->stopping()) return Status::Ok();
    Error e = RuntimeError("bench stopped; its tables are dropped");
    e.exit = ExitCode::kAborted;
    return e;
  };

  spdlog::info("bench: creating {} with {} rows", ctx.spec.table.name, ctx.spec.rows);
  Cleanup cleanup(ctx, opts);
  SLUICE_TRY(DropShadowLeftovers(ctx));  // of an earlier bench killed mid-alter
  auto t_setup = std::chrono::steady_clock::now();
  SLUICE_TRY(CreateSyntheticTable(*admin, ctx.spec));
  results.setup_seconds = SecondsSince(t_setup);
  spdlog::info("bench: table ready in {:.1f} s", results.setup_seconds);

  ForegroundLoad load(sessions, ctx.spec, opts.foreground);
  if (opts.foreground.threads > 0) {
    SLUICE_TRY(load.Start());
    std::this_thread::sleep_for(std::chrono::duration<double>(opts.idle_seconds));
    ForegroundStats idle = load.Stop();
    results.idle_p50_s = idle.latency.Percentile(0.5);
    results.idle_p99_s = idle.P99();
    results.idle_queries = idle.latency.count();
    spdlog::info("bench: idle foreground p99 {:.2f} ms over {} queries", results.idle_p99_s * 1e3,
                 results.idle_queries);
  }

  for (ScenarioKind k : opts.scenarios) {
    std::vector<RunConfig> configs = Configurations(opts, k);
    std::map<size_t, std::vector<Sample>> samples;
    for (int rep = 0; rep < opts.repeat; ++rep) {
      for (size_t i = 0; i < configs.size(); ++i) {
        const RunConfig& config = configs[i];
        SLUICE_TRY(PrepareRun(k, ctx));
        if (opts.foreground.threads > 0) SLUICE_TRY(load.Start());
        Result<RunMeasurement> run = RunScenario(k, ctx, config);
        Sample s;
        s.fg = load.Stop();
        SLUICE_TRY(stopped());
        if (!run.ok()) {
          Error e = run.error();
          e.message = fmt::format("{} batch-size={} workers={}: {}", ScenarioName(k),
                                  config.batch_size, config.workers, e.message);
          return e;
        }
        s.run = std::move(run).value();
        spdlog::info(
            "bench: {} batch-size={} workers={} defer={} run {}/{}: {} rows in {:.2f} s "
            "({:.0f} rows/s), foreground p99 {:.2f} ms",
            ScenarioName(k), config.batch_size, config.workers, config.defer_indexes ? "on" : "off",
            rep + 1, opts.repeat, s.run.rows, s.run.seconds,
            s.run.seconds > 0 ? s.run.rows / s.run.seconds : 0, s.fg.P99() * 1e3);
        samples[i].push_back(std::move(s));
      }
    }
    for (size_t i = 0; i < configs.size(); ++i) {
      results.configs.push_back(
          Reduce(k, configs[i], samples[i], results.idle_p99_s, dialect.Name()));
    }
    if (!opts.keep) SLUICE_TRY(CleanupScenario(k, ctx));
  }
  results.total_seconds = SecondsSince(t_start);
  return results;
}

}  // namespace sluice::bench
