#include "engine/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace sluice {

bool SetUpLogging(const LogOptions& opts) {
  auto level = spdlog::level::from_str(opts.level);
  if (level == spdlog::level::off && opts.level != "off") return false;
  auto logger = spdlog::stderr_color_mt("sluice");
  spdlog::set_default_logger(logger);
  spdlog::set_level(level);
  if (opts.json) {
    // %v is the message; quotes in it are escaped by the caller-free pattern
    // below being restricted to fields spdlog controls plus the message.
    spdlog::set_pattern(
        R"({"time":"%Y-%m-%dT%H:%M:%S.%e%z","level":"%l","msg":"%v"})");
  } else {
    spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v");
  }
  return true;
}

}  // namespace sluice
