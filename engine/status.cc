#include "engine/status.h"

#include <fmt/format.h>

namespace sluice {

const char* ErrorClassName(ErrorClass c) {
  switch (c) {
    case ErrorClass::kRetry:
      return "retry";
    case ErrorClass::kShrinkBatch:
      return "shrink-batch";
    case ErrorClass::kFatal:
      return "fatal";
  }
  return "fatal";
}

std::string Error::ToString() const {
  if (code == 0) return message;
  if (sqlstate.empty()) return fmt::format("ERROR {}: {}", code, message);
  return fmt::format("ERROR {} ({}): {}", code, sqlstate, message);
}

Error InputError(std::string message) {
  Error e;
  e.message = std::move(message);
  e.exit = ExitCode::kUsage;
  return e;
}

Error RuntimeError(std::string message) {
  Error e;
  e.message = std::move(message);
  return e;
}

}  // namespace sluice
