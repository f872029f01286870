#include "engine/progress/control_handler.h"

#include <fmt/format.h>

#include "engine/chunk/adaptive_batch_size.h"
#include "engine/log.h"
#include "engine/progress/snapshot_json.h"
#include "engine/throttle/composite_throttler.h"

namespace sluice {
namespace {

nlohmann::json StatusAnswer(const ControlContext& ctx) {
  const RunControl& c = *ctx.control;
  // "paused" only once the batches in flight have ended ("pausing" until then).
  const std::string state = c.State();
  nlohmann::json j = {
      {"state", state},
      {"paused", state == "paused"},
      {"pause_requested", c.paused()},
      {"stopping", c.stopping()},
      {"aborted", c.aborted()},
      {"cut_over_requested", c.cut_over_requested()},
      {"overrides",
       {{"batch_size", c.batch_size() == chunk::kAutoOverride ? nlohmann::json("auto")
                                                              : nlohmann::json(c.batch_size())},
        {"min_batch_size", c.min_batch_size()},
        {"max_batch_size", c.max_batch_size()},
        {"workers", c.workers()},
        {"max_rate", c.max_rate()}}},
  };
  if (c.aborted()) j["abort_reason"] = c.abort_reason();
  j["snapshot"] = ctx.progress ? SnapshotToJson(ctx.progress->Latest()) : nlohmann::json(nullptr);
  if (ctx.throttler != nullptr) {
    ThrottleDecision d = ctx.throttler->Last();
    j["throttle"] = {{"throttled", d.throttle},
                     {"reason", d.reason},
                     {"signals", d.signal},
                     {"seconds", ctx.throttler->ThrottledSeconds()}};
  }
  return j;
}

}  // namespace

nlohmann::json ExecuteControlCommand(const ControlCommand& cmd, const ControlContext& ctx) {
  RunControl& c = *ctx.control;
  nlohmann::json j;
  switch (cmd.kind) {
    case ControlCommand::Kind::kStatus:
      j = StatusAnswer(ctx);
      break;
    case ControlCommand::Kind::kPause:
      c.Pause();
      spdlog::warn("paused by operator (control socket)");
      j = {{"paused", true}};
      break;
    case ControlCommand::Kind::kResume:
      c.Resume();
      spdlog::info("resumed by operator (control socket)");
      j = {{"paused", false}};
      break;
    case ControlCommand::Kind::kSet:
      if (cmd.key == "batch-size") {
        c.SetBatchSize(cmd.value == ControlCommand::kAuto ? chunk::kAutoOverride
                                                          : static_cast<int>(cmd.value));
      } else if (cmd.key == "min-batch-size") {
        c.SetMinBatchSize(static_cast<int>(cmd.value));
      } else if (cmd.key == "max-batch-size") {
        c.SetMaxBatchSize(static_cast<int>(cmd.value));
      } else if (cmd.key == "workers") {
        c.SetWorkers(static_cast<int>(cmd.value));
      } else {
        c.SetMaxRate(cmd.value);
      }
      spdlog::info("operator set {}={} (control socket)", cmd.key,
                   cmd.value == ControlCommand::kAuto ? "auto" : fmt::format("{}", cmd.value));
      j = {{"key", cmd.key}, {"value", cmd.value}};
      break;
    case ControlCommand::Kind::kCutOver:
      c.RequestCutOver();
      spdlog::info("cut-over requested by operator (control socket)");
      j = {{"cut_over_requested", true}};
      break;
    case ControlCommand::Kind::kAbort: {
      std::string reason =
          cmd.reason.empty() ? "aborted by operator" : "aborted by operator: " + cmd.reason;
      c.RequestAbort(reason);
      spdlog::warn("{} (control socket)", reason);
      j = {{"aborted", true}, {"reason", c.abort_reason()}};
      break;
    }
  }
  j["ok"] = true;
  j["command"] = ControlCommandName(cmd.kind);
  return j;
}

nlohmann::json HandleControlLine(const std::string& line, const ControlContext& ctx) {
  auto cmd = ParseControlCommand(line);
  if (!cmd.ok()) return {{"ok", false}, {"error", cmd.error().message}};
  return ExecuteControlCommand(*cmd, ctx);
}

}  // namespace sluice
