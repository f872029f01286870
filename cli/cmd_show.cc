// sluice show REV: one revision: header, file, and its steps as planned.
#include <fmt/format.h>

#include <iostream>

#include "cli/cmd_revisions_common.h"
#include "engine/plan/plan.h"

namespace sluice::cli {
namespace {

void PrintSteps(const revision::RevisionFile& f, plan::Direction dir) {
  auto p = plan::PlanRevision(f, dir);
  if (!p.ok()) {
    std::cout << "  " << p.error().message << "\n";
    return;
  }
  for (const auto& s : p->steps) {
    std::cout << fmt::format("  {}. [{}] line {}: {}\n", s.index, plan::StepKindName(s.kind),
                             s.line, s.sql);
  }
}

int RunShow(CommandContext& ctx) {
  auto graph = LoadGraph(ctx);
  if (!graph.ok()) return Fail(graph.error());
  auto ids = graph->ResolveTarget({}, ctx.args[0]);
  if (!ids.ok()) return Fail(ids.error());
  for (const auto& id : *ids) {
    const revision::RevisionFile& f = *graph->Find(id);
    std::cout << fmt::format("Revision:   {}\n", Describe(*graph, id));
    std::cout << fmt::format(
        "Parent:     {}\n",
        f.parents.empty() ? "<base>" : fmt::format("{}", fmt::join(f.parents, ", ")));
    auto children = graph->Children(id);
    if (!children.empty()) std::cout << fmt::format("Children:   {}\n", fmt::join(children, ", "));
    if (!f.depends_on.empty())
      std::cout << fmt::format("Depends on: {}\n", fmt::join(f.depends_on, ", "));
    if (!f.branch_labels.empty())
      std::cout << fmt::format("Branch:     {}\n", fmt::join(f.branch_labels, ", "));
    std::cout << fmt::format("Path:       {}\nMessage:    {}\nUp:\n", f.path, f.message);
    PrintSteps(f, plan::Direction::kUp);
    std::cout << (f.has_down ? "Down:\n" : "Down:       (no down section)\n");
    PrintSteps(f, plan::Direction::kDown);
  }
  return 0;
}

}  // namespace

Command MakeShowCommand() {
  Command c;
  c.name = "show";
  c.synopsis = "REV";
  c.summary = "show a revision and its planned steps";
  c.add_options = AddRevisionOptions;
  c.run = RunShow;
  c.min_args = 1;
  c.max_args = 1;
  return c;
}

}  // namespace sluice::cli
