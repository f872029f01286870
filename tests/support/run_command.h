// Runs a command line through /bin/sh and captures its output and exit code.
#pragma once

#include <string>

namespace sluice::testing {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr interleaved
};

// Runs `command` (a shell command line) and waits for it.
CommandResult RunCommand(const std::string& command);
// The path of the built sluice binary, shell-quoted.
std::string SluiceBinary();

}  // namespace sluice::testing
