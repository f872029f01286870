#include "tidb/non_transactional_dml.h"

#include <gtest/gtest.h>

#include "engine/exec/run_control.h"
#include "engine/progress/progress.h"
#include "tests/unit/tidb/scripted_session.h"

namespace sluice::tidb {
namespace {

Status Render(const std::string& stmt, const std::string& shard, Version v = {8, 5, 1}) {
  auto c = sql::Classify(stmt);
  if (!c.ok()) return c.error();
  auto r = RenderBatchDml(stmt, *c, shard, 100, false, TidbFeatures::For(v));
  return r.ok() ? Status::Ok() : Status(r.error());
}

TEST(BatchDml, RefusesWhatTiDBRejects) {
  EXPECT_FALSE(Render("UPDATE t SET a = 1 ORDER BY id", "").ok());
  EXPECT_FALSE(Render("DELETE FROM t WHERE a = 1 LIMIT 10", "").ok());
  Status st = Render("UPDATE t SET id = id + 1", "id");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("must not be updated"), std::string::npos);
  EXPECT_EQ(st.error().exit, ExitCode::kUsage);
  EXPECT_FALSE(Render("CREATE TABLE x (a INT)", "").ok());
}

TEST(BatchDml, VersionGates) {
  EXPECT_TRUE(Render("DELETE FROM t WHERE a = 1", "", {6, 1, 0}).ok());
  EXPECT_FALSE(Render("DELETE FROM t WHERE a = 1", "", {6, 0, 0}).ok());
  EXPECT_FALSE(Render("UPDATE t SET a = 1", "", {6, 4, 0}).ok());
  EXPECT_TRUE(Render("UPDATE t SET a = 1", "", {6, 5, 0}).ok());
}

TEST(BatchDml, ParsesTheResultRow) {
  ResultSet rs;
  rs.columns = {"number of jobs", "job status"};
  rs.rows.push_back({std::string("3"), std::string("all succeeded")});
  auto r = ParseBatchDmlResult(rs);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->jobs, 3u);
  EXPECT_TRUE(r->succeeded());
  rs.rows[0][1] = std::string("2 jobs failed");
  EXPECT_FALSE(ParseBatchDmlResult(rs)->succeeded());
  ResultSet dry;  // DRY RUN answers with other columns
  dry.columns = {"split statement examples"};
  EXPECT_FALSE(ParseBatchDmlResult(dry).ok());
}

TEST(BatchDml, ShardColumnFromKey) {
  TableInfo t;
  t.ref = {"", "orders"};
  t.columns = {{"id", "bigint", "bigint", false, false},
               {"code", "varchar", "varchar(8)", false, false}};
  t.indexes = {{"PRIMARY", {"id"}, true, true, ""}, {"uk_code", {"code"}, true, false, ""}};
  EXPECT_EQ(BatchShardColumn(&t, "").value(), "");
  EXPECT_EQ(BatchShardColumn(&t, "uk_code").value(), "code");
  EXPECT_EQ(BatchShardColumn(&t, "id").value(), "id");
  EXPECT_EQ(BatchShardColumn(&t, "_TIDB_ROWID").value(), "_tidb_rowid");
  EXPECT_FALSE(BatchShardColumn(&t, "nope").ok());
  EXPECT_EQ(BatchShardColumn(nullptr, "code").value(), "code");  // offline: as written
}

TEST(BatchDml, RunsOneStatementAndReportsItsStatus) {
  DataStepRequest req;
  req.revision = "r1";
  req.step_index = 2;
  req.statement = "DELETE FROM events WHERE created_at < '2024-01-01'";
  req.options.strategy = "tidb-batch";
  req.options.batch_size = 500;
  auto plan = PlanBatchDml(nullptr, req, TidbFeatures::For(Version{8, 5, 1}), nullptr);
  ASSERT_TRUE(plan.ok()) << plan.error().ToString();

  auto* session = new testing::ScriptedSession();
  ResultSet rs;
  rs.columns = {"number of jobs", "job status"};
  rs.rows.push_back({std::string("4"), std::string("all succeeded")});
  session->On("BATCH LIMIT 500 DELETE", rs);
  std::vector<std::string> sent;  // the session is gone after Run()
  session->before = [&sent](const std::string& sql) { sent.push_back(sql); };
  testing::ScriptedFactory f;
  f.Add(std::unique_ptr<Session>(session));
  RunControl control;
  ProgressReporter progress;
  Status st = (*plan)->Run(f, control, progress);
  ASSERT_TRUE(st.ok()) << st.error().ToString();
  EXPECT_EQ(sent, std::vector<std::string>{
                                 "BATCH LIMIT 500 DELETE FROM events WHERE created_at < "
                                 "'2024-01-01'"});
  EXPECT_EQ(progress.Latest().state, "4 jobs: all succeeded");
}

TEST(BatchDml, FailedBatchIsAnError) {
  DataStepRequest req;
  req.statement = "UPDATE t SET a = 2 WHERE a = 1";
  req.options.strategy = "tidb-batch";
  auto plan = PlanBatchDml(nullptr, req, TidbFeatures::For(Version{8, 5, 1}), nullptr);
  ASSERT_TRUE(plan.ok());
  auto* session = new testing::ScriptedSession();
  Error e = RuntimeError("Early return when error occurs in the first job");
  e.code = 8143;
  session->OnError("BATCH", e);
  testing::ScriptedFactory f;
  f.Add(std::unique_ptr<Session>(session));
  RunControl control;
  ProgressReporter progress;
  Status st = (*plan)->Run(f, control, progress);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, 8143);
}

TEST(BatchDml, NotAskedForIsNull) {
  DataStepRequest req;
  req.statement = "UPDATE t SET a = 2";
  auto plan = PlanBatchDml(nullptr, req, TidbFeatures::For(Version{8, 5, 1}), nullptr);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(*plan, nullptr);
}

}  // namespace
}  // namespace sluice::tidb
