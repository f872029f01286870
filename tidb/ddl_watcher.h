// Watches one native DDL job from a second session, and steers it: finds the
// job by its statement text, turns ROW_COUNT into progress snapshots, maps
// throttling and `pause` to ADMIN PAUSE/RESUME DDL JOBS, `set workers` /
// `set batch-size` to ADMIN ALTER DDL JOBS, and `abort` to ADMIN CANCEL DDL
// JOBS. One Poll() is one step of the state machine, so tests drive it with
// scripted job rows and a fake time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "engine/db/session.h"
#include "engine/progress/progress.h"
#include "engine/schema/table_info.h"
#include "tidb/ddl_job.h"
#include "tidb/tidb_features.h"

namespace sluice {
class RunControl;
class Throttler;
}  // namespace sluice

namespace sluice::tidb {

struct WatchTarget {
  std::string statement;     // the exact DDL text submitted
  TableRef table;            // to check DB_NAME / TABLE_NAME of candidates
  std::string submitted_at;  // server NOW() before submission: "YYYY-MM-DD HH:MM:SS"
  uint64_t table_rows = 0;   // row estimate: ROW_COUNT is measured against it
  int workers = 0;           // reorg workers set on the submitting session (0: default)
  int batch_size = 0;        // reorg batch size set on the submitting session (0: default)
};

struct WatcherOptions {
  int query_limit = 32;     // ADMIN SHOW DDL JOB QUERIES LIMIT m
  int jobs_history = 64;    // ADMIN SHOW DDL JOBS n: finished jobs kept in view
  int max_find_polls = 30;  // polls without finding the job before giving up
  int max_missing_polls = 10;  // polls a found job may be absent before it is lost
};

enum class WatchPhase {
  kSearching,  // job not found yet
  kActive,     // found, not final
  kSucceeded,  // STATE synced
  kFailed,     // rollback done / cancelled
  kLost,       // never found, or vanished from view
};
const char* WatchPhaseName(WatchPhase p);

class DdlWatcher {
 public:
  DdlWatcher(Session& session, TidbFeatures features, WatchTarget target,
             WatcherOptions options, ProgressSnapshot base);

  // One step at time `now_s` (seconds, monotonic). Reads the job, publishes a
  // snapshot, then applies the operator's and the throttler's wishes.
  // `throttler` may be null. Errors are the watch session's query errors.
  Result<WatchPhase> Poll(double now_s, RunControl& control, Throttler* throttler,
                          ProgressReporter& progress);

  int64_t job_id() const { return job_id_; }
  const std::optional<DdlJobStatus>& last() const { return last_; }
  WatchPhase phase() const { return phase_; }
  bool cancel_sent() const { return cancel_sent_; }
  bool paused_by_us() const { return paused_by_us_; }
  const ProgressSnapshot& snapshot() const { return snap_; }

 private:
  Result<bool> FindJob();
  Result<std::optional<DdlJobStatus>> ReadJob(int64_t id);
  bool Accept(const DdlJobStatus& st) const;
  void UpdateSnapshot(const DdlJobStatus& st, double now_s);
  void Steer(RunControl& control, Throttler* throttler, ProgressReporter& progress);
  bool ExecAdmin(const std::string& sql, const char* what);

  Session& s_;
  TidbFeatures f_;
  WatchTarget target_;
  WatcherOptions opts_;
  ProgressSnapshot snap_;
  WatchPhase phase_ = WatchPhase::kSearching;
  int64_t job_id_ = 0;
  std::optional<DdlJobStatus> last_;
  int find_polls_ = 0;
  int missing_polls_ = 0;
  double last_time_ = -1;
  uint64_t last_rows_ = 0;
  bool paused_by_us_ = false;
  bool cancel_sent_ = false;
  int applied_workers_ = 0;
  int applied_batch_ = 0;
  bool warned_pause_ = false;
  bool warned_alter_ = false;
};

}  // namespace sluice::tidb
