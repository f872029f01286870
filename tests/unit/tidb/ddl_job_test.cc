#include "tidb/ddl_job.h"

#include <gtest/gtest.h>

#include "tests/unit/tidb/job_rows.h"

namespace sluice::tidb {
namespace {

using testing::Jobs;
using testing::JobRowSpec;

TEST(DdlJobParse, ThirteenColumnLayoutWithComments) {
  JobRowSpec j;
  j.row_count = 4096;
  j.comments = "ingest, DXF, thread=8, batch_size=512, max_write_speed=256MiB";
  auto rows = ParseDdlJobRows(Jobs({j}, true));
  ASSERT_TRUE(rows.ok()) << rows.error().ToString();
  ASSERT_EQ(rows->size(), 1u);
  const DdlJobRow& r = (*rows)[0];
  EXPECT_EQ(r.job_id, 100);
  EXPECT_EQ(r.db_name, "shop");
  EXPECT_EQ(r.table_name, "orders");
  EXPECT_EQ(r.job_type, "add index");
  EXPECT_EQ(r.schema_state, "write reorganization");
  EXPECT_EQ(r.schema_id, 2);
  EXPECT_EQ(r.table_id, 75);
  EXPECT_EQ(r.row_count, 4096u);
  EXPECT_EQ(r.create_time, "2025-01-02 10:00:01");
  EXPECT_FALSE(r.end_time.has_value());  // NULL while running
  EXPECT_EQ(r.state, JobState::kRunning);
  ASSERT_TRUE(r.comments.has_value());
  DdlJobComments c = ParseComments(*r.comments);
  EXPECT_EQ(c.reorg_type, "ingest");
  EXPECT_TRUE(c.dxf);
  EXPECT_FALSE(c.cloud);
  EXPECT_EQ(c.thread, 8);
  EXPECT_EQ(c.batch_size, 512);
  EXPECT_EQ(c.max_write_speed, "256mib");
}

TEST(DdlJobParse, TwelveColumnLayoutHasNoComments) {
  JobRowSpec j;
  j.state = "synced";
  j.schema_state = "public";
  j.end_time = "2025-01-02 10:05:00";
  auto rows = ParseDdlJobRows(Jobs({j}, false));
  ASSERT_TRUE(rows.ok());
  EXPECT_FALSE((*rows)[0].comments.has_value());
  EXPECT_EQ((*rows)[0].state, JobState::kSynced);
  EXPECT_EQ((*rows)[0].end_time.value_or(""), "2025-01-02 10:05:00");
  auto st = SummarizeJob(*rows, 100);
  ASSERT_TRUE(st.has_value());
  EXPECT_TRUE(st->comments.reorg_type.empty());
}

TEST(DdlJobParse, BindsColumnsByNameNotPosition) {
  // information_schema.DDL_JOBS order with QUERY appended, columns shuffled.
  ResultSet rs;
  rs.columns = {"STATE", "QUERY", "ROW_COUNT", "job_type", "JOB_ID", "TABLE_NAME", "DB_NAME"};
  rs.rows.push_back({std::string("queueing"), std::string("ALTER TABLE t ADD INDEX i(a)"),
                     std::string("0"), std::string("add index"), std::string("7"),
                     std::string("t"), std::string("d")});
  auto rows = ParseDdlJobRows(rs);
  ASSERT_TRUE(rows.ok()) << rows.error().ToString();
  EXPECT_EQ((*rows)[0].job_id, 7);
  EXPECT_EQ((*rows)[0].state, JobState::kQueueing);
  EXPECT_EQ((*rows)[0].table_name, "t");
}

TEST(DdlJobParse, MissingRequiredColumnIsAnError) {
  ResultSet rs;
  rs.columns = {"JOB_ID", "JOB_TYPE", "STATE"};  // no ROW_COUNT
  auto rows = ParseDdlJobRows(rs);
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(rows.error().message.find("ROW_COUNT"), std::string::npos);
}

TEST(DdlJobParse, NonNumericRowCountIsAnError) {
  JobRowSpec j;
  ResultSet rs = Jobs({j});
  rs.rows[0][7] = std::string("lots");
  EXPECT_FALSE(ParseDdlJobRows(rs).ok());
}

TEST(DdlJobParse, EveryDocumentedState) {
  const std::pair<const char*, JobState> states[] = {
      {"none", JobState::kNone},
      {"queueing", JobState::kQueueing},
      {"running", JobState::kRunning},
      {"synced", JobState::kSynced},
      {"done", JobState::kDone},
      {"rollingback", JobState::kRollingback},
      {"rollback done", JobState::kRollbackDone},
      {"cancelling", JobState::kCancelling},
      {"cancelled", JobState::kCancelled},
      {"pausing", JobState::kPausing},
      {"paused", JobState::kPaused},
  };
  for (const auto& [text, state] : states) {
    JobRowSpec j;
    j.state = text;
    auto rows = ParseDdlJobRows(Jobs({j}));
    ASSERT_TRUE(rows.ok());
    EXPECT_EQ((*rows)[0].state, state) << text;
    EXPECT_STREQ(JobStateName(state), text);
    EXPECT_EQ(IsFinal(state), state == JobState::kSynced || state == JobState::kRollbackDone ||
                                  state == JobState::kCancelled)
        << text;
    EXPECT_EQ(IsFailure(state),
              state == JobState::kRollbackDone || state == JobState::kCancelled)
        << text;
  }
  EXPECT_EQ(ParseJobState("Rollback Done"), JobState::kRollbackDone);
  EXPECT_EQ(ParseJobState("exploded"), JobState::kUnknown);
  EXPECT_FALSE(IsFinal(JobState::kDone));  // done is not synced yet
}

TEST(DdlJobParse, EverySchemaStateIsKeptVerbatim) {
  for (const char* s : {"none", "delete only", "write only", "delete reorganization",
                        "write reorganization", "public"}) {
    JobRowSpec j;
    j.schema_state = s;
    auto rows = ParseDdlJobRows(Jobs({j}));
    ASSERT_TRUE(rows.ok());
    EXPECT_EQ((*rows)[0].schema_state, s);
  }
}

TEST(DdlJobSummary, MultiSchemaChangeSumsSubJobs) {
  JobRowSpec parent;
  parent.type = "alter table multi-schema change";
  parent.schema_state = "none";
  parent.row_count = 0;
  JobRowSpec a = parent, b = parent, c = parent;
  a.type = "add index /* subjob */";
  a.schema_state = "public";
  a.row_count = 1000;
  a.state = "done";
  b.type = "add index /* subjob */";
  b.schema_state = "write reorganization";
  b.row_count = 250;
  c.type = "add column /* subjob */";
  c.schema_state = "public";
  c.row_count = 0;
  JobRowSpec other;  // another job in the same listing
  other.id = 99;
  other.row_count = 77777;
  auto rows = ParseDdlJobRows(Jobs({other, parent, a, b, c}));
  ASSERT_TRUE(rows.ok());
  EXPECT_TRUE((*rows)[2].subjob);
  EXPECT_EQ((*rows)[2].job_type, "add index");
  auto st = SummarizeJob(*rows, 100);
  ASSERT_TRUE(st.has_value());
  EXPECT_EQ(st->job_type, "alter table multi-schema change");
  EXPECT_EQ(st->sub_jobs, 3);
  EXPECT_EQ(st->row_count, 1250u);
  EXPECT_EQ(st->reorg_jobs, 2);  // two ADD INDEX backfill; ADD COLUMN does not
  ASSERT_EQ(st->sub_job_states.size(), 3u);
  EXPECT_EQ(st->sub_job_states[1], "add index: write reorganization");
  EXPECT_FALSE(SummarizeJob(*rows, 12345).has_value());
}

TEST(DdlJobSummary, OlderJobTypeWithReorgMarkerCountsAsReorg) {
  EXPECT_TRUE(IsReorgJobType("add index /* ingest */"));
  EXPECT_TRUE(IsReorgJobType("modify column"));
  EXPECT_FALSE(IsReorgJobType("add column"));
  EXPECT_FALSE(IsReorgJobType("rename index"));
}

TEST(DdlJobComments, PlainAndEmpty) {
  DdlJobComments c = ParseComments("txn-merge");
  EXPECT_EQ(c.reorg_type, "txn-merge");
  EXPECT_EQ(c.thread, 0);
  c = ParseComments("");
  EXPECT_TRUE(c.reorg_type.empty());
  c = ParseComments("txn, cloud");
  EXPECT_TRUE(c.cloud);
  EXPECT_FALSE(c.dxf);
}

TEST(DdlJobQueries, ParseAndMatchNewestFirst) {
  auto q = ParseJobQueries(testing::Queries({
      {101, "ALTER TABLE `shop`.`orders` ADD INDEX `i` (`a`)"},
      {99, "CREATE TABLE x (a int)"},
      {120, "ALTER  TABLE `shop`.`orders`\n  ADD INDEX `i` (`a`);"},
  }));
  ASSERT_TRUE(q.ok());
  auto ids = MatchJobQueries(*q, "ALTER TABLE `shop`.`orders` ADD INDEX `i` (`a`)");
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_EQ(ids[0], 120);
  EXPECT_EQ(ids[1], 101);
  EXPECT_TRUE(MatchJobQueries(*q, "ALTER TABLE `shop`.`orders` ADD INDEX `j` (`a`)").empty());
}

TEST(DdlJobQueries, MissingQueryColumnIsAnError) {
  ResultSet rs;
  rs.columns = {"QUERY"};  // the `ADMIN SHOW DDL JOB QUERIES id` form has no JOB_ID
  EXPECT_FALSE(ParseJobQueries(rs).ok());
}

TEST(DdlJobQueries, NormalizeStatement) {
  EXPECT_EQ(NormalizeStatement("  ALTER\tTABLE  t\n ADD c INT ;; "), "ALTER TABLE t ADD c INT");
}

}  // namespace
}  // namespace sluice::tidb
