// The control socket's command language: one command per line.
//   status | pause | resume | cut-over | abort [reason]
//   set batch-size=N | set workers=N | set max-rate=N
#pragma once

#include <string>
#include <string_view>

#include "engine/status.h"

namespace sluice {

struct ControlCommand {
  enum class Kind { kStatus, kPause, kResume, kSet, kCutOver, kAbort };
  Kind kind = Kind::kStatus;
  std::string key;     // set: "batch-size", "workers" or "max-rate"
  double value = 0;    // set: the number (> 0; integers for batch-size and workers)
  std::string reason;  // abort: optional free text after the command
};

const char* ControlCommandName(ControlCommand::Kind k);

// Parses one line (surrounding blanks ignored). Errors say what is accepted.
Result<ControlCommand> ParseControlCommand(std::string_view line);

}  // namespace sluice
