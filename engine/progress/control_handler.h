// Executes control commands against a run: every answer is one JSON object
// ({"ok": true|false, "command": ..., ...}). Socket-free, so it is unit-tested
// directly; ControlServer feeds it lines.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "engine/exec/run_control.h"
#include "engine/progress/control_command.h"
#include "engine/progress/progress.h"

namespace sluice {

class CompositeThrottler;

struct ControlContext {
  RunControl* control = nullptr;              // required
  const ProgressReporter* progress = nullptr; // for status; may be null
  const CompositeThrottler* throttler = nullptr;  // throttle state in status; may be null
};

nlohmann::json ExecuteControlCommand(const ControlCommand& cmd, const ControlContext& ctx);
// Parses and executes one line; a parse error is an {"ok": false} answer.
nlohmann::json HandleControlLine(const std::string& line, const ControlContext& ctx);

}  // namespace sluice
