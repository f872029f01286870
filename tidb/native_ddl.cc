#include "tidb/native_ddl.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "engine/db/error_classifier.h"
#include "engine/exec/run_control.h"
#include "engine/log.h"
#include "engine/progress/progress.h"
#include "tidb/ddl_statements.h"

namespace sluice::tidb {

NativeDdlChange::NativeDdlChange(SessionFactory* sessions, TidbFeatures features,
                                 SchemaChangeRequest req, uint64_t table_rows,
                                 NativeDdlOptions options)
    : sessions_(sessions),
      f_(features),
      req_(std::move(req)),
      table_rows_(table_rows),
      opts_(options),
      statement_(AlterTableSql(req_.table, req_.alter_spec)) {}

std::string NativeDdlChange::Reason() const {
  return "TiDB DDL is online: submitted as is, watched and steered through its DDL job";
}

std::vector<std::string> NativeDdlChange::SessionSql() const {
  std::vector<std::string> out;
  if (!f_.session_reorg_vars) return out;  // GLOBAL only before v8.3: left alone
  if (req_.options.workers > 0) out.push_back(SetReorgWorkerCnt(req_.options.workers));
  if (req_.options.batch_size > 0) out.push_back(SetReorgBatchSize(req_.options.batch_size));
  return out;
}

std::vector<std::string> NativeDdlChange::OfflineSql() const {
  std::vector<std::string> out = SessionSql();
  out.push_back(statement_);
  out.push_back("-- then watched from a second session: " +
                ShowDdlJobQueriesSql(opts_.watcher.query_limit) + "; ADMIN SHOW DDL JOBS " +
                std::to_string(opts_.watcher.jobs_history) + " WHERE job_id = <job id>");
  return out;
}

Status NativeDdlChange::Run(RunControl& control, ProgressReporter& progress) {
  if (!sessions_) return RuntimeError("native DDL: planned offline, cannot run");
  if (!f_.session_reorg_vars) {
    spdlog::warn("TiDB v{}.{}.{}: reorg workers/batch size are GLOBAL-only before v8.3; the job "
                 "runs with the cluster's settings", f_.version.major, f_.version.minor,
                 f_.version.patch);
  }
  SLUICE_ASSIGN(std::unique_ptr<Session> submit, sessions_->Open());
  SLUICE_ASSIGN(std::unique_ptr<Session> watch, sessions_->Open());
  for (const std::string& sql : SessionSql()) SLUICE_TRY(submit->Exec(sql));

  WatchTarget target;
  target.statement = statement_;
  target.table = req_.table;
  target.table_rows = table_rows_;
  if (f_.session_reorg_vars) {
    target.workers = req_.options.workers > 0 ? ClampReorgWorkers(req_.options.workers) : 0;
    target.batch_size =
        req_.options.batch_size > 0 ? ClampReorgBatchSize(req_.options.batch_size) : 0;
  }
  SLUICE_ASSIGN(ResultSet now, watch->Query(ServerNowSql()));
  if (!now.rows.empty() && !now.rows[0].empty() && now.rows[0][0]) {
    target.submitted_at = *now.rows[0][0];
  }
  ProgressSnapshot base;
  base.revision = req_.revision;
  base.step = req_.step_index;
  base.table = req_.table.name;
  DdlWatcher watcher(*watch, f_, target, opts_.watcher, base);

  // The submitting session blocks until the job ends (also while paused).
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  Status submitted;
  spdlog::info("submitting TiDB DDL: {}", statement_);
  std::thread submitter([&] {
    auto r = submit->Exec(statement_);
    std::lock_guard<std::mutex> lock(mu);
    submitted = r.ok() ? Status::Ok() : Status(r.error());
    done = true;
    cv.notify_all();
  });

  const auto t0 = std::chrono::steady_clock::now();
  auto now_s = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  bool watching = true;
  auto poll = [&] {
    auto phase = watcher.Poll(now_s(), control, req_.throttler, progress);
    if (!phase.ok()) {
      spdlog::warn("reading TiDB DDL job: {}", phase.error().ToString());
      // A lost watch connection or a transient error: try again next poll.
      if (ClassifyErrorCode(phase.error().code) != ErrorClass::kRetry) watching = false;
    } else if (*phase == WatchPhase::kLost) {
      spdlog::warn("cannot follow the DDL job; waiting for the statement to finish");
      watching = false;
    }
  };
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait_for(lock, std::chrono::duration<double>(opts_.poll_interval_s),
                  [&] { return done; });
      if (done) break;
    }
    if (watching) poll();
  }
  submitter.join();
  // The final state, for the last snapshot (the job may already be in history).
  if (watching && (watcher.phase() == WatchPhase::kActive ||
                   watcher.phase() == WatchPhase::kSearching)) {
    poll();
  }

  ProgressSnapshot fin = watcher.snapshot();
  Status st = submitted;
  if (st.ok()) {
    fin.state = "synced";
    fin.eta_s = 0;
    if (watcher.phase() != WatchPhase::kSucceeded && watcher.job_id() != 0) {
      spdlog::warn("TiDB DDL statement returned ok; job {} last seen '{}'", watcher.job_id(),
                   watcher.last() ? watcher.last()->state_text : "?");
    }
  } else {
    Error e = st.error();
    std::string job = watcher.job_id() ? "TiDB DDL job " + std::to_string(watcher.job_id())
                                       : std::string("TiDB DDL");
    std::string state = watcher.last() ? " ended '" + watcher.last()->state_text + "'" : " failed";
    e.message = job + state + ": " + e.message;
    if (watcher.cancel_sent() || control.aborted()) e.exit = ExitCode::kAborted;
    st = e;
  }
  progress.Finish(fin, st);
  return st;
}

}  // namespace sluice::tidb
