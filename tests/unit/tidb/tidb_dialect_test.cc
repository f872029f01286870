#include "tidb/tidb_dialect.h"

#include <gtest/gtest.h>

#include "engine/exec/data_step.h"
#include "tests/unit/tidb/scripted_session.h"

namespace sluice::tidb {
namespace {

TableInfo Table(bool clustered) {
  TableInfo t;
  t.ref = {"shop", "orders"};
  t.clustered_pk = clustered;
  t.columns = {{"id", "bigint", "bigint(20)", false, false},
               {"code", "varchar", "varchar(8)", false, false},
               {"note", "varchar", "varchar(8)", true, false}};
  t.indexes = {{"PRIMARY", {"id"}, true, true, ""},
               {"uk_code", {"code"}, true, false, ""},
               {"uk_note", {"note"}, true, false, ""},
               {"idx_code", {"code"}, false, false, ""}};
  return t;
}

TEST(TidbDialect, FactoryAndVersionGates) {
  auto d = MakeTidbDialect(ServerInfo::FromVersionString("8.0.11-TiDB-v8.5.1"));
  EXPECT_EQ(d->Name(), "tidb");
  auto* tidb = dynamic_cast<TidbDialect*>(d.get());
  ASSERT_NE(tidb, nullptr);
  EXPECT_TRUE(tidb->features().alter_ddl_jobs);
  EXPECT_FALSE(tidb->features().alter_applies_to_dxf);
  EXPECT_TRUE(tidb->features().session_reorg_vars);

  TidbDialect v72(ServerInfo::FromVersionString("8.0.11-TiDB-v7.2.0"));
  EXPECT_TRUE(v72.features().pause_resume);
  EXPECT_FALSE(v72.features().session_reorg_vars);
  EXPECT_FALSE(v72.features().alter_ddl_jobs);
  TidbDialect v71(ServerInfo::FromVersionString("5.7.25-TiDB-v7.1.5"));
  EXPECT_FALSE(v71.features().pause_resume);
  EXPECT_TRUE(v71.features().get_lock);
  EXPECT_FALSE(v71.features().is_used_lock);
  // Offline (no server): the newest gates.
  TidbDialect offline{ServerInfo{}};
  EXPECT_TRUE(offline.features().alter_applies_to_dxf);
}

TEST(TidbDialect, ChunkKeyIsRowidForNonClusteredTables) {
  TidbDialect d{ServerInfo{}};
  auto k = d.ChooseChunkKey(Table(false), "");
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k->columns, std::vector<std::string>{"_tidb_rowid"});
  EXPECT_TRUE(k->hidden_rowid);
  k = d.ChooseChunkKey(Table(true), "");
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k->columns, std::vector<std::string>{"id"});
  EXPECT_FALSE(k->hidden_rowid);
}

TEST(TidbDialect, ChunkKeyRequestedByName) {
  TidbDialect d{ServerInfo{}};
  auto k = d.ChooseChunkKey(Table(false), "uk_code");
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k->columns, std::vector<std::string>{"code"});
  EXPECT_FALSE(k->hidden_rowid);
  EXPECT_FALSE(d.ChooseChunkKey(Table(true), "_tidb_rowid").ok());  // error 1054 on TiDB
  EXPECT_TRUE(d.ChooseChunkKey(Table(false), "_tidb_rowid").ok());
  EXPECT_FALSE(d.ChooseChunkKey(Table(true), "idx_code").ok());  // not unique
  EXPECT_FALSE(d.ChooseChunkKey(Table(true), "uk_note").ok());   // nullable
  auto missing = d.ChooseChunkKey(Table(true), "nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().exit, ExitCode::kUsage);
}

TEST(TidbDialect, ClassifiesTiDBErrors) {
  TidbDialect d{ServerInfo{}};
  for (int code : {8004, 8025}) EXPECT_EQ(d.Classify(code), ErrorClass::kShrinkBatch) << code;
  for (int code : {8022, 8028, 8027, 9007, 9001, 9002, 9003, 9005, 1213, 1205, 2013}) {
    EXPECT_EQ(d.Classify(code), ErrorClass::kRetry) << code;
  }
  for (int code : {8143, 8214, 8001, 8229, 9006, 1062}) {
    EXPECT_EQ(d.Classify(code), ErrorClass::kFatal) << code;
  }
}

TEST(TidbDialect, SchemaChangeStrategyAndRefusalsBeforeAnythingRuns) {
  TidbDialect d{ServerInfo{}};
  testing::ScriptedFactory none;  // offline: no session is opened
  SchemaChangeRequest req;
  req.table = {"shop", "orders"};
  req.alter_spec = "ADD INDEX idx_total (total)";
  auto plan = d.PlanSchemaChange(none, req, true);
  ASSERT_TRUE(plan.ok()) << plan.error().ToString();
  EXPECT_EQ((*plan)->Strategy(), "native");

  req.options.strategy = "copy";
  auto copy = d.PlanSchemaChange(none, req, true);
  ASSERT_FALSE(copy.ok());
  EXPECT_EQ(copy.error().exit, ExitCode::kUsage);

  req.options.strategy = "native";
  req.alter_spec = "ADD FULLTEXT INDEX ft (body)";
  EXPECT_FALSE(d.PlanSchemaChange(none, req, true).ok());
}

TEST(TidbDialect, DataStepsAreChunkedUnlessTidbBatch) {
  TidbDialect d{ServerInfo{}};
  DataStepRequest req;
  req.statement = "UPDATE orders SET a = 1";
  auto none = d.PlanNativeDataStep(nullptr, req);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, nullptr);
  req.options.strategy = "tidb-batch";
  auto batch = d.PlanNativeDataStep(nullptr, req);
  ASSERT_TRUE(batch.ok());
  ASSERT_NE(*batch, nullptr);
}

TEST(TidbDialect, SplitPointsUseRegionSampling) {
  TidbDialect d{ServerInfo{}};
  testing::ScriptedSession s;
  ResultSet starts;
  starts.columns = {"id"};
  starts.rows = {{std::string("1")}, {std::string("500")}};
  s.On("SELECT `id` FROM `shop`.`orders` TABLESAMPLE REGIONS() ORDER BY `id`", starts);
  s.On("SHOW TABLE `shop`.`orders` REGIONS", ResultSet{{"START_KEY", "END_KEY",
                                                        "APPROXIMATE_KEYS"}, {}});
  auto pts = d.SplitPoints(s, Table(true), ChunkKey{{"id"}, false});
  ASSERT_TRUE(pts.ok()) << pts.error().ToString();
  ASSERT_EQ(pts->size(), 1u);
  EXPECT_EQ(*(*pts)[0][0], "500");
}

}  // namespace
}  // namespace sluice::tidb
