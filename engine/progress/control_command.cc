#include "engine/progress/control_command.h"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace sluice {
namespace {

constexpr const char* kUsage =
    "commands: status, pause, resume, set batch-size=N|auto, set min-batch-size=N, "
    "set max-batch-size=N, set workers=N, set max-rate=N, cut-over, abort";

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

Result<ControlCommand> ParseSet(std::string_view arg) {
  auto eq = arg.find('=');
  if (eq == std::string_view::npos) {
    return InputError(fmt::format("set: expected KEY=VALUE, got '{}'", arg));
  }
  ControlCommand c;
  c.kind = ControlCommand::Kind::kSet;
  c.key = std::string(Trim(arg.substr(0, eq)));
  std::string value(Trim(arg.substr(eq + 1)));
  if (c.key != "batch-size" && c.key != "min-batch-size" && c.key != "max-batch-size" &&
      c.key != "workers" && c.key != "max-rate") {
    return InputError(fmt::format(
        "set: unknown key '{}' (batch-size, min-batch-size, max-batch-size, workers or max-rate)",
        c.key));
  }
  if (c.key == "batch-size" && value == "auto") {
    c.value = ControlCommand::kAuto;
    return c;
  }
  char* end = nullptr;
  c.value = std::strtod(value.c_str(), &end);
  if (value.empty() || end != value.c_str() + value.size() || !std::isfinite(c.value) ||
      c.value <= 0) {
    return InputError(fmt::format("set {}: '{}' is not a positive number", c.key, value));
  }
  if (c.key != "max-rate" && (c.value != std::floor(c.value) || c.value > 1e9)) {
    return InputError(fmt::format("set {}: '{}' is not a positive integer", c.key, value));
  }
  return c;
}

}  // namespace

const char* ControlCommandName(ControlCommand::Kind k) {
  switch (k) {
    case ControlCommand::Kind::kStatus:
      return "status";
    case ControlCommand::Kind::kPause:
      return "pause";
    case ControlCommand::Kind::kResume:
      return "resume";
    case ControlCommand::Kind::kSet:
      return "set";
    case ControlCommand::Kind::kCutOver:
      return "cut-over";
    case ControlCommand::Kind::kAbort:
      return "abort";
  }
  return "?";
}

Result<ControlCommand> ParseControlCommand(std::string_view line) {
  line = Trim(line);
  auto space = line.find_first_of(" \t");
  std::string_view word = line.substr(0, space);
  std::string_view rest = space == std::string_view::npos ? "" : Trim(line.substr(space));
  ControlCommand c;
  if (word == "set") return ParseSet(rest);
  if (word == "abort") {
    c.kind = ControlCommand::Kind::kAbort;
    c.reason = std::string(rest);
    return c;
  }
  if (word == "status") {
    c.kind = ControlCommand::Kind::kStatus;
  } else if (word == "pause") {
    c.kind = ControlCommand::Kind::kPause;
  } else if (word == "resume") {
    c.kind = ControlCommand::Kind::kResume;
  } else if (word == "cut-over") {
    c.kind = ControlCommand::Kind::kCutOver;
  } else if (word.empty()) {
    return InputError(fmt::format("empty command; {}", kUsage));
  } else {
    return InputError(fmt::format("unknown command '{}'; {}", word, kUsage));
  }
  if (!rest.empty()) {
    return InputError(fmt::format("{} takes no argument, got '{}'", word, rest));
  }
  return c;
}

}  // namespace sluice
