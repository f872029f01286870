#include "bench/sweep.h"

#include <gtest/gtest.h>

namespace sluice::bench {
namespace {

TEST(Sweep, Median) {
  EXPECT_EQ(Median({}), 0);
  EXPECT_EQ(Median({3, 1, 2}), 2);
  EXPECT_EQ(Median({4, 1, 3, 2}), 2.5);
}

TEST(Sweep, ConfigurationsCoverTheGrid) {
  BenchOptions o;
  o.batch_sizes = {500, 1000};
  o.workers = {1, 2, 4};
  o.defer_indexes = {false, true};
  EXPECT_EQ(Configurations(o, ScenarioKind::kBackfill).size(), 12u);
  // Schema scenarios ignore --defer-indexes.
  auto alter = Configurations(o, ScenarioKind::kAlter);
  ASSERT_EQ(alter.size(), 6u);
  for (const RunConfig& c : alter) EXPECT_FALSE(c.defer_indexes);
}

// --captures multiplies the alter scenario's configurations, each capture
// right after the other at the same size; the other scenarios have none.
TEST(Sweep, CapturesVaryOnlyTheAlter) {
  BenchOptions o;
  o.batch_sizes = {1000};
  o.workers = {1, 2};
  o.captures = {"triggers", "binlog"};
  auto alter = Configurations(o, ScenarioKind::kAlter);
  ASSERT_EQ(alter.size(), 4u);
  EXPECT_EQ(alter[0].capture, "triggers");
  EXPECT_EQ(alter[1].capture, "binlog");
  EXPECT_EQ(alter[1].workers, alter[0].workers);
  EXPECT_EQ(alter[2].workers, 2);
  auto backfill = Configurations(o, ScenarioKind::kBackfill);
  ASSERT_EQ(backfill.size(), 2u);
  EXPECT_EQ(backfill[0].capture, "");
  BenchOptions none;
  none.captures.clear();
  EXPECT_FALSE(ValidateOptions(none).ok());
}

TEST(Sweep, Validation) {
  BenchOptions ok;
  EXPECT_TRUE(ValidateOptions(ok).ok());
  BenchOptions no_workers;
  no_workers.workers = {0};
  EXPECT_FALSE(ValidateOptions(no_workers).ok());
  BenchOptions no_batches;
  no_batches.batch_sizes.clear();
  EXPECT_FALSE(ValidateOptions(no_batches).ok());
  BenchOptions no_repeat;
  no_repeat.repeat = 0;
  EXPECT_FALSE(ValidateOptions(no_repeat).ok());
}

TEST(Scenarios, ParseAndStepLines) {
  auto all = ParseScenarios("all");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 5u);
  auto two = ParseScenarios("copy,alter");
  ASSERT_TRUE(two.ok());
  EXPECT_EQ((*two)[0], ScenarioKind::kCopy);
  EXPECT_FALSE(ParseScenarios("backfill,vacuum").ok());
  EXPECT_EQ(StepLine(ScenarioKind::kBackfill, RunConfig{5000, 4, true, false}, "mysql"),
            "-- sluice:step batch-size=5000 workers=4 defer-indexes=all");
  EXPECT_EQ(StepLine(ScenarioKind::kAlter, RunConfig{10000, 2, false, false}, "mysql"),
            "-- sluice:step strategy=copy batch-size=10000 workers=2");
  RunConfig binlog{10000, 2, false, false};
  binlog.capture = "binlog";
  EXPECT_EQ(StepLine(ScenarioKind::kAlter, binlog, "mysql"),
            "-- sluice:step strategy=copy batch-size=10000 workers=2 capture=binlog");
  EXPECT_EQ(StepLine(ScenarioKind::kAddIndex, RunConfig{1000, 2, false, false}, "tidb"),
            "-- sluice:step strategy=native batch-size=1000 workers=2");
}

TEST(Scenarios, StatementsAreChunkableShapes) {
  ScenarioContext ctx;
  ctx.spec.table = {"", "t"};
  ctx.runs = 3;
  EXPECT_EQ(ScenarioStatement(ScenarioKind::kBackfill, ctx),
            "UPDATE `t` SET `total_cents` = `price_cents` * `quantity` + 3");
  EXPECT_EQ(ScenarioStatement(ScenarioKind::kCopy, ctx), "INSERT INTO `t_copy` SELECT * FROM `t`");
  EXPECT_EQ(ScenarioStatement(ScenarioKind::kAlter, ctx),
            "ALTER TABLE `t` ADD COLUMN `bench_note` VARCHAR(32) NULL");
  ctx.note_column = true;
  EXPECT_EQ(ScenarioStatement(ScenarioKind::kAlter, ctx), "ALTER TABLE `t` DROP COLUMN `bench_note`");
}

}  // namespace
}  // namespace sluice::bench
