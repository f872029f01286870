// The one logging header: spdlog behind a tiny set-up function.
#pragma once

#include <spdlog/spdlog.h>

#include <string>

namespace sluice {

struct LogOptions {
  std::string level = "info";  // trace|debug|info|warn|error|off
  bool json = false;           // one JSON object per line instead of text
};

// Configures the default logger (to stderr). Returns false on an unknown level.
bool SetUpLogging(const LogOptions& opts);

}  // namespace sluice
