// sluice current: the revisions the database is at (the version table), and
// a revision run that failed and will resume.
#include <fmt/format.h>

#include <iostream>

#include "cli/cmd_revisions_common.h"
#include "engine/state/history_store.h"

namespace sluice::cli {
namespace {

int RunCurrent(CommandContext& ctx) {
  auto graph = LoadGraph(ctx);
  if (!graph.ok()) return Fail(graph.error());
  auto conn = ctx.Connect();
  if (!conn.ok()) return Fail(conn.error());
  auto heads = CurrentHeads(**conn, ctx);
  if (!heads.ok()) return Fail(heads.error());
  if (heads->empty()) std::cout << "base (nothing applied)\n";
  for (const auto& id : *heads) {
    std::cout << (graph->Find(id) ? Describe(*graph, id) : id + " (not in the versions directory)")
              << "\n";
  }
  HistoryStore history(**conn, StateTablesFrom(ctx));
  auto runs = history.All();
  if (!runs.ok()) return Fail(runs.error());
  if (!runs->empty() && runs->back().status != "done") {
    const HistoryEntry& e = runs->back();
    std::cout << fmt::format("last run: {} {} {} after {} of {} step(s){}\n", e.direction,
                             e.revision, e.status, e.steps_done, e.steps_total,
                             e.error.empty() ? "" : ": " + e.error);
  }
  return 0;
}

}  // namespace

Command MakeCurrentCommand() {
  Command c;
  c.name = "current";
  c.synopsis = "";
  c.summary = "show the revision(s) the database is at";
  c.add_options = AddRevisionOptions;
  c.run = RunCurrent;
  return c;
}

}  // namespace sluice::cli
