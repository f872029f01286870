// sluice heads: the revisions nothing builds on yet.
#include <iostream>

#include "cli/cmd_revisions_common.h"

namespace sluice::cli {

Command MakeHeadsCommand() {
  Command c;
  c.name = "heads";
  c.synopsis = "";
  c.summary = "list the head revisions";
  c.add_options = AddRevisionOptions;
  c.run = [](CommandContext& ctx) {
    auto graph = LoadGraph(ctx);
    if (!graph.ok()) return Fail(graph.error());
    for (const auto& id : graph->Heads()) std::cout << Describe(*graph, id) << "\n";
    return 0;
  };
  return c;
}

}  // namespace sluice::cli
