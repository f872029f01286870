// Everything that watches and steers a run from the outside, built from the
// run flags: the throttler (dialect signals, manual pause, flag file), the
// progress sinks (terminal / JSON lines / none, Prometheus), the control
// socket and the graceful signal handler. Used by `upgrade`, `downgrade` and
// `alter`: Start before the run, destroy after it (removes the socket).
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cli/command.h"
#include "engine/dialect.h"
#include "engine/exec/run_control.h"
#include "engine/progress/progress.h"
#include "engine/throttle/composite_throttler.h"

namespace sluice {
class ControlServer;
class MetricsExporter;
class StopSignalHandler;
}  // namespace sluice

namespace sluice::cli {

struct RunObserverOptions {
  ThrottleOptions throttle;                       // --max-load, --critical-load, --max-lag...
  std::string metrics_addr;                       // --metrics-addr HOST:PORT; empty: no metrics
  std::string control_socket = ".sluice/run.sock";  // --control-socket; empty: none
  std::string progress = "auto";                  // --progress auto|bar|plain|json|none
  double progress_interval_s = 5;                 // --progress-interval: plain lines
  bool handle_signals = true;                     // install the SIGINT/SIGTERM handler
  bool throttle_time_to_progress = true;          // report throttled time per reason to progress
  FILE* progress_out = stderr;                    // where the terminal/JSON sink writes
};

// --lock-wait-budget when none is given (bench/RESULTS.md: defaults).
inline constexpr const char* kDefaultLockWaitBudget = "20ms";

// The run flags, for a command's options_description.
void AddRunObserverOptions(po::options_description& o);
// The flags parsed into options. Errors (bad --max-load...) exit with 2.
Result<RunObserverOptions> RunObserverOptionsFrom(const CommandContext& ctx);
// "Threads_running=50,Threads_connected=300" (repeatable) -> {{name, 50}, ...}.
Result<std::vector<std::pair<std::string, long>>> ParseLoadLimits(
    const std::vector<std::string>& specs, const std::string& flag);

class RunObservers {
 public:
  // `sessions` (for the load signals), `control` and `progress` must outlive
  // the returned object.
  static Result<std::unique_ptr<RunObservers>> Start(const RunObserverOptions& opts,
                                                     Dialect& dialect, SessionFactory& sessions,
                                                     RunControl& control,
                                                     ProgressReporter& progress);
  ~RunObservers();  // stops the control server (removing its socket) and the exporter

  CompositeThrottler& throttler() { return *throttler_; }
  // "host:port" the metrics are served on, or "".
  std::string metrics_address() const;
  // The control socket path, or "".
  std::string control_socket() const;

 private:
  RunObservers() = default;
  std::unique_ptr<CompositeThrottler> throttler_;
  std::shared_ptr<MetricsExporter> metrics_;
  std::unique_ptr<ControlServer> control_server_;
  std::unique_ptr<StopSignalHandler> signals_;
  RunControl* control_ = nullptr;
  ProgressReporter* progress_ = nullptr;
};

}  // namespace sluice::cli
