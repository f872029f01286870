// What a worker calls before each batch: wait while the throttler holds.
#pragma once

#include <chrono>

#include "engine/exec/run_control.h"
#include "engine/throttle/throttler.h"

namespace sluice {

// Blocks while `throttler` says hold, re-checking every `poll`. Returns false
// when the run must stop: the operator stopped or aborted it, or the
// throttler reported a critical condition (then the run is aborted with its
// reason, so every worker sees it).
bool WaitUntilClear(Throttler& throttler, RunControl& control,
                    std::chrono::milliseconds poll = std::chrono::milliseconds(250));

}  // namespace sluice
