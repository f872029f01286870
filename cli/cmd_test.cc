// sluice test: the revisions on a scratch database of the development
// server: up from base to every head one at a time, then for each revision
// from the heads down to base its down (the schema must be the one from
// before its up), its up again (the one from after it) and its down again
// (pytest-alembic's stairway); a single head; and at the end the result
// against the desired schema, when one is configured.
#include <fmt/format.h>

#include <iostream>
#include <map>
#include <set>

#include "cli/cmd_revisions_common.h"
#include "cli/cmd_schema_common.h"
#include "cli/junit_report.h"
#include "engine/exec/run_control.h"
#include "engine/exec/runner.h"
#include "engine/exec/signal_handler.h"
#include "engine/progress/progress.h"
#include "engine/schema/schema_diff.h"
#include "engine/throttle/throttler.h"

namespace sluice::cli {
namespace {

std::string Describe(const SchemaDiff& diff) {
  std::string out;
  for (const auto& d : diff.differences) out += "\n  " + d.ToString();
  return out;
}

class Stairway {
 public:
  Stairway(const CommandContext& ctx, const revision::RevisionGraph& graph, ScratchDatabase& db,
           Dialect& dialect, RunControl& control)
      : ctx_(ctx), graph_(graph), db_(db), sessions_(db.dsn()), control_(control),
        runner_(graph, dialect, sessions_, control_, progress_, throttler_, Options(ctx)) {}

  std::vector<TestCaseResult> Run() {
    std::vector<TestCaseResult> cases;
    const auto& order = graph_.TopoOrder();
    // Up from base one revision at a time, keeping the schema before and
    // after each.
    std::string failure;
    for (const auto& id : order) {
      if (control_.stopping()) break;
      auto before = Snapshot();
      auto up = before.ok() ? runner_.Upgrade(id) : Result<RunSummary>(before.error());
      auto after = up.ok() ? Snapshot() : Result<SchemaSnapshot>(up.error());
      if (!after.ok()) {
        failure = fmt::format("up of {} failed: {}", id, after.error().ToString());
        break;
      }
      before_[id] = *before;
      after_[id] = *after;
    }
    cases.push_back({"upgrade", "base to heads", failure});
    if (!failure.empty()) return cases;
    for (size_t k = order.size(); k-- > 0;) {
      if (control_.stopping()) break;
      Outcome o = Step(order, k);
      cases.push_back({"stairway", order[k], o.failure});
      if (o.fatal) return cases;  // the database is in an unknown state
    }
    if (!SchemaPath(ctx_).empty() && !control_.stopping()) cases.push_back(MatchesSchema());
    return cases;
  }

 private:
  struct Outcome {
    std::string failure;  // "" when the revision passed
    bool fatal = false;   // a step failed: the stairway cannot go on
  };

  static RunnerOptions Options(const CommandContext& ctx) {
    RunnerOptions o;
    o.tables = StateTablesFrom(ctx);
    return o;
  }

  Result<SchemaSnapshot> Snapshot() {
    SLUICE_ASSIGN(SnapshotOptions opts, SnapshotOptionsFor(ctx_, db_.conn().server()));
    return ReadSchemaSnapshot(db_.conn(), db_.name(), opts);
  }

  // Undoes order[k] (a leaf of what is applied). A downgrade to a branch
  // point also undoes the other branch: everything before order[k] is
  // applied again, so that the database holds exactly order[0..k).
  Status Down(const std::vector<std::string>& order, size_t k) {
    const auto& parents = graph_.Find(order[k])->parents;
    auto down = runner_.Downgrade(parents.empty() ? "base" : parents[0]);
    if (!down.ok()) return down.error();
    std::set<std::string> earlier(order.begin(), order.begin() + static_cast<long>(k));
    for (const auto& r : earlier) {
      bool leaf = true;
      for (const auto& c : graph_.Children(r)) leaf = leaf && !earlier.count(c);
      if (leaf) SLUICE_TRY(runner_.Upgrade(r).status());
    }
    return Status::Ok();
  }

  std::string Mismatch(const SchemaSnapshot& want, const SchemaSnapshot& got) {
    DiffOptions all;
    all.allow_drop = true;
    return Describe(DiffSchemas(want, got, all));
  }

  static Outcome Failed(const std::string& what, const std::string& id, const Error& e) {
    return {fmt::format("{} of {} failed: {}", what, id, e.ToString()), true};
  }

