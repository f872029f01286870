#include "cli/run_observers.h"

#include <fmt/format.h>

#include <charconv>
#include <sstream>

#include "engine/exec/signal_handler.h"
#include "engine/log.h"
#include "engine/progress/control_handler.h"
#include "engine/progress/control_server.h"
#include "engine/progress/json_lines_sink.h"
#include "engine/progress/metrics_exporter.h"
#include "engine/progress/terminal_sink.h"
#include "engine/progress/throttle_progress.h"
#include "engine/throttle/flag_file_signal.h"
#include "engine/throttle/manual_pause_signal.h"

namespace sluice::cli {

void AddRunObserverOptions(po::options_description& o) {
  using Strings = std::vector<std::string>;
  o.add_options()
      ("max-load", po::value<Strings>()->composing(),
       "hold new batches while a status variable is above N: Threads_running=50 (repeatable, "
       "or comma-separated)")
      ("critical-load", po::value<Strings>()->composing(),
       "abort cleanly once a status variable stayed above N for --critical-grace seconds")
      ("critical-grace", po::value<double>(), "seconds above --critical-load before aborting (10)")
      ("max-lag", po::value<double>(), "hold new batches while a --replica lags more (seconds)")
      ("replica", po::value<Strings>()->composing(), "replica DSN to watch for lag (repeatable)")
      ("throttle-flag-file", po::value<std::string>(), "hold new batches while this file exists")
      ("throttle-interval", po::value<double>(), "seconds between server throttle checks (1)")
      ("max-rate", po::value<double>(), "rows/s over all workers (0: unlimited)")
      ("lock-wait-budget", po::value<std::string>(),
       "longest wait an application statement should have on sluice's row locks (default "
       "20ms; 0: off): auto-sized batches aim no longer, shrink after a longer wait and grow "
       "back slowly; beyond 5x new batches are held")
      ("metrics-addr", po::value<std::string>(), "serve Prometheus metrics on HOST:PORT")
      ("control-socket", po::value<std::string>(),
       "control socket path (default .sluice/run.sock; 'none' to disable)")
      ("progress", po::value<std::string>(), "auto|bar|plain|json|none (default auto)")
      ("progress-interval", po::value<double>(), "seconds between plain progress lines (5)");
}

Result<std::vector<std::pair<std::string, long>>> ParseLoadLimits(
    const std::vector<std::string>& specs, const std::string& flag) {
  std::vector<std::pair<std::string, long>> out;
  for (const std::string& spec : specs) {
    std::stringstream in(spec);
    std::string item;
    while (std::getline(in, item, ',')) {
      auto eq = item.find('=');
      std::string name = item.substr(0, eq);
      std::string value = eq == std::string::npos ? "" : item.substr(eq + 1);
      long n = 0;
      auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      bool name_ok = !name.empty() && name.find_first_not_of(
          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos;
      if (!name_ok || value.empty() || ec != std::errc() || ptr != value.data() + value.size() ||
          n <= 0) {
        return InputError(fmt::format(
            "--{} '{}': expected STATUS_VARIABLE=N with N > 0, e.g. Threads_running=50", flag,
            item));
      }
      out.emplace_back(name, n);
    }
  }
  return out;
}

// "20ms", "0.02", "0.5s" -> seconds.
Result<double> ParseSeconds(const std::string& text, const std::string& flag) {
  std::string v = text;
  double scale = 1;
  if (v.size() > 2 && v.compare(v.size() - 2, 2, "ms") == 0) {
    v.resize(v.size() - 2);
    scale = 1e-3;
  } else if (v.size() > 1 && v.back() == 's') {
    v.pop_back();
  }
  char* end = nullptr;
  const double x = std::strtod(v.c_str(), &end);
  if (v.empty() || end != v.c_str() + v.size() || !(x >= 0)) {
    return InputError(fmt::format("--{} '{}': expected a duration such as 20ms or 0.5s", flag,
                                  text));
  }
  return x * scale;
}

Result<RunObserverOptions> RunObserverOptionsFrom(const CommandContext& ctx) {
  using Strings = std::vector<std::string>;
  RunObserverOptions o;
  SLUICE_ASSIGN(o.throttle.max_load, ParseLoadLimits(ctx.Get<Strings>("max-load", {}), "max-load"));
  SLUICE_ASSIGN(o.throttle.critical_load,
                ParseLoadLimits(ctx.Get<Strings>("critical-load", {}), "critical-load"));
  o.throttle.critical_grace_s = ctx.Get<double>("critical-grace", o.throttle.critical_grace_s);
  o.throttle.max_lag_s = ctx.Get<double>("max-lag", 0);
  o.throttle.replica_dsns = ctx.Get<Strings>("replica", {});
  o.throttle.flag_file = ctx.Get<std::string>("throttle-flag-file", "");
  if (!o.throttle.flag_file.empty()) o.throttle.flag_file = ctx.ResolvePath(o.throttle.flag_file);
  o.throttle.check_interval_s = ctx.Get<double>("throttle-interval", 1);
  o.throttle.max_rate = ctx.Get<double>("max-rate", 0);
  SLUICE_ASSIGN(o.throttle.lock_wait_budget_s,
                ParseSeconds(ctx.Get<std::string>("lock-wait-budget", kDefaultLockWaitBudget),
                             "lock-wait-budget"));
  if (o.throttle.max_lag_s < 0 || o.throttle.critical_grace_s < 0 ||
      o.throttle.check_interval_s <= 0 || o.throttle.max_rate < 0) {
    return InputError("--max-lag, --critical-grace, --max-rate and --throttle-interval must not "
                      "be negative");
  }
  if (o.throttle.max_lag_s > 0 && o.throttle.replica_dsns.empty()) {
    return InputError("--max-lag needs at least one --replica DSN");
  }
  for (const auto& r : o.throttle.replica_dsns) {
    auto d = ParseDsn(r);
    if (!d.ok()) return InputError("--replica: " + d.error().message);
  }
  o.metrics_addr = ctx.Get<std::string>("metrics-addr", "");
  o.control_socket = ctx.Get<std::string>("control-socket", o.control_socket);
  if (o.control_socket == "none") {
    o.control_socket.clear();
  } else {
    o.control_socket = ctx.ResolvePath(o.control_socket);
  }
  o.progress = ctx.Get<std::string>("progress", "auto");
  if (o.progress != "auto" && o.progress != "bar" && o.progress != "plain" &&
      o.progress != "json" && o.progress != "none") {
    return InputError(fmt::format("--progress '{}': use auto, bar, plain, json or none",
                                  o.progress));
  }
  o.progress_interval_s = ctx.Get<double>("progress-interval", 5);
  return o;
}

Result<std::unique_ptr<RunObservers>> RunObservers::Start(const RunObserverOptions& opts,
                                                          Dialect& dialect,
                                                          SessionFactory& sessions,
                                                          RunControl& control,
                                                          ProgressReporter& progress) {
  std::unique_ptr<RunObservers> r(new RunObservers());
  r->control_ = &control;
  r->progress_ = &progress;

  r->throttler_ = std::make_unique<CompositeThrottler>(opts.throttle.check_interval_s,
                                                       opts.throttle.critical_grace_s);
  r->throttler_->Add(std::make_unique<ManualPauseSignal>(control));
  if (!opts.throttle.flag_file.empty()) {
    r->throttler_->Add(std::make_unique<FlagFileSignal>(opts.throttle.flag_file));
  }
  for (auto& s : dialect.ThrottleSignals(sessions, opts.throttle)) r->throttler_->Add(std::move(s));
  if (opts.throttle_time_to_progress) ReportThrottlingTo(*r->throttler_, progress);

  if (opts.progress == "json") {
    progress.AddSink(std::make_shared<JsonLinesSink>(opts.progress_out));
  } else if (opts.progress != "none") {
    TerminalSinkOptions t;
    t.mode = opts.progress;
    t.plain_interval_s = opts.progress_interval_s;
    progress.AddSink(std::make_shared<TerminalSink>(opts.progress_out, t));
  }
  if (!opts.metrics_addr.empty()) {
    SLUICE_ASSIGN(r->metrics_, MetricsExporter::Start(opts.metrics_addr));
    progress.AddSink(r->metrics_);
    spdlog::info("metrics on http://{}/metrics", r->metrics_->Address());
  }
  if (!opts.control_socket.empty()) {
    RunObservers* raw = r.get();
    SLUICE_ASSIGN(r->control_server_,
                  ControlServer::Start({opts.control_socket}, [raw](const std::string& line) {
                    ControlContext ctx{raw->control_, raw->progress_, raw->throttler_.get()};
                    return HandleControlLine(line, ctx);
                  }));
    spdlog::info("control socket {} (sluice status | pause | resume | set | cut-over | abort)",
                 opts.control_socket);
  }
  if (opts.handle_signals) r->signals_ = std::make_unique<StopSignalHandler>(control);
  return r;
}

RunObservers::~RunObservers() {
  if (control_server_) control_server_->Stop();
  signals_.reset();
}

std::string RunObservers::metrics_address() const {
  return metrics_ ? metrics_->Address() : "";
}

std::string RunObservers::control_socket() const {
  return control_server_ ? control_server_->path() : "";
}

}  // namespace sluice::cli
