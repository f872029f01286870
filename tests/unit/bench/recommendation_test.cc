#include "bench/recommendation.h"

#include <gtest/gtest.h>

namespace sluice::bench {
namespace {

ConfigResult Config(int batch, int workers, double rows_per_s, double fg_p99_ms) {
  ConfigResult c;
  c.scenario = "backfill";
  c.batch_size = batch;
  c.workers = workers;
  c.rows_per_s = rows_per_s;
  c.fg_p99_s = fg_p99_ms / 1e3;
  c.fg_queries = 100;
  c.step_line = "-- sluice:step batch-size=" + std::to_string(batch) +
                " workers=" + std::to_string(workers);
  return c;
}

TEST(Recommendation, FastestWithinBudget) {
  BenchResults r;
  r.configs = {Config(1000, 1, 10000, 5), Config(5000, 2, 50000, 20),
               Config(20000, 4, 90000, 60)};
  auto recs = Recommend(r, 0.025);
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_TRUE(recs[0].within_budget);
  EXPECT_EQ(recs[0].config.batch_size, 5000);
  EXPECT_EQ(recs[0].config.workers, 2);
  std::string text = FormatRecommendations(recs, 0.025);
  EXPECT_NE(text.find("-- sluice:step batch-size=5000 workers=2"), std::string::npos);
}

TEST(Recommendation, NothingWithinBudgetPicksTheGentlest) {
  BenchResults r;
  r.configs = {Config(1000, 1, 10000, 40), Config(5000, 2, 50000, 30)};
  auto recs = Recommend(r, 0.010);
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_FALSE(recs[0].within_budget);
  EXPECT_EQ(recs[0].config.batch_size, 5000);
  EXPECT_NE(FormatRecommendations(recs, 0.010).find("no configuration"), std::string::npos);
}

TEST(Recommendation, OnePerScenario) {
  BenchResults r;
  r.configs = {Config(1000, 1, 10000, 5), Config(5000, 1, 20000, 5)};
  ConfigResult copy = Config(500, 8, 30000, 1);
  copy.scenario = "copy";
  r.configs.push_back(copy);
  auto recs = Recommend(r, 0.025);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].scenario, "backfill");
  EXPECT_EQ(recs[0].config.batch_size, 5000);
  EXPECT_EQ(recs[1].scenario, "copy");
}

TEST(Recommendation, WithoutForegroundLoadItIsJustTheFastest) {
  BenchResults r;
  r.configs = {Config(1000, 1, 10000, 0), Config(5000, 2, 50000, 0)};
  for (auto& c : r.configs) c.fg_queries = 0;
  auto recs = Recommend(r, 0.025);
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].config.batch_size, 5000);
  EXPECT_NE(FormatRecommendations(recs, 0.025).find("no foreground load"), std::string::npos);
}

TEST(Recommendation, ParseDuration) {
  EXPECT_DOUBLE_EQ(*ParseDurationSeconds("25ms"), 0.025);
  EXPECT_DOUBLE_EQ(*ParseDurationSeconds("25"), 0.025);
  EXPECT_DOUBLE_EQ(*ParseDurationSeconds("1.5s"), 1.5);
  EXPECT_DOUBLE_EQ(*ParseDurationSeconds("800us"), 0.0008);
  EXPECT_FALSE(ParseDurationSeconds("fast").ok());
  EXPECT_FALSE(ParseDurationSeconds("25 min").ok());
  EXPECT_FALSE(ParseDurationSeconds("-3ms").ok());
}

}  // namespace
}  // namespace sluice::bench
