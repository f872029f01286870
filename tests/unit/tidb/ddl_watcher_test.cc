// The DDL watcher's state machine, driven by scripted ADMIN SHOW DDL JOBS rows.
#include "tidb/ddl_watcher.h"

#include <gtest/gtest.h>

#include "engine/exec/run_control.h"
#include "engine/throttle/throttler.h"
#include "tests/unit/tidb/job_rows.h"
#include "tests/unit/tidb/scripted_session.h"

namespace sluice::tidb {
namespace {

using testing::Jobs;
using testing::JobRowSpec;
using testing::ScriptedSession;

const char* kStmt = "ALTER TABLE `shop`.`orders` ADD INDEX `idx_total` (`total`)";
const char* kJobSql = "ADMIN SHOW DDL JOBS 64 WHERE job_id = 100";
const char* kQueriesSql = "ADMIN SHOW DDL JOB QUERIES LIMIT 32";

class Recorder : public ProgressSink {
 public:
  void OnSnapshot(const ProgressSnapshot& s) override { snaps.push_back(s); }
  void OnThrottle(const ProgressSnapshot&, const std::string& reason, double) override {
    throttles.push_back(reason);
  }
  std::vector<ProgressSnapshot> snaps;
  std::vector<std::string> throttles;
};

class SwitchThrottler : public Throttler {
 public:
  ThrottleDecision Check() override { return decision; }
  ThrottleDecision decision;
};

JobRowSpec Job(const std::string& state, long rows,
               const std::string& schema_state = "write reorganization") {
  JobRowSpec j;
  j.state = state;
  j.row_count = rows;
  j.schema_state = schema_state;
  j.comments = "ingest";
  return j;
}

ResultSet AdminResult(const std::string& text) {
  ResultSet rs;
  rs.columns = {"JOB_ID", "RESULT"};
  rs.rows.push_back({std::string("100"), text});
  return rs;
}

class DdlWatcherTest : public ::testing::Test {
 protected:
  DdlWatcherTest() {
    reporter.AddSink(rec);
    s.On(kQueriesSql, testing::Queries({{100, kStmt}, {50, kStmt}, {90, "CREATE TABLE z (a INT)"}}));
    // An older job with the same text (an earlier run): must not be taken.
    JobRowSpec old = Job("synced", 5, "public");
    old.id = 50;
    old.create_time = "2025-01-02 09:00:00";
    s.On("ADMIN SHOW DDL JOBS 64 WHERE job_id = 50", Jobs({old}));
    s.On("ADMIN PAUSE DDL JOBS 100", AdminResult("successful"));
    s.On("ADMIN RESUME DDL JOBS 100", AdminResult("successful"));
    s.On("ADMIN CANCEL DDL JOBS 100", AdminResult("successful"));
    s.On("ADMIN ALTER DDL JOBS 100", ResultSet{});
  }

  DdlWatcher Make(TidbFeatures f = TidbFeatures::For(Version{8, 5, 1}), int max_find = 30) {
    WatchTarget t;
    t.statement = kStmt;
    t.table = {"shop", "orders"};
    t.submitted_at = "2025-01-02 10:00:00";
    t.table_rows = 10000;
    t.workers = 4;
    WatcherOptions o;
    o.max_find_polls = max_find;
    ProgressSnapshot base;
    base.revision = "4b1c2e9f0a7d";
    base.step = 1;
    base.table = "orders";
    return DdlWatcher(s, f, t, o, base);
  }

  WatchPhase Poll(DdlWatcher& w, double t, Throttler* th = nullptr) {
    auto r = w.Poll(t, control, th, reporter);
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.ok() ? *r : WatchPhase::kLost;
  }

