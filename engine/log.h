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

// A line on the terminal that log lines must not break: the progress bar.
// The logger calls BeforeLogLine (clear the bar's line) and AfterLogLine
// (draw it again below) around each line it writes, one line at a time.
class LogLineGuard {
 public:
  virtual ~LogLineGuard() = default;
  virtual void BeforeLogLine() = 0;
  virtual void AfterLogLine() = 0;
};

// Installs `guard` (nullptr: none); the guard must stay alive until removed.
void SetLogLineGuard(LogLineGuard* guard);

}  // namespace sluice
