#include "tidb/ddl_watcher.h"

#include <cctype>

#include "engine/exec/run_control.h"
#include "engine/log.h"
#include "engine/throttle/throttler.h"
#include "tidb/ddl_statements.h"

namespace sluice::tidb {

namespace {

bool SameName(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

const char* WatchPhaseName(WatchPhase p) {
  switch (p) {
    case WatchPhase::kSearching: return "searching";
    case WatchPhase::kActive: return "active";
    case WatchPhase::kSucceeded: return "succeeded";
    case WatchPhase::kFailed: return "failed";
    case WatchPhase::kLost: return "lost";
  }
  return "lost";
}

DdlWatcher::DdlWatcher(Session& session, TidbFeatures features, WatchTarget target,
                       WatcherOptions options, ProgressSnapshot base)
    : s_(session),
      f_(features),
      target_(std::move(target)),
      opts_(options),
      snap_(std::move(base)) {
  snap_.step_kind = "schema";
  snap_.rows_estimated = target_.table_rows;
  snap_.phase = "ddl: submitted";
  applied_workers_ = target_.workers;
  applied_batch_ = target_.batch_size;
  snap_.workers = target_.workers;
  snap_.batch_size = target_.batch_size;
}

Result<std::optional<DdlJobStatus>> DdlWatcher::ReadJob(int64_t id) {
  SLUICE_ASSIGN(ResultSet rs, s_.Query(ShowDdlJobSql(opts_.jobs_history, id)));
  SLUICE_ASSIGN(std::vector<DdlJobRow> rows, ParseDdlJobRows(rs));
  return SummarizeJob(rows, id);
}

// Ours only if created at or after submission (an older job with the same
// text is someone else's, or an earlier run's) and on our table.
bool DdlWatcher::Accept(const DdlJobStatus& st) const {
  if (!target_.submitted_at.empty() && !st.create_time.empty() &&
      st.create_time < target_.submitted_at) {
    return false;
  }
  if (!st.table_name.empty() && !SameName(st.table_name, target_.table.name)) return false;
  if (!target_.table.schema.empty() && !st.db_name.empty() &&
      !SameName(st.db_name, target_.table.schema)) {
    return false;
  }
  return true;
}

Result<bool> DdlWatcher::FindJob() {
  SLUICE_ASSIGN(ResultSet rs, s_.Query(ShowDdlJobQueriesSql(opts_.query_limit)));
  SLUICE_ASSIGN(std::vector<DdlJobQuery> queries, ParseJobQueries(rs));
  for (int64_t id : MatchJobQueries(queries, target_.statement)) {
    SLUICE_ASSIGN(std::optional<DdlJobStatus> st, ReadJob(id));
    if (!st || !Accept(*st)) continue;
    job_id_ = id;
    last_ = std::move(st);
    spdlog::info("watching TiDB DDL job {} ({}) on {}", id, last_->job_type, target_.table.name);
    return true;
  }
  return false;
}

void DdlWatcher::UpdateSnapshot(const DdlJobStatus& st, double now_s) {
  uint64_t rows = st.row_count;
  snap_.rows_done = rows;
  snap_.rows_estimated = target_.table_rows * static_cast<uint64_t>(st.reorg_jobs);
  if (last_time_ >= 0 && now_s > last_time_ && rows >= last_rows_) {
    snap_.rows_per_s = static_cast<double>(rows - last_rows_) / (now_s - last_time_);
  }
  last_time_ = now_s;
  last_rows_ = rows;
  if (snap_.rows_per_s > 0 && snap_.rows_estimated > rows) {
    snap_.eta_s = static_cast<double>(snap_.rows_estimated - rows) / snap_.rows_per_s;
  } else {
    snap_.eta_s = IsFinal(st.state) ? 0 : -1;
  }
  snap_.state = st.state_text;
  snap_.phase = "ddl: " + st.schema_state;
  if (st.comments.thread > 0) snap_.workers = st.comments.thread;
  if (st.comments.batch_size > 0) snap_.batch_size = st.comments.batch_size;
}

// Runs an ADMIN statement whose rows carry a RESULT text ("successful" or
// "error: ..."). A refusal is logged, not fatal: the job goes on regardless.
bool DdlWatcher::ExecAdmin(const std::string& sql, const char* what) {
  auto rs = s_.Query(sql);
  if (!rs.ok()) {
    spdlog::warn("could not {} TiDB DDL job {}: {}", what, job_id_, rs.error().ToString());
    return false;
  }
  int c = rs->Column("RESULT");
  for (const Row& row : rs->rows) {
    if (c >= 0 && c < static_cast<int>(row.size()) && row[c] &&
        row[c]->rfind("error", 0) == 0) {
      spdlog::warn("could not {} TiDB DDL job {}: {}", what, job_id_, *row[c]);
      return false;
    }
  }
  spdlog::info("{} TiDB DDL job {}: done", what, job_id_);
  return true;
}

void DdlWatcher::Steer(RunControl& control, Throttler* throttler, ProgressReporter& progress) {
  ThrottleDecision td = throttler ? throttler->Check() : ThrottleDecision{};
  if (td.abort && !control.aborted()) control.RequestAbort(td.reason);
  if (control.aborted() && !cancel_sent_) {
    spdlog::warn("cancelling TiDB DDL job {}: {}", job_id_, control.abort_reason());
    // Sent once: a job past the point of no return (8225/8226) finishes anyway.
    ExecAdmin(CancelDdlJobSql(job_id_), "cancel");
    cancel_sent_ = true;
    return;
  }
  if (cancel_sent_) return;

  const JobState state = last_->state;
  const bool want_pause = control.paused() || td.throttle;
  const std::string reason = control.paused() ? std::string("paused by operator") : td.reason;
  if (want_pause && !paused_by_us_ &&
      (state == JobState::kQueueing || state == JobState::kRunning ||
       state == JobState::kNone)) {
    if (!f_.pause_resume) {
      if (!warned_pause_) {
        spdlog::warn("cannot pause TiDB DDL job {} ({}): ADMIN PAUSE DDL JOBS needs TiDB v7.2+",
                     job_id_, reason);
        warned_pause_ = true;
      }
    } else {
      spdlog::info("pausing TiDB DDL job {}: {}", job_id_, reason);
      if (ExecAdmin(PauseDdlJobSql(job_id_), "pause")) {
        paused_by_us_ = true;
        progress.Throttle(snap_, reason, 0);
      }
    }
  } else if (!want_pause && paused_by_us_) {
    spdlog::info("resuming TiDB DDL job {}", job_id_);
    if (ExecAdmin(ResumeDdlJobSql(job_id_), "resume")) paused_by_us_ = false;
  }
  snap_.paused = control.paused();
  snap_.throttled = td.throttle;
  snap_.throttle_reason = td.throttle ? td.reason : std::string();

  std::optional<int> thread;
  std::optional<int> batch;
  if (control.workers() > 0 && control.workers() != applied_workers_) thread = control.workers();
  if (control.batch_size() > 0 && control.batch_size() != applied_batch_) {
    batch = control.batch_size();
  }
  if (!thread && !batch) return;
  // Marked applied whatever happens, so a refused change is not resent every poll.
  if (thread) applied_workers_ = *thread;
  if (batch) applied_batch_ = *batch;
  if (!f_.alter_ddl_jobs) {
    if (!warned_alter_) {
      spdlog::warn("set workers/batch-size: ADMIN ALTER DDL JOBS needs TiDB v8.5+; job {} keeps "
                   "its settings", job_id_);
      warned_alter_ = true;
    }
    return;
  }
  if (last_->comments.dxf && !f_.alter_applies_to_dxf) {
    spdlog::warn("set workers/batch-size: job {} runs under the distributed framework (DXF), "
                 "which ADMIN ALTER DDL JOBS does not reach before TiDB v8.5.5", job_id_);
    return;
  }
  if (ExecAdmin(AlterDdlJobSql(job_id_, thread, batch), "alter")) {
    if (thread) snap_.workers = ClampReorgWorkers(*thread);
    if (batch) snap_.batch_size = ClampReorgBatchSize(*batch);
  }
}

Result<WatchPhase> DdlWatcher::Poll(double now_s, RunControl& control, Throttler* throttler,
                                    ProgressReporter& progress) {
  if (phase_ == WatchPhase::kSucceeded || phase_ == WatchPhase::kFailed ||
      phase_ == WatchPhase::kLost) {
    return phase_;
  }
  std::optional<DdlJobStatus> st;
  if (job_id_ == 0) {
    SLUICE_ASSIGN(bool found, FindJob());
    if (!found) {
      if (++find_polls_ >= opts_.max_find_polls) {
        spdlog::warn("no TiDB DDL job found for `{}` after {} polls", target_.statement,
                     find_polls_);
        phase_ = WatchPhase::kLost;
      }
      return phase_;
    }
    st = last_;
  } else {
    SLUICE_ASSIGN(st, ReadJob(job_id_));
    if (!st) {
      if (++missing_polls_ >= opts_.max_missing_polls) {
        spdlog::warn("TiDB DDL job {} is no longer listed by ADMIN SHOW DDL JOBS {}", job_id_,
                     opts_.jobs_history);
        phase_ = WatchPhase::kLost;
      }
      return phase_;
    }
    missing_polls_ = 0;
    last_ = st;
  }
  UpdateSnapshot(*st, now_s);
  if (st->state == JobState::kSynced) {
    phase_ = WatchPhase::kSucceeded;
  } else if (IsFailure(st->state)) {
    phase_ = WatchPhase::kFailed;
  } else {
    phase_ = WatchPhase::kActive;
    Steer(control, throttler, progress);
  }
  progress.Snapshot(snap_);
  return phase_;
}

}  // namespace sluice::tidb
