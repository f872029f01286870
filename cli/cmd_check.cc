// sluice check: every revision file parses, lints clean, and the files of
// applied revisions still have the checksum recorded when they ran.
#include <fmt/format.h>

#include <iostream>

#include "cli/cmd_revisions_common.h"
#include "engine/log.h"
#include "engine/plan/lint.h"
#include "engine/state/checksum.h"
#include "engine/state/history_store.h"

namespace sluice::cli {
namespace {

int RunCheck(CommandContext& ctx) {
  auto graph = LoadGraph(ctx);
  if (!graph.ok()) return Fail(graph.error());
  int problems = 0;
  if (!ctx.Get<bool>("no-lint", false)) {
    for (const auto& id : graph->TopoOrder()) {
      for (const auto& finding : plan::LintRevision(*graph->Find(id))) {
        std::cout << "lint: " << finding.message << "\n";
        ++problems;
      }
    }
  }
  if (!ctx.Get<bool>("offline", false)) {
    auto conn = ctx.Connect();
    if (!conn.ok()) return Fail(conn.error());
    HistoryStore history(**conn, StateTablesFrom(ctx));
    auto recorded = history.AppliedChecksums();
    if (!recorded.ok()) return Fail(recorded.error());
    for (const auto& [id, checksum] : *recorded) {
      const revision::RevisionFile* f = graph->Find(id);
      if (f == nullptr) {
        std::cout << fmt::format("checksum: revision {} was applied but its file is gone\n", id);
        ++problems;
      } else if (!checksum.empty() && Sha256Hex(f->content) != checksum) {
        std::cout << fmt::format(
            "checksum: {} (revision {}) changed after it was applied (recorded sha256 {}, file "
            "now {})\n",
            f->path, id, checksum.substr(0, 12), Sha256Hex(f->content).substr(0, 12));
        ++problems;
      }
    }
  }
  if (problems > 0) {
    std::cout << fmt::format("{} problem(s) found\n", problems);
    return static_cast<int>(ExitCode::kFailed);
  }
  std::cout << fmt::format("ok: {} revision(s) checked\n", graph->TopoOrder().size());
  return 0;
}

}  // namespace

Command MakeCheckCommand() {
  Command c;
  c.name = "check";
  c.synopsis = "[--offline] [--no-lint]";
  c.summary = "lint revisions and verify checksums of applied files";
  c.add_options = [](po::options_description& o) {
    AddRevisionOptions(o);
    o.add_options()("offline", po::bool_switch(), "lint only; do not connect to compare checksums")(
        "no-lint", po::bool_switch(), "only compare checksums");
  };
  c.run = RunCheck;
  return c;
}

}  // namespace sluice::cli
