// sluice branches: the revisions where the history splits, and the branches.
#include <fmt/format.h>

#include <iostream>

#include "cli/cmd_revisions_common.h"

namespace sluice::cli {

Command MakeBranchesCommand() {
  Command c;
  c.name = "branches";
  c.synopsis = "";
  c.summary = "list branch points and branch labels";
  c.add_options = AddRevisionOptions;
  c.run = [](CommandContext& ctx) {
    auto graph = LoadGraph(ctx);
    if (!graph.ok()) return Fail(graph.error());
    for (const auto& id : graph->BranchPoints()) {
      std::cout << Describe(*graph, id) << "\n";
      for (const auto& child : graph->Children(id)) {
        std::cout << "  -> " << Describe(*graph, child) << "\n";
      }
    }
    for (const auto& [label, id] : graph->Labels()) {
      std::cout << fmt::format("branch {}: starts at {}\n", label, id);
    }
    return 0;
  };
  return c;
}

}  // namespace sluice::cli
