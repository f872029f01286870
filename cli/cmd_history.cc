// sluice history [-r A:B] [-i] [--runs]: the revisions newest first; -i marks
// the current ones (connects); --runs lists the recorded runs instead.
#include <fmt/format.h>

#include <iostream>

#include "cli/cmd_revisions_common.h"
#include "engine/state/history_store.h"

namespace sluice::cli {
namespace {

int PrintRuns(CommandContext& ctx) {
  auto conn = ctx.Connect();
  if (!conn.ok()) return Fail(conn.error());
  HistoryStore history(**conn, StateTablesFrom(ctx));
  auto runs = history.All();
  if (!runs.ok()) return Fail(runs.error());
  for (const HistoryEntry& e : *runs) {
    std::cout << fmt::format("{:>5} {} {:<5} {:<12} {:<7} steps {}/{} {} {} sha256:{}{}\n", e.id,
                             e.started_at, e.direction, e.revision, e.status, e.steps_done,
                             e.steps_total, e.host, e.sluice_version, e.checksum.substr(0, 12),
                             e.error.empty() ? "" : "\n      error: " + e.error);
  }
  return 0;
}

int RunHistory(CommandContext& ctx) {
  if (ctx.Get<bool>("runs", false)) return PrintRuns(ctx);
  auto graph = LoadGraph(ctx);
  if (!graph.ok()) return Fail(graph.error());
  const revision::RevisionGraph& g = *graph;
  // -r A:B: descendants of A (inclusive) that are ancestors of B (inclusive).
  std::set<std::string> in_range(g.TopoOrder().begin(), g.TopoOrder().end());
  std::string range = ctx.Get<std::string>("rev-range", "");
  if (!range.empty()) {
    size_t colon = range.find(':');
    if (colon == std::string::npos) {
      return Fail(InputError(fmt::format("bad -r '{}': use A:B, A: or :B", range)));
    }
    std::string from = range.substr(0, colon), to = range.substr(colon + 1);
    if (!from.empty() && from != "base") {
      auto r = g.ResolveTarget({}, from);
      if (!r.ok()) return Fail(r.error());
      in_range = g.Descendants(*r);
    }
    if (!to.empty() && to != "heads") {
      auto r = g.ResolveTarget({}, to);
      if (!r.ok()) return Fail(r.error());
      std::set<std::string> below = g.Ancestors(*r);
      std::set<std::string> both;
      for (const auto& id : in_range) {
        if (below.count(id)) both.insert(id);
      }
      in_range = both;
    }
  }
  std::set<std::string> current;
  if (ctx.Get<bool>("indicate-current", false)) {
    auto conn = ctx.Connect();
    if (!conn.ok()) return Fail(conn.error());
    auto heads = CurrentHeads(**conn, ctx);
    if (!heads.ok()) return Fail(heads.error());
    current.insert(heads->begin(), heads->end());
  }
  std::vector<std::string> order = g.Sorted(in_range);
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const revision::RevisionFile& f = *g.Find(*it);
    std::string parents =
        f.parents.empty() ? "<base>" : fmt::format("{}", fmt::join(f.parents, ", "));
    std::cout << fmt::format("{} -> {}{}\n", parents, Describe(g, *it),
                             current.count(*it) ? " (current)" : "");
  }
  return 0;
}

}  // namespace

Command MakeHistoryCommand() {
  Command c;
  c.name = "history";
  c.synopsis = "[-r A:B] [-i] [--runs]";
  c.summary = "list revisions newest first (or the recorded runs)";
  c.add_options = [](po::options_description& o) {
    AddRevisionOptions(o);
    o.add_options()("rev-range,r", po::value<std::string>(),
                    "only revisions between A and B: A:B, A:, :B")(
        "indicate-current,i", po::bool_switch(), "mark the revisions the database is at")(
        "runs", po::bool_switch(), "list the runs recorded in the history table");
  };
  c.run = RunHistory;
  return c;
}

}  // namespace sluice::cli