  ScriptedSession s;
  RunControl control;
  ProgressReporter reporter;
  std::shared_ptr<Recorder> rec = std::make_shared<Recorder>();
};

TEST_F(DdlWatcherTest, QueueingRunningPausedRunningSynced) {
  s.On(kJobSql, Jobs({Job("queueing", 0, "none")}));
  s.On(kJobSql, Jobs({Job("running", 1000)}));
  s.On(kJobSql, Jobs({Job("running", 3000)}));
  s.On(kJobSql, Jobs({Job("running", 3000)}));
  s.On(kJobSql, Jobs({Job("paused", 3000)}));
  s.On(kJobSql, Jobs({Job("paused", 3000)}));
  s.On(kJobSql, Jobs({Job("running", 6000)}));
  s.On(kJobSql, Jobs({Job("synced", 10000, "public")}));
  DdlWatcher w = Make();

  EXPECT_EQ(Poll(w, 0), WatchPhase::kActive);  // found: job 100, not the older 50
  EXPECT_EQ(w.job_id(), 100);
  EXPECT_EQ(w.last()->state, JobState::kQueueing);
  EXPECT_EQ(Poll(w, 1), WatchPhase::kActive);
  EXPECT_EQ(Poll(w, 2), WatchPhase::kActive);
  EXPECT_DOUBLE_EQ(w.snapshot().rows_per_s, 2000);
  EXPECT_DOUBLE_EQ(w.snapshot().eta_s, 3.5);  // 7000 rows left at 2000/s

  control.Pause();
  EXPECT_EQ(Poll(w, 3), WatchPhase::kActive);  // running -> we pause it
  EXPECT_TRUE(w.paused_by_us());
  EXPECT_EQ(Poll(w, 4), WatchPhase::kActive);  // paused; no second PAUSE
  EXPECT_EQ(w.snapshot().state, "paused");
  EXPECT_TRUE(w.snapshot().paused);
  control.Resume();
  EXPECT_EQ(Poll(w, 5), WatchPhase::kActive);  // still paused -> we resume it
  EXPECT_FALSE(w.paused_by_us());
  EXPECT_EQ(Poll(w, 6), WatchPhase::kActive);
  EXPECT_EQ(w.snapshot().rows_done, 6000u);
  EXPECT_EQ(Poll(w, 7), WatchPhase::kSucceeded);
  EXPECT_EQ(Poll(w, 8), WatchPhase::kSucceeded);  // final: no more queries

  EXPECT_EQ(s.SentStartingWith("ADMIN PAUSE").size(), 1u);
  EXPECT_EQ(s.SentStartingWith("ADMIN RESUME").size(), 1u);
  EXPECT_TRUE(s.SentStartingWith("ADMIN CANCEL").empty());
  EXPECT_TRUE(s.SentStartingWith("ADMIN ALTER").empty());  // workers unchanged (4)
  EXPECT_EQ(s.SentStartingWith(kJobSql).size(), 8u);

  // Snapshots: one per poll, rows rising against the table estimate.
  ASSERT_EQ(rec->snaps.size(), 8u);
  std::vector<uint64_t> rows;
  for (const auto& snap : rec->snaps) rows.push_back(snap.rows_done);
  EXPECT_EQ(rows, (std::vector<uint64_t>{0, 1000, 3000, 3000, 3000, 3000, 6000, 10000}));
  EXPECT_EQ(rec->snaps.front().phase, "ddl: none");
  EXPECT_EQ(rec->snaps.front().state, "queueing");
  EXPECT_EQ(rec->snaps[2].phase, "ddl: write reorganization");
  EXPECT_EQ(rec->snaps.back().state, "synced");
  EXPECT_EQ(rec->snaps.back().rows_estimated, 10000u);
  EXPECT_EQ(rec->snaps.back().step_kind, "schema");
  EXPECT_EQ(rec->snaps.back().revision, "4b1c2e9f0a7d");
  EXPECT_EQ(rec->throttles, (std::vector<std::string>{"paused by operator"}));
}

TEST_F(DdlWatcherTest, ThrottlerPausesAndResumes) {
  s.On(kJobSql, Jobs({Job("running", 100)}));
  s.On(kJobSql, Jobs({Job("paused", 100)}));
  s.On(kJobSql, Jobs({Job("running", 200)}));
  DdlWatcher w = Make();
  SwitchThrottler th;
  th.decision = {true, false, "Threads_running=80 > 50", "load", 0, false, 0.5, ""};
  EXPECT_EQ(Poll(w, 0, &th), WatchPhase::kActive);
  EXPECT_TRUE(w.paused_by_us());
  EXPECT_TRUE(w.snapshot().throttled);
  EXPECT_EQ(w.snapshot().throttle_reason, "Threads_running=80 > 50");
  th.decision = {};
  EXPECT_EQ(Poll(w, 1, &th), WatchPhase::kActive);
  EXPECT_FALSE(w.paused_by_us());
  EXPECT_EQ(Poll(w, 2, &th), WatchPhase::kActive);
  auto sent = s.sent();
  EXPECT_EQ(s.SentStartingWith("ADMIN PAUSE DDL JOBS 100").size(), 1u);
  EXPECT_EQ(s.SentStartingWith("ADMIN RESUME DDL JOBS 100").size(), 1u);
}

TEST_F(DdlWatcherTest, PauseRefusedByServerIsRetriedNextPoll) {
  s.Forget("ADMIN PAUSE DDL JOBS 100");
  s.On("ADMIN PAUSE DDL JOBS 100", AdminResult("error: [ddl:8261]job 100 can't be paused now"));
  s.On("ADMIN PAUSE DDL JOBS 100", AdminResult("successful"));
  s.On(kJobSql, Jobs({Job("running", 100)}));
  DdlWatcher w = Make();
  control.Pause();
  Poll(w, 0);
  EXPECT_FALSE(w.paused_by_us());
  Poll(w, 1);
  EXPECT_TRUE(w.paused_by_us());
}

TEST_F(DdlWatcherTest, NoPauseBeforeV72) {
  s.On(kJobSql, Jobs({Job("running", 100)}));
  DdlWatcher w = Make(TidbFeatures::For(Version{7, 1, 0}));
  control.Pause();
  Poll(w, 0);
  Poll(w, 1);
  EXPECT_FALSE(w.paused_by_us());
  EXPECT_TRUE(s.SentStartingWith("ADMIN PAUSE").empty());
}

TEST_F(DdlWatcherTest, RollbackDoneIsAFailure) {
  s.On(kJobSql, Jobs({Job("running", 500)}));
  s.On(kJobSql, Jobs({Job("rollingback", 500, "delete only")}));
  s.On(kJobSql, Jobs({Job("rollback done", 500, "none")}));
  DdlWatcher w = Make();
  EXPECT_EQ(Poll(w, 0), WatchPhase::kActive);
  EXPECT_EQ(Poll(w, 1), WatchPhase::kActive);
  EXPECT_EQ(Poll(w, 2), WatchPhase::kFailed);
  EXPECT_EQ(w.last()->state, JobState::kRollbackDone);
  EXPECT_EQ(rec->snaps.back().state, "rollback done");
  EXPECT_FALSE(w.cancel_sent());
}

TEST_F(DdlWatcherTest, AbortCancelsOnceThenCancelled) {
  s.On(kJobSql, Jobs({Job("running", 500)}));
  s.On(kJobSql, Jobs({Job("cancelling", 500)}));
  s.On(kJobSql, Jobs({Job("cancelling", 500)}));
  s.On(kJobSql, Jobs({Job("cancelled", 500, "none")}));
  DdlWatcher w = Make();
  EXPECT_EQ(Poll(w, 0), WatchPhase::kActive);
  control.RequestAbort("operator abort");
  EXPECT_EQ(Poll(w, 1), WatchPhase::kActive);
  EXPECT_TRUE(w.cancel_sent());
  EXPECT_EQ(Poll(w, 2), WatchPhase::kActive);
  EXPECT_EQ(Poll(w, 3), WatchPhase::kFailed);
  EXPECT_EQ(s.SentStartingWith("ADMIN CANCEL DDL JOBS 100").size(), 1u);
}

TEST_F(DdlWatcherTest, CriticalThrottleAbortsAndCancels) {
  s.On(kJobSql, Jobs({Job("running", 500)}));
  DdlWatcher w = Make();
  SwitchThrottler th;
  th.decision = {true, true, "Threads_running=500 > 200 for 10s", "load", 0, false, 0.5, ""};
  Poll(w, 0, &th);
  EXPECT_TRUE(control.aborted());
  EXPECT_EQ(control.abort_reason(), "Threads_running=500 > 200 for 10s");
  EXPECT_EQ(s.SentStartingWith("ADMIN CANCEL DDL JOBS 100").size(), 1u);
  EXPECT_TRUE(s.SentStartingWith("ADMIN PAUSE").empty());
}

TEST_F(DdlWatcherTest, JobNeverFoundIsLost) {
  ScriptedSession other;
  other.On(kQueriesSql, testing::Queries({{90, "CREATE TABLE z (a INT)"}}));
  WatchTarget t;
  t.statement = kStmt;
  t.table = {"shop", "orders"};
  DdlWatcher w(other, TidbFeatures::For(Version{8, 5, 1}), t, WatcherOptions{32, 64, 3, 10}, {});
  EXPECT_EQ(w.Poll(0, control, nullptr, reporter).value(), WatchPhase::kSearching);
  EXPECT_EQ(w.Poll(1, control, nullptr, reporter).value(), WatchPhase::kSearching);
  EXPECT_EQ(w.Poll(2, control, nullptr, reporter).value(), WatchPhase::kLost);
  EXPECT_EQ(w.job_id(), 0);
  EXPECT_TRUE(rec->snaps.empty());
}

TEST_F(DdlWatcherTest, OnlyOlderJobWithSameTextIsNotOurs) {
  ScriptedSession other;
  other.On(kQueriesSql, testing::Queries({{50, kStmt}}));
  JobRowSpec old = Job("synced", 5, "public");
  old.id = 50;
  old.create_time = "2025-01-02 09:59:59";
  other.On("ADMIN SHOW DDL JOBS 64 WHERE job_id = 50", Jobs({old}));
  WatchTarget t;
  t.statement = kStmt;
  t.table = {"shop", "orders"};
  t.submitted_at = "2025-01-02 10:00:00";
  DdlWatcher w(other, TidbFeatures::For(Version{8, 5, 1}), t, WatcherOptions{32, 64, 2, 10}, {});
  EXPECT_EQ(w.Poll(0, control, nullptr, reporter).value(), WatchPhase::kSearching);
  EXPECT_EQ(w.Poll(1, control, nullptr, reporter).value(), WatchPhase::kLost);
}

TEST_F(DdlWatcherTest, JobOnAnotherTableIsNotOurs) {
  ScriptedSession other;
  other.On(kQueriesSql, testing::Queries({{100, kStmt}}));
  JobRowSpec j = Job("running", 5);
  j.table = "customers";
  other.On(kJobSql, Jobs({j}));
  WatchTarget t;
  t.statement = kStmt;
  t.table = {"shop", "orders"};
  DdlWatcher w(other, TidbFeatures::For(Version{8, 5, 1}), t, WatcherOptions{32, 64, 1, 10}, {});
  EXPECT_EQ(w.Poll(0, control, nullptr, reporter).value(), WatchPhase::kLost);
}

TEST_F(DdlWatcherTest, JobVanishingFromHistoryIsLost) {
  s.On(kJobSql, Jobs({Job("running", 5)}));
  s.On(kJobSql, Jobs({}));
  WatchTarget t;
  DdlWatcher w = Make();
  Poll(w, 0);
  for (int i = 1; i < 10; ++i) EXPECT_EQ(Poll(w, i), WatchPhase::kActive);
  EXPECT_EQ(Poll(w, 10), WatchPhase::kLost);
}

TEST_F(DdlWatcherTest, QueryErrorIsReturned) {
  ScriptedSession other;
  Error e = RuntimeError("Lost connection");
  e.code = 2013;
  other.OnError(kQueriesSql, e);
  WatchTarget t;
  t.statement = kStmt;
  DdlWatcher w(other, TidbFeatures::For(Version{8, 5, 1}), t, WatcherOptions{}, {});
  auto r = w.Poll(0, control, nullptr, reporter);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, 2013);
}

TEST_F(DdlWatcherTest, MultiSchemaProgressSumsSubJobsAgainstEachBackfill) {
  JobRowSpec parent = Job("running", 0, "none");
  parent.type = "alter table multi-schema change";
  JobRowSpec a = Job("running", 4000, "write reorganization");
  a.type = "add index /* subjob */";
  JobRowSpec b = Job("queueing", 1000, "write reorganization");
  b.type = "add index /* subjob */";
  s.On(kJobSql, Jobs({parent, a, b}));
  DdlWatcher w = Make();
  Poll(w, 0);
  EXPECT_EQ(w.snapshot().rows_done, 5000u);
  EXPECT_EQ(w.snapshot().rows_estimated, 20000u);  // two backfills of 10000 rows
  EXPECT_DOUBLE_EQ(w.snapshot().Ratio(), 0.25);
}

TEST_F(DdlWatcherTest, SetWorkersAndBatchSizeMapToAlterDdlJobs) {
  s.On(kJobSql, Jobs({Job("running", 100)}));
  DdlWatcher w = Make(TidbFeatures::For(Version{8, 5, 1}));
  Poll(w, 0);
  control.SetWorkers(8);
  control.SetBatchSize(1024);
  Poll(w, 1);
  Poll(w, 2);  // nothing new: not sent again
  EXPECT_EQ(s.SentStartingWith("ADMIN ALTER DDL JOBS"),
            (std::vector<std::string>{"ADMIN ALTER DDL JOBS 100 THREAD = 8, BATCH_SIZE = 1024"}));
  EXPECT_EQ(w.snapshot().workers, 8);
  EXPECT_EQ(w.snapshot().batch_size, 1024);
}

TEST_F(DdlWatcherTest, AlterDdlJobsNotSentBeforeV85) {
  s.On(kJobSql, Jobs({Job("running", 100)}));
  DdlWatcher w = Make(TidbFeatures::For(Version{8, 4, 0}));
  control.SetWorkers(8);
  Poll(w, 0);
  EXPECT_TRUE(s.SentStartingWith("ADMIN ALTER").empty());
}

TEST_F(DdlWatcherTest, AlterDdlJobsSkipsDxfJobsBeforeV855) {
  JobRowSpec j = Job("running", 100);
  j.comments = "ingest, DXF";
  s.On(kJobSql, Jobs({j}));
  DdlWatcher w = Make(TidbFeatures::For(Version{8, 5, 4}));
  control.SetWorkers(8);
  Poll(w, 0);
  EXPECT_TRUE(s.SentStartingWith("ADMIN ALTER").empty());

  ScriptedSession s2;
  s2.On(kQueriesSql, testing::Queries({{100, kStmt}}));
  s2.On(kJobSql, Jobs({j}));
  s2.On("ADMIN ALTER DDL JOBS 100", ResultSet{});
  WatchTarget t;
  t.statement = kStmt;
  t.table = {"shop", "orders"};
  DdlWatcher w2(s2, TidbFeatures::For(Version{8, 5, 5}), t, WatcherOptions{}, {});
  ASSERT_TRUE(w2.Poll(0, control, nullptr, reporter).ok());
  EXPECT_EQ(s2.SentStartingWith("ADMIN ALTER DDL JOBS"),
            (std::vector<std::string>{"ADMIN ALTER DDL JOBS 100 THREAD = 8"}));
}

TEST_F(DdlWatcherTest, TwelveColumnServerStillWatched) {
  s.On(kJobSql, Jobs({Job("running", 100)}, false));
  s.On(kJobSql, Jobs({Job("synced", 10000, "public")}, false));
  DdlWatcher w = Make(TidbFeatures::For(Version{7, 5, 0}));
  EXPECT_EQ(Poll(w, 0), WatchPhase::kActive);
  EXPECT_EQ(Poll(w, 1), WatchPhase::kSucceeded);
}

}  // namespace
}  // namespace sluice::tidb
