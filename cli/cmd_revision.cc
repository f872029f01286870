// sluice revision -m MSG: a new revision file whose parent is the current
// head (or --head), with a fresh id (or --rev-id).
#include <fmt/format.h>

#include <iostream>

#include "cli/cmd_revisions_common.h"

namespace sluice::cli {
namespace {

constexpr const char* kBody =
    "-- sluice:up\n"
    "-- Write the change here, ending each statement with ';', and delete the\n"
    "-- placeholder below (`sluice check` reports it while it is there). A line\n"
    "--   -- sluice:step batch-size=5000 workers=4\n"
    "-- above an UPDATE / DELETE / INSERT ... SELECT tunes how it is chunked.\n"
    "DO 0;\n"
    "\n"
    "-- sluice:down\n"
    "-- Undo the change here, in reverse order.\n"
    "\n";

int RunRevision(CommandContext& ctx) {
  auto graph = LoadGraph(ctx);
  if (!graph.ok()) return Fail(graph.error());
  const revision::RevisionGraph& g = *graph;
  std::string message = ctx.Get<std::string>("message", "");
  std::vector<std::string> parents;
  if (ctx.Has("head")) {
    std::string head = ctx.Get<std::string>("head", "");
    if (head != "base") {
      auto r = g.ResolveTarget({}, head);
      if (!r.ok()) return Fail(r.error());
      parents = *r;
    }
  } else {
    parents = g.Heads();
    if (parents.size() > 1) {
      return Fail(InputError(
          fmt::format("several heads ({}): name the parent with --head, or merge them first with "
                      "`sluice merge`",
                      fmt::join(parents, ", "))));
    }
  }
  std::string id = ctx.Get<std::string>("rev-id", "");
  if (id.empty()) {
    id = NewRevisionId(g);
  } else if (!revision::IsValidRevisionId(id)) {
    return Fail(InputError(fmt::format("bad --rev-id '{}' (4-64 characters of [0-9a-z_])", id)));
  } else if (g.Find(id) != nullptr) {
    return Fail(InputError(fmt::format("revision {} already exists", id)));
  }
  std::vector<std::string> labels;
  if (ctx.Has("branch")) labels.push_back(ctx.Get<std::string>("branch", ""));
  for (const auto& l : labels) {
    if (!revision::IsValidBranchLabel(l)) {
      return Fail(InputError(fmt::format("bad --branch label '{}'", l)));
    }
    if (g.Labels().count(l)) {
      return Fail(InputError(fmt::format("branch label '{}' already exists", l)));
    }
  }
  std::vector<std::string> depends;
  for (const auto& d : ctx.Get<std::vector<std::string>>("depends-on", {})) {
    auto r = g.ResolveId(d);
    if (!r.ok()) return Fail(r.error());
    depends.push_back(*r);
  }
  auto path = WriteRevisionFile(VersionsDir(ctx), id, parents, message, labels, depends, kBody);
  if (!path.ok()) return Fail(path.error());
  std::cout << fmt::format("created {} (parent {})\n", *path,
                           parents.empty() ? "none" : fmt::format("{}", fmt::join(parents, " ")));
  return 0;
}

}  // namespace

Command MakeRevisionCommand() {
  Command c;
  c.name = "revision";
  c.synopsis = "-m MSG [--head R] [--branch L] [--rev-id ID] [--depends-on R]";
  c.summary = "create a new revision file on top of the current head";
  c.add_options = [](po::options_description& o) {
    AddRevisionOptions(o);
    o.add_options()("message,m", po::value<std::string>(), "what the revision does")(
        "head", po::value<std::string>(),
        "parent revision (default: the single head; base: a new root)")(
        "branch", po::value<std::string>(), "label the new revision as a branch")(
        "rev-id", po::value<std::string>(), "use this id instead of a random one")(
        "depends-on", po::value<std::vector<std::string>>()->composing(),
        "revisions that must be applied first (repeatable)");
  };
  c.run = RunRevision;
  return c;
}

}  // namespace sluice::cli