  // The down of order[k] must give the schema from before its up; its up
  // again the schema from after it; then its down again leads further down.
  Outcome Step(const std::vector<std::string>& order, size_t k) {
    const std::string& id = order[k];
    auto down = Down(order, k);
    if (!down.ok()) return Failed("down", id, down.error());
    auto after_down = Snapshot();
    if (!after_down.ok()) return {after_down.error().ToString(), true};
    std::string failure;
    if (!(*after_down == before_[id])) {
      failure = fmt::format(
          "revision {}: its down does not undo its up (before the up -> after the down):{}", id,
                            Mismatch(before_[id], *after_down));
    }
    auto up = runner_.Upgrade(id);
    if (!up.ok()) return Failed("up (after its down)", id, up.error());
    auto after_up = Snapshot();
    if (!after_up.ok()) return {after_up.error().ToString(), true};
    if (failure.empty() && !(*after_up == after_[id])) {
      failure = fmt::format(
          "revision {}: its up after its down gives another schema (first up -> second up):{}", id,
                            Mismatch(after_[id], *after_up));
    }
    down = Down(order, k);
    if (!down.ok()) return Failed("down", id, down.error());
    return {failure, false};
  }

  TestCaseResult MatchesSchema() {
    TestCaseResult c{"schema", "heads match the desired schema", ""};
    auto up = runner_.Upgrade("heads");
    if (!up.ok()) return c.failure = up.error().ToString(), c;
    auto actual = Snapshot();
    if (!actual.ok()) return c.failure = actual.error().ToString(), c;
    auto desired = DesiredSnapshot(ctx_, db_.conn());
    if (!desired.ok()) return c.failure = desired.error().ToString(), c;
    DiffOptions all;
    all.allow_drop = true;
    SchemaDiff diff = DiffSchemas(*actual, *desired, all);
    if (!diff.empty()) c.failure = "the revisions at their heads differ from the schema:" +
                                   Describe(diff);
    return c;
  }

  const CommandContext& ctx_;
  const revision::RevisionGraph& graph_;
  ScratchDatabase& db_;
  ConnectionFactory sessions_;
  std::map<std::string, SchemaSnapshot> before_, after_;  // around each revision's first up
  RunControl& control_;
  ProgressReporter progress_;
  NoThrottler throttler_;
  Runner runner_;
};

int RunTest(CommandContext& ctx) {
  auto graph = LoadGraph(ctx);
  if (!graph.ok()) return Fail(graph.error());
  auto dev = DevServerDsn(ctx);
  if (!dev.ok()) return Fail(dev.error());
  std::vector<TestCaseResult> cases;
  const auto heads = graph->Heads();
  std::string head_failure;
  if (heads.size() > 1 && !ctx.Get<bool>("allow-multiple-heads", false)) {
    head_failure = fmt::format("{} heads ({}): merge them (`sluice merge`), or pass "
                               "--allow-multiple-heads",
                               heads.size(), fmt::join(heads, ", "));
  }
  cases.push_back({"graph", "single head", head_failure});
  // SIGINT / SIGTERM from here on stop the run cleanly, so that the scratch
  // database is dropped on the way out.
  RunControl control;
  StopSignalHandler signals(control);
  {
    auto scratch = ScratchDatabase::Create(*dev);
    if (!scratch.ok()) return Fail(scratch.error());
    auto dialect = ctx.MakeDialect((*scratch)->conn().server());
    if (!dialect.ok()) return Fail(dialect.error());
    Stairway stairway(ctx, *graph, **scratch, **dialect, control);
    for (auto& c : stairway.Run()) cases.push_back(std::move(c));
  }
  const bool stopped = control.stopping();
  size_t failed = 0;
  for (const auto& c : cases) {
    if (c.failure.empty()) {
      std::cout << fmt::format("ok    {} {}\n", c.suite, c.name);
    } else {
      ++failed;
      std::cout << fmt::format("FAIL  {} {}: {}\n", c.suite, c.name, c.failure);
    }
  }
  if (ctx.Has("junit")) {
    auto st = WriteJunit(ctx.Get<std::string>("junit", ""), cases);
    if (!st.ok()) return Fail(st.error());
  }
  if (stopped) return static_cast<int>(ExitCode::kAborted);
  std::cout << fmt::format("{} check(s), {} failed\n", cases.size(), failed);
  return failed ? static_cast<int>(ExitCode::kFailed) : 0;
}

}  // namespace

Command MakeTestCommand() {
  Command c;
  c.name = "test";
  c.synopsis = "[--allow-multiple-heads] [--junit FILE]";
  c.summary = "every revision up, down and up again on a scratch database (stairway test)";
  c.add_options = [](po::options_description& o) {
    AddRevisionOptions(o);
    AddSchemaOptions(o);
    o.add_options()("allow-multiple-heads", po::bool_switch(), "do not fail on several heads")(
        "junit", po::value<std::string>(), "write a JUnit XML report to FILE");
  };
  c.default_log_level = "warn";
  c.run = RunTest;
  return c;
}

}  // namespace sluice::cli
