// sluice merge -m MSG REV REV...: a revision joining several heads.
#include <fmt/format.h>

#include <iostream>

#include "cli/cmd_revisions_common.h"

namespace sluice::cli {
namespace {

int RunMerge(CommandContext& ctx) {
  auto graph = LoadGraph(ctx);
  if (!graph.ok()) return Fail(graph.error());
  std::vector<std::string> parents;
  for (const auto& a : ctx.args) {
    auto r = a == "heads" ? graph->ResolveTarget({}, "heads") : graph->ResolveTarget({}, a);
    if (!r.ok()) return Fail(r.error());
    for (const auto& id : *r) {
      if (std::find(parents.begin(), parents.end(), id) == parents.end()) parents.push_back(id);
    }
  }
  if (parents.size() < 2) return Fail(InputError("a merge needs two or more revisions"));
  std::string id = ctx.Get<std::string>("rev-id", "");
  if (id.empty()) id = NewRevisionId(*graph);
  if (!revision::IsValidRevisionId(id) || graph->Find(id) != nullptr) {
    return Fail(InputError(fmt::format("bad or existing --rev-id '{}'", id)));
  }
  auto path =
      WriteRevisionFile(VersionsDir(ctx), id, parents, ctx.Get<std::string>("message", ""), {}, {},
                        "-- sluice:up\n-- A merge may stay empty, or reconcile the "
                        "branches here.\n\n-- sluice:down\n\n");
  if (!path.ok()) return Fail(path.error());
  std::cout << fmt::format("created {} merging {}\n", *path, fmt::join(parents, ", "));
  return 0;
}

}  // namespace

Command MakeMergeCommand() {
  Command c;
  c.name = "merge";
  c.synopsis = "-m MSG REV REV... (or: heads)";
  c.summary = "create a revision that merges several heads";
  c.add_options = [](po::options_description& o) {
    AddRevisionOptions(o);
    o.add_options()("message,m", po::value<std::string>(), "what the merge is for")(
        "rev-id", po::value<std::string>(), "use this id instead of a random one");
  };
  c.run = RunMerge;
  c.min_args = 1;
  c.max_args = 64;
  return c;
}

}  // namespace sluice::cli
