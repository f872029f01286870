// Throttling: signals say whether to hold back new batches, and why. The
// composite (throttle/composite_throttler) combines them.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "engine/status.h"

namespace sluice {

struct ThrottleDecision {
  bool throttle = false;  // hold new batches
  bool abort = false;     // critical: stop the run cleanly
  std::string reason;     // "Threads_running=57 > 50", "replica lag 12s > 5s"
  std::string signal;     // metric label(s) of the signal(s) behind it: "load", "lag,pause"
  // Impact on the application (lock-wait signal): the longest wait of a
  // foreground statement on one of sluice's transactions now, and whether it
  // is over --lock-wait-budget, so that auto-sized batches must shrink.
  double lock_wait_s = 0;
  bool shrink = false;
  double shrink_factor = 0.5;  // by how much: the budget over the wait
  std::string shrink_reason;   // "foreground lock wait 35 ms > budget 20 ms"
};

// One signal: server load, replica lag, flag file, manual pause...
class ThrottleSignal {
 public:
  virtual ~ThrottleSignal() = default;
  virtual std::string Name() const = 0;  // metric label: "load", "lag", "flag-file"...
  // An error means the signal could not be read; the throttler decides.
  virtual Result<ThrottleDecision> Check() = 0;
  // Cheap signals (manual pause, flag file) are re-read on every Throttler
  // check instead of being cached for check_interval_s.
  virtual bool Cheap() const { return false; }
  // The longest an auto-sized batch should take, or 0 (see Throttler).
  virtual double BatchTimeCeiling() const { return 0; }
};

// Settings from --max-load, --critical-load, --max-lag, --replica,
// --max-rate and --throttle-flag-file.
struct ThrottleOptions {
  std::vector<std::pair<std::string, long>> max_load;       // {"Threads_running", 50}
  std::vector<std::pair<std::string, long>> critical_load;  // {"Threads_running", 200}
  double critical_grace_s = 10;        // critical must hold this long before abort
  double max_lag_s = 0;                // 0: no lag check
  std::vector<std::string> replica_dsns;
  double max_rate = 0;                 // rows/s over all workers; 0: unlimited
  std::string flag_file;               // throttle while this file exists
  double check_interval_s = 1;         // how often signals are re-read
  double lock_wait_budget_s = 0;       // --lock-wait-budget; 0: no lock-wait signal
};

// What workers ask before each batch.
class Throttler {
 public:
  virtual ~Throttler() = default;
  // Current decision (cached by implementations between checks).
  virtual ThrottleDecision Check() = 0;
  // The longest an auto-sized batch should take (--lock-wait-budget), or 0:
  // an application statement that queues behind a batch's row lock waits up
  // to the rest of that batch, so auto sizing aims no higher.
  virtual double BatchTimeCeiling() const { return 0; }
};

// Never throttles: for unit tests and --max-load unset.
class NoThrottler : public Throttler {
 public:
  ThrottleDecision Check() override { return {}; }
};

}  // namespace sluice
