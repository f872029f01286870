#include "engine/throttle/throttle_wait.h"

namespace sluice {

bool WaitUntilClear(Throttler& throttler, RunControl& control, std::chrono::milliseconds poll) {
  while (!control.stopping()) {
    ThrottleDecision d = throttler.Check();
    if (d.abort) {
      control.RequestAbort(d.reason);
      return false;
    }
    if (!d.throttle) return true;
    control.SleepFor(poll);
  }
  return false;
}

}  // namespace sluice
