#include "engine/exec/runner.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <chrono>

#include "engine/db/session_factory.h"
#include "engine/db/transaction.h"
#include "engine/exec/data_step.h"
#include "engine/exec/run_control.h"
#include "engine/log.h"
#include "engine/progress/progress.h"
#include "engine/state/checkpoint_store.h"
#include "engine/state/history_store.h"
#include "engine/state/migrator_lock.h"
#include "engine/state/version_store.h"
#include "engine/throttle/throttler.h"

namespace sluice {

// One run: a session for state and plain statements, a second one holding
// the migrator lock for the whole run, and the stores.
struct Runner::RunState {
  std::unique_ptr<Session> session;
  std::unique_ptr<Session> lock_session;
  std::unique_ptr<MigratorLock> lock;
  std::unique_ptr<VersionStore> versions;
  std::unique_ptr<HistoryStore> history;
  std::vector<std::string> heads;  // the version table's rows
};

namespace {

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out.empty() ? "base" : out;
}

std::string OneLine(std::string_view sql, size_t max = 80) {
  std::string out;
  for (char c : sql) {
    bool space = c == '\n' || c == '\r' || c == '\t' || c == ' ';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : c;
  }
  if (out.size() > max) out = out.substr(0, max - 3) + "...";
  return out;
}

double SecondsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

Error Aborted(const RunControl& control) {
  Error e = RuntimeError(control.aborted() ? "aborted: " + control.abort_reason()
                                           : std::string("stopped by the operator"));
  e.exit = ExitCode::kAborted;
  return e;
}

}  // namespace

Runner::Runner(const revision::RevisionGraph& graph, Dialect& dialect, SessionFactory& sessions,
               RunControl& control, ProgressReporter& progress, Throttler& throttler,
               RunnerOptions options)
    : graph_(graph),
      dialect_(dialect),
      sessions_(sessions),
      control_(control),
      progress_(progress),
      throttler_(throttler),
      opts_(std::move(options)) {}

Status Runner::TakeLock(RunState& run) {
  if (opts_.lock_taken) return Status::Ok();
  SLUICE_ASSIGN(run.lock_session, sessions_.Open());
  SLUICE_ASSIGN(run.lock,
                MigratorLock::Acquire(*run.lock_session, opts_.tables, opts_.lock_wait_s));
  return Status::Ok();
}

Result<RunSummary> Runner::Upgrade(std::string_view target) {
  return Migrate(plan::Direction::kUp, target);
}

Result<RunSummary> Runner::Downgrade(std::string_view target) {
  return Migrate(plan::Direction::kDown, target);
}

Result<RunSummary> Runner::Migrate(plan::Direction direction, std::string_view target) {
  const bool up = direction == plan::Direction::kUp;

  // Inspect: take the lock, then read where the database is.
  RunState run;
  SLUICE_ASSIGN(run.session, sessions_.Open());
  SLUICE_TRY(TakeLock(run));
  run.versions = std::make_unique<VersionStore>(*run.session, opts_.tables);
  run.history = std::make_unique<HistoryStore>(*run.session, opts_.tables);
  SLUICE_TRY(run.versions->EnsureTable());
  SLUICE_TRY(run.history->EnsureTable());
  SLUICE_ASSIGN(run.heads, run.versions->Current());

  // Plan: the path, then every revision's steps, before anything runs.
  SLUICE_ASSIGN(std::vector<std::string> path, up ? graph_.UpgradePath(run.heads, target)
                                                  : graph_.DowngradePath(run.heads, target));
  RunSummary summary;
  if (path.empty()) {
    spdlog::info("already at {} (current: {}); nothing to {}", target, Join(run.heads),
                 up ? "upgrade" : "downgrade");
    summary.heads = run.heads;
    return summary;
  }
  std::vector<plan::RevisionPlan> plans;
  for (const auto& id : path) {
    SLUICE_ASSIGN(plan::RevisionPlan p, plan::PlanRevision(*graph_.Find(id), direction));
    plans.push_back(std::move(p));
  }
  spdlog::info("{} from {} to {}: {} revision(s): {}", up ? "upgrade" : "downgrade",
               Join(run.heads), target, path.size(), fmt::join(path, " "));

  // Execute and record, one revision at a time.
  std::set<std::string> applied = graph_.Ancestors(run.heads);
  for (const plan::RevisionPlan& p : plans) {
    SLUICE_TRY(RunRevision(run, p));
    if (up) {
      applied.insert(p.revision);
    } else {
      applied.erase(p.revision);
    }
    summary.revisions.push_back(p.revision);
  }

  // Verify: the version table holds what we wrote.
  SLUICE_ASSIGN(std::vector<std::string> now, run.versions->Current());
  std::vector<std::string> expected = graph_.HeadsOf(applied);
  std::sort(expected.begin(), expected.end());
  if (now != expected) {
    return RuntimeError(
        fmt::format("the version table holds {} but {} was written: another "
                    "process changed it during the run",
                    Join(now), Join(expected)));
  }
  summary.heads = now;
  spdlog::info("now at {}", Join(now));
  return summary;
}

