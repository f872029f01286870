// The operator's pause (`sluice pause`, control socket) as a throttle signal,
// so a paused run reports "paused by operator" like any other throttle.
#pragma once

#include "engine/exec/run_control.h"
#include "engine/throttle/throttler.h"

namespace sluice {

class ManualPauseSignal : public ThrottleSignal {
 public:
  explicit ManualPauseSignal(const RunControl& control) : control_(control) {}
  std::string Name() const override { return "pause"; }
  Result<ThrottleDecision> Check() override {
    ThrottleDecision d;
    if (control_.paused()) {
      d.throttle = true;
      d.reason = "paused by operator";
    }
    return d;
  }
  bool Cheap() const override { return true; }

 private:
  const RunControl& control_;
};

}  // namespace sluice
