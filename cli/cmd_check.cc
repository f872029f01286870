// sluice check: every revision file parses, lints clean, and the files of
// applied revisions still have the checksum recorded when they ran. With
// --drift: the database against the desired schema instead.
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/cmd_revisions_common.h"
#include "cli/cmd_schema_common.h"
#include "engine/schema/migration_script.h"
#include "engine/schema/schema_diff.h"
#include "engine/log.h"
#include "engine/plan/lint.h"
#include "engine/state/checksum.h"
#include "engine/state/history_store.h"

namespace sluice::cli {
namespace {

// The differences in the terms of autogenerate: what differs, and the
// statements that would make the database match the schema.
int RunDrift(CommandContext& ctx) {
  auto conn = ctx.Connect();
  if (!conn.ok()) return Fail(conn.error());
  auto desired = DesiredSnapshot(ctx, **conn);
  if (!desired.ok()) return Fail(desired.error());
  auto actual = TargetSnapshot(ctx, **conn);
  if (!actual.ok()) return Fail(actual.error());
  DiffOptions opts;
  opts.allow_drop = true;  // report what a full migration would have to do
  const SchemaDiff diff = DiffSchemas(*actual, *desired, opts);
  if (ctx.Get<bool>("json", false)) {
    nlohmann::json report;
    report["drift"] = !diff.empty();
    report["differences"] = nlohmann::json::array();
    for (const auto& d : diff.differences) {
      report["differences"].push_back({{"object_kind", d.object_kind},
                                       {"object", d.object},
                                       {"change", d.change},
                                       {"name", d.name},
                                       {"from", d.from},
                                       {"to", d.to},
                                       {"text", d.ToString()}});
    }
    report["statements"] = nlohmann::json::array();
    for (const auto& st : diff.up) {
      report["statements"].push_back(
          {{"object", st.object}, {"sql", st.sql}, {"warnings", st.warnings}, {"notes", st.notes}});
    }
    std::cout << report.dump(2) << "\n";
  } else if (diff.empty()) {
    std::cout << "no drift: the database matches the schema\n";
  } else {
    std::cout << fmt::format("drift: {} difference(s) between the database and the schema\n",
                             diff.differences.size());
    for (const auto& d : diff.differences) std::cout << "  " << d.ToString() << "\n";
    std::cout << "\nto make the database match the schema:\n\n" << RenderStatements(diff.up);
  }
  return diff.empty() ? 0 : static_cast<int>(ExitCode::kFailed);
}

int RunCheck(CommandContext& ctx) {
  if (ctx.Get<bool>("drift", false)) return RunDrift(ctx);
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
  c.synopsis = "[--offline] [--no-lint] | --drift [--json]";
  c.summary =
      "lint revisions and verify checksums of applied files; --drift: compare the database "
      "with the desired schema";
  c.add_options = [](po::options_description& o) {
    AddRevisionOptions(o);
    o.add_options()("offline", po::bool_switch(), "lint only; do not connect to compare checksums")(
        "no-lint", po::bool_switch(), "only compare checksums")(
        "drift", po::bool_switch(), "compare the database with the desired schema (--schema)")(
        "json", po::bool_switch(), "with --drift: a JSON report");
    AddSchemaOptions(o);
  };
  c.run = RunCheck;
  return c;
}

}  // namespace sluice::cli