Status Runner::RunRevision(RunState& run, const plan::RevisionPlan& p) {
  const bool up = p.direction == plan::Direction::kUp;
  const std::string dir = plan::DirectionName(p.direction);
  const int total = static_cast<int>(p.steps.size());
  const revision::RevisionFile& file = *graph_.Find(p.revision);

  SLUICE_ASSIGN(std::optional<ResumePoint> resume, run.history->PendingResume(p.revision, dir));
  int start = 0;
  if (resume) {
    start = std::min(resume->steps_done, total);
    spdlog::info("resuming {} {} at step {} of {}: the last run {} after {} step(s){}", dir,
                 p.revision, start + 1, total, resume->status == "failed" ? "failed" : "stopped",
                 resume->steps_done,
                 resume->error.empty() ? "" : fmt::format(" ({})", resume->error));
  } else {
    // A fresh run: chunk checkpoints of an earlier run of this revision (the
    // other direction, or a finished one) must not be mistaken for progress.
    SLUICE_TRY(CheckpointStore::Clear(*run.session, opts_.tables.checkpoint_table, p.revision));
  }
  if (!up && !file.has_down) {
    spdlog::warn("{} has no '-- sluice:down' section: nothing to undo", p.revision);
  }
  spdlog::info("{} {} ({}): {} step(s) [{}]", up ? "upgrade" : "downgrade", p.revision,
               file.message.empty() ? "no message" : file.message, total, p.path);

  auto started = std::chrono::steady_clock::now();
  SLUICE_ASSIGN(int64_t run_id, run.history->Start(p.revision, dir, p.checksum, total, start));
  for (int k = start; k < total; ++k) {
    const plan::Step& step = p.steps[k];
    if (control_.stopping()) {
      Error e = Aborted(control_);
      (void)run.history->Fail(run_id, k, e.message);
      return e;
    }
    spdlog::info("  step {}/{} ({}, line {}): {}", step.index, total, plan::StepKindName(step.kind),
                 step.line, OneLine(step.sql));
    auto step_started = std::chrono::steady_clock::now();
    Status st = RunStep(run, p, step);
    if (!st.ok()) {
      Error e = st.error();
      Status recorded = run.history->Fail(run_id, k, e.ToString());
      if (!recorded.ok()) {
        spdlog::error("could not record the failure in {}: {}", opts_.tables.history_table,
                      recorded.error().ToString());
      }
      if (e.exit == ExitCode::kAborted) return e;
      e.message =
          fmt::format("{} {} failed at step {} of {} ({}:{}): {}{}", dir, p.revision, step.index,
                      total, p.path, step.line, e.code ? e.ToString() : e.message,
                      " (fix the file and run again: it resumes at this step)");
      e.code = 0;  // the server error is in the message already
      return e;
    }
    SLUICE_TRY(run.history->SetStepsDone(run_id, k + 1));
    spdlog::debug("  step {} done in {:.2f}s", step.index, SecondsSince(step_started));
  }

  // Record the version rows, the history row and the end of the checkpoints in
  // one transaction: killed between them, a rerun would find the revision
  // applied and never finish its history row or clear its markers.
  std::set<std::string> applied = graph_.Ancestors(run.heads);
  if (up) {
    applied.insert(p.revision);
  } else {
    applied.erase(p.revision);
  }
  std::vector<std::string> heads = graph_.HeadsOf(applied);
  SLUICE_TRY(InTransaction(*run.session, [&]() -> Status {
    SLUICE_TRY(run.versions->Transition(run.heads, heads));
    SLUICE_TRY(run.history->Finish(run_id, total));
    return CheckpointStore::Clear(*run.session, opts_.tables.checkpoint_table, p.revision);
  }));
  run.heads = heads;
  std::sort(run.heads.begin(), run.heads.end());
  spdlog::info("{} {} done in {:.1f}s", dir, p.revision, SecondsSince(started));
  return Status::Ok();
}

