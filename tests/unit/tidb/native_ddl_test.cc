// NativeDdlChange::Run with two scripted sessions: the submitter blocks
// until the watcher has seen the job synced (as TiDB's DDL statement does).
#include "tidb/native_ddl.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "engine/exec/run_control.h"
#include "engine/progress/progress.h"
#include "tests/unit/tidb/job_rows.h"
#include "tests/unit/tidb/scripted_session.h"

namespace sluice::tidb {
namespace {

using testing::Jobs;
using testing::JobRowSpec;
using testing::ScriptedFactory;
using testing::ScriptedSession;

const char* kStmt = "ALTER TABLE `shop`.`orders` ADD INDEX `idx_total` (`total`)";
const char* kJobSql = "ADMIN SHOW DDL JOBS 64 WHERE job_id = 7";

JobRowSpec Job(const std::string& state, long rows) {
  JobRowSpec j;
  j.id = 7;
  j.state = state;
  j.row_count = rows;
  j.comments = "ingest";
  return j;
}

struct Fixture {
  Fixture() {
    submit->On("SET SESSION", ResultSet{});
    watch->On("SELECT NOW()", testing::Scalar("NOW()", "2025-01-02 10:00:00"));
    watch->On("ADMIN SHOW DDL JOB QUERIES LIMIT 32", testing::Queries({{7, kStmt}}));
    // The DDL statement returns once the watcher has read the final row.
    submit->before = [this](const std::string& sql) {
      if (sql.rfind("ALTER TABLE", 0) != 0) return;
      for (int i = 0; i < 2000 && !final_seen.load(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    };
    watch->before = [this](const std::string& sql) {
      if (sql == kJobSql && ++job_reads >= final_read) final_seen = true;
    };
  }
  SchemaChangeRequest Request() {
    SchemaChangeRequest req;
    req.table = {"shop", "orders"};
    req.alter_spec = "ADD INDEX `idx_total` (`total`)";
    req.options.workers = 6;
    req.options.batch_size = 512;
    req.revision = "r1";
    req.step_index = 3;
    return req;
  }
  Status Run(RunControl& control, ProgressReporter& progress) {
    ScriptedFactory f;
    f.Add(std::unique_ptr<Session>(submit));
    f.Add(std::unique_ptr<Session>(watch));
    NativeDdlOptions o;
    o.poll_interval_s = 0.001;
    NativeDdlChange change(&f, TidbFeatures::For(Version{8, 5, 1}), Request(), 1000, o);
    return change.Run(control, progress);
  }
  ScriptedSession* submit = new ScriptedSession();
  ScriptedSession* watch = new ScriptedSession();
  std::atomic<bool> final_seen{false};
  std::atomic<int> job_reads{0};
  int final_read = 3;
};

TEST(NativeDdl, SubmitsWithSessionSettingsAndWatchesToSynced) {
  Fixture fx;
  fx.watch->On(kJobSql, Jobs({Job("running", 100)}));
  fx.watch->On(kJobSql, Jobs({Job("running", 600)}));
  fx.watch->On(kJobSql, Jobs({Job("synced", 1000)}));
  std::vector<std::string> submit_log;
  RunControl control;
  ProgressReporter progress;
  Status st = fx.Run(control, progress);
  ASSERT_TRUE(st.ok()) << st.error().ToString();
  // fx.submit / fx.watch are owned (and freed) by the change: read the
  // progress instead, plus what the latest snapshot shows.
  ProgressSnapshot last = progress.Latest();
  EXPECT_EQ(last.state, "synced");
  EXPECT_EQ(last.rows_done, 1000u);
  EXPECT_EQ(last.rows_estimated, 1000u);
  EXPECT_EQ(last.step, 3);
  EXPECT_EQ(last.workers, 6);
  EXPECT_EQ(last.batch_size, 512);
}

TEST(NativeDdl, SubmittedStatementsInOrder) {
  Fixture fx;
  fx.final_read = 1;
  fx.watch->On(kJobSql, Jobs({Job("synced", 1000)}));
  std::vector<std::string> sent;
  fx.submit->before = [&sent](const std::string& sql) { sent.push_back(sql); };
  RunControl control;
  ProgressReporter progress;
  ASSERT_TRUE(fx.Run(control, progress).ok());
  EXPECT_EQ(sent, (std::vector<std::string>{"SET SESSION tidb_ddl_reorg_worker_cnt = 6",
                                            "SET SESSION tidb_ddl_reorg_batch_size = 512",
                                            kStmt}));
}

TEST(NativeDdl, FailedJobReportsTheStatementError) {
  Fixture fx;
  fx.final_read = 2;
  fx.watch->On(kJobSql, Jobs({Job("rollingback", 10)}));
  fx.watch->On(kJobSql, Jobs({Job("rollback done", 10)}));
  Error dup = RuntimeError("Duplicate entry '5' for key 'orders.idx_total'");
  dup.code = 1062;
  fx.submit->OnError("ALTER TABLE", dup);
  RunControl control;
  ProgressReporter progress;
  Status st = fx.Run(control, progress);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, 1062);
  EXPECT_NE(st.error().message.find("TiDB DDL job 7 ended 'rollback done'"), std::string::npos)
      << st.error().message;
  EXPECT_NE(st.error().message.find("Duplicate entry"), std::string::npos);
  EXPECT_EQ(st.error().exit, ExitCode::kFailed);
}

TEST(NativeDdl, AbortCancelsTheJobAndExitsAborted) {
  Fixture fx;
  fx.final_read = 3;
  fx.watch->On(kJobSql, Jobs({Job("running", 10)}));
  fx.watch->On(kJobSql, Jobs({Job("cancelling", 10)}));
  fx.watch->On(kJobSql, Jobs({Job("cancelled", 10)}));
  ResultSet ok;
  ok.columns = {"JOB_ID", "RESULT"};
  ok.rows.push_back({std::string("7"), std::string("successful")});
  fx.watch->On("ADMIN CANCEL DDL JOBS 7", ok);
  Error cancelled = RuntimeError("Cancelled DDL job");
  cancelled.code = 8214;
  fx.submit->OnError("ALTER TABLE", cancelled);
  std::atomic<bool> cancel_sent{false};
  auto prev = fx.watch->before;
  fx.watch->before = [&, prev](const std::string& sql) {
    if (sql == "ADMIN CANCEL DDL JOBS 7") cancel_sent = true;
    prev(sql);
  };
  RunControl control;
  control.RequestAbort("operator abort");
  ProgressReporter progress;
  Status st = fx.Run(control, progress);
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(cancel_sent.load());
  EXPECT_EQ(st.error().code, 8214);
  EXPECT_EQ(st.error().exit, ExitCode::kAborted);
}

TEST(NativeDdl, OfflinePlanRefusesToRun) {
  NativeDdlChange change(nullptr, TidbFeatures::For(Version{8, 5, 1}), {}, 0);
  RunControl control;
  ProgressReporter progress;
  EXPECT_FALSE(change.Run(control, progress).ok());
  EXPECT_EQ(change.Strategy(), "native");
}

}  // namespace
}  // namespace sluice::tidb
