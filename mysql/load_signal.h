// Server load as a throttle signal: a numeric global status variable
// (Threads_running by default) against --max-load (hold batches) and
// --critical-load (abort after the composite's grace period).
#pragma once

#include <memory>
#include <string>

#include "engine/db/session_factory.h"
#include "engine/throttle/throttler.h"

namespace sluice::mysql {

struct LoadLimit {
  std::string variable = "Threads_running";  // any numeric SHOW GLOBAL STATUS variable
  long max = 0;                              // throttle above this; 0: no max
  long critical = 0;                         // abort above this; 0: no critical limit
};

class LoadSignal : public ThrottleSignal {
 public:
  LoadSignal(SessionFactory& sessions, LoadLimit limit);
  std::string Name() const override { return "load"; }
  Result<ThrottleDecision> Check() override;

  // The variable's current value (one query).
  Result<long> Read();

 private:
  SessionFactory& sessions_;
  LoadLimit limit_;
  std::unique_ptr<Session> session_;  // opened on first use, reopened after an error
};

}  // namespace sluice::mysql