Status Runner::RunStep(RunState& run, const plan::RevisionPlan& p, const plan::Step& step) {
  switch (step.kind) {
    case plan::StepKind::kSchema:
      return RunSchemaStep(run, p, step);
    case plan::StepKind::kData:
      return RunDataStepOf(run, p, step);
    case plan::StepKind::kPlain:
      break;
  }
  // Plain statements report no progress: the log line above says what runs.
  Status st = run.session->Exec(step.sql).status();
  return st;
}

Status Runner::RunSchemaStep(RunState& run, const plan::RevisionPlan& p, const plan::Step& step) {
  SchemaChangeRequest req = plan::MakeSchemaChangeRequest(p, step, opts_.defaults);
  req.throttler = &throttler_;
  auto change = dialect_.PlanSchemaChange(sessions_, req, /*offline=*/false);
  if (!change.ok()) {
    // FALLBACK until every dialect plans schema changes: run the ALTER as written.
    if (change.error().message.find("not implemented") != std::string::npos) {
      spdlog::warn("  {} cannot plan this schema change ({}); running it as written",
                   dialect_.Name(), change.error().message);
      return run.session->Exec(step.sql).status();
    }
    return change.error();
  }
  spdlog::debug("  strategy {}: {}", (*change)->Strategy(), (*change)->Reason());
  Status st = (*change)->Run(control_, progress_);
  progress_.FinishOpenStep(st);
  return st;
}

Status Runner::RunDataStepOf(RunState& run, const plan::RevisionPlan& p, const plan::Step& step) {
  DataStepRequest req = plan::MakeDataStepRequest(p, step, opts_.defaults);
  req.checkpoint_table = opts_.tables.checkpoint_table;
  if (!req.options.chunked) {
    // chunked=false: one statement, as written.
    return run.session->Exec(step.sql).status();
  }
  return RunDataStep(dialect_, sessions_, req, control_, progress_, throttler_);
}

Result<RunSummary> Runner::Stamp(std::string_view target, bool purge) {
  RunState run;
  SLUICE_ASSIGN(run.session, sessions_.Open());
  SLUICE_TRY(TakeLock(run));
  VersionStore versions(*run.session, opts_.tables);
  HistoryStore history(*run.session, opts_.tables);
  SLUICE_TRY(versions.EnsureTable());
  SLUICE_TRY(history.EnsureTable());
  SLUICE_ASSIGN(std::vector<std::string> current, versions.Current());
  if (!purge) SLUICE_TRY(graph_.CheckCurrent(current));
  std::vector<std::string> known;
  for (const auto& id : current) {
    if (graph_.Find(id)) known.push_back(id);
  }
  SLUICE_ASSIGN(std::vector<std::string> targets, graph_.ResolveTarget(known, target));
  std::vector<std::string> heads = graph_.HeadsOf(graph_.Ancestors(targets));
  SLUICE_TRY(InTransaction(*run.session, [&]() -> Status {
    SLUICE_TRY(versions.Replace(heads));
    for (const auto& h : heads.empty() ? std::vector<std::string>{"base"} : heads) {
      SLUICE_TRY(history.RecordStamp(h));
    }
    return Status::Ok();
  }));
  spdlog::info("stamped {} (was {})", Join(heads), Join(current));
  RunSummary summary;
  summary.heads = heads;
  std::sort(summary.heads.begin(), summary.heads.end());
  return summary;
}

}  // namespace sluice
