// The control socket's command language: one command per line.
//   status | pause | resume | cut-over | abort [reason]
//   set batch-size=N|auto | set min-batch-size=N | set max-batch-size=N
//   set workers=N | set max-rate=N
#pragma once

#include <string>
#include <string_view>

#include "engine/status.h"

namespace sluice {

struct ControlCommand {
  enum class Kind { kStatus, kPause, kResume, kSet, kCutOver, kAbort };
  Kind kind = Kind::kStatus;
  static constexpr double kAuto = -1;  // set batch-size=auto
  std::string key;     // set: "batch-size", "min-batch-size", "max-batch-size", "workers", "max-rate"
  double value = 0;    // set: the number (> 0; integers but for max-rate), or kAuto
  std::string reason;  // abort: optional free text after the command
};

const char* ControlCommandName(ControlCommand::Kind k);

// Parses one line (surrounding blanks ignored). Errors say what is accepted.
Result<ControlCommand> ParseControlCommand(std::string_view line);

}  // namespace sluice
