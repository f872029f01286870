// sluice status [--watch] | pause | resume | set KEY=VALUE | cut-over | abort:
// thin clients of a running migration's control socket.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "cli/command.h"
#include "engine/progress/control_client.h"
#include "engine/progress/control_command.h"
#include "engine/progress/progress_format.h"
#include "engine/progress/snapshot_json.h"

namespace sluice::cli {
namespace {

constexpr const char* kDefaultSocket = ".sluice/run.sock";

std::string SocketPath(const CommandContext& ctx) {
  return ctx.ResolvePath(ctx.Get<std::string>("control-socket", kDefaultSocket));
}

void AddSocketOption(po::options_description& o) {
  o.add_options()("control-socket", po::value<std::string>(),
                  "the run's control socket (default .sluice/run.sock)");
}

// Sends one command; prints an error and returns its exit code when it fails.
int Send(const CommandContext& ctx, const std::string& line, nlohmann::json* answer) {
  auto r = SendControlCommand(SocketPath(ctx), line);
  if (!r.ok()) return Fail(r.error());
  if (!(*r).value("ok", false)) {
    return Fail(InputError((*r).value("error", std::string("command failed"))));
  }
  *answer = *r;
  return 0;
}

// One human-readable status line from a `status` answer.
std::string StatusLine(const nlohmann::json& a) {
  std::string line;
  // The run's state ("pausing" while batches are still running, then
  // "paused"; "stopping", "aborting"...) is the control's, not the snapshot's.
  const std::string state = a.value("state", std::string("running"));
  if (a.contains("snapshot") && a["snapshot"].is_object()) {
    ProgressSnapshot s = SnapshotFromJson(a["snapshot"]);
    s.paused = state == "paused";
    s.run_state = state == "running" || s.paused ? "" : state;
    line = RenderPlainLine(s);
  } else {
    line = "no step running yet";
    if (state != "running") line += "  " + state;
  }
  if (a.value("aborted", false)) line += "  (" + a.value("abort_reason", std::string()) + ")";
  if (a.contains("throttle") && a["throttle"].value("throttled", false) &&
      line.find("THROTTLED") == std::string::npos && line.find("PAUSED") == std::string::npos) {
    line += "  THROTTLED: " + a["throttle"].value("reason", std::string());
  }
  return line;
}

int RunStatus(CommandContext& ctx) {
  const bool json = ctx.Get<bool>("json", false);
  if (!ctx.Get<bool>("watch", false)) {
    nlohmann::json a;
    if (int rc = Send(ctx, "status", &a)) return rc;
    std::cout << (json ? a.dump() : StatusLine(a)) << "\n";
    return 0;
  }
  const double interval = ctx.Get<double>("interval", 2);
  const bool tty = ::isatty(STDOUT_FILENO) == 1 && !json;
  bool first = true;
  while (true) {
    auto r = SendControlCommand(SocketPath(ctx), "status");
    if (!r.ok()) {
      if (tty && !first) std::cout << "\n";
      if (first) return Fail(r.error());
      std::cout << "the run ended\n";
      return 0;
    }
    std::string line = json ? r->dump() : StatusLine(*r);
    if (tty) {
      std::cout << "\r\x1b[2K" << line << std::flush;
    } else {
      std::cout << line << std::endl;
    }
    first = false;
    std::this_thread::sleep_for(std::chrono::duration<double>(interval));
  }
}

// A command that sends a fixed line and prints what happened.
Command Simple(const std::string& name, const std::string& summary, const std::string& done) {
  Command c;
  c.name = name;
  c.synopsis = "[--control-socket PATH]";
  c.summary = summary;
  c.add_options = AddSocketOption;
  c.run = [name, done](CommandContext& ctx) {
    std::string line = name;
    if (name == "abort" && !ctx.args.empty()) line += " " + ctx.args[0];
    nlohmann::json a;
    if (int rc = Send(ctx, line, &a)) return rc;
    std::cout << done << "\n";
    return 0;
  };
  return c;
}

}  // namespace

Command MakeStatusCommand() {
  Command c;
  c.name = "status";
  c.synopsis = "[--watch] [--interval S] [--json] [--control-socket PATH]";
  c.summary = "progress and throttle state of the running migration";
  c.add_options = [](po::options_description& o) {
    AddSocketOption(o);
    o.add_options()
        ("watch", po::bool_switch(), "keep showing the status until the run ends")
        ("interval", po::value<double>(), "seconds between updates with --watch (2)")
        ("json", po::bool_switch(), "print the socket's JSON answer");
  };
  c.run = RunStatus;
  return c;
}

Command MakePauseCommand() {
  return Simple("pause", "pause the running migration (no new batches)",
                "paused: running batches finish, no new ones start (sluice resume)");
}

Command MakeResumeCommand() {
  return Simple("resume", "resume a paused migration", "resumed");
}

Command MakeCutOverCommand() {
  return Simple("cut-over", "swap tables now in a run started with --postpone-cut-over",
                "cut-over requested");
}

Command MakeAbortCommand() {
  Command c = Simple("abort", "stop the running migration (exit 3; resumable)",
                     "abort requested: running batches finish, then the run stops");
  c.synopsis = "[REASON] [--control-socket PATH]";
  c.max_args = 1;
  return c;
}

Command MakeSetCommand() {
  Command c;
  c.name = "set";
  c.synopsis =
      "batch-size=N|auto | min-batch-size=N | max-batch-size=N | workers=N | max-rate=N "
      "[--control-socket PATH]";
  c.summary = "change a setting of the running migration";
  c.add_options = AddSocketOption;
  c.run = [](CommandContext& ctx) {
    nlohmann::json a;
    if (int rc = Send(ctx, "set " + ctx.args[0], &a)) return rc;
    const bool is_auto = a.contains("value") && a["value"] == ControlCommand::kAuto;
    std::cout << fmt::format("{}={}\n", a.value("key", std::string()),
                             is_auto ? std::string("auto") : a["value"].dump());
    return 0;
  };
  c.min_args = 1;
  c.max_args = 1;
  return c;
}

}  // namespace sluice::cli
