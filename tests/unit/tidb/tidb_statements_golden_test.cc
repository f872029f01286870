// Golden tests: every SQL statement the TiDB dialect sends or prints.
#include <gtest/gtest.h>

#include "engine/exec/data_step.h"
#include "engine/sql/classifier.h"
#include "tidb/ddl_statements.h"
#include "tidb/native_ddl.h"
#include "tidb/non_transactional_dml.h"
#include "tidb/region_split.h"
#include "tidb/tidb_dialect.h"

namespace sluice::tidb {
namespace {

const TableRef kOrders{"shop", "orders"};

TEST(TidbGolden, ReorgSessionVariables) {
  EXPECT_EQ(SetReorgWorkerCnt(8), "SET SESSION tidb_ddl_reorg_worker_cnt = 8");
  EXPECT_EQ(SetReorgWorkerCnt(0), "SET SESSION tidb_ddl_reorg_worker_cnt = 1");
  EXPECT_EQ(SetReorgWorkerCnt(999), "SET SESSION tidb_ddl_reorg_worker_cnt = 256");
  EXPECT_EQ(SetReorgBatchSize(1024), "SET SESSION tidb_ddl_reorg_batch_size = 1024");
  EXPECT_EQ(SetReorgBatchSize(5), "SET SESSION tidb_ddl_reorg_batch_size = 32");
  EXPECT_EQ(SetReorgBatchSize(100000), "SET SESSION tidb_ddl_reorg_batch_size = 10240");
}

TEST(TidbGolden, DdlJobAdminStatements) {
  EXPECT_EQ(ServerNowSql(), "SELECT NOW()");
  EXPECT_EQ(ShowDdlJobQueriesSql(32), "ADMIN SHOW DDL JOB QUERIES LIMIT 32");
  EXPECT_EQ(ShowDdlJobSql(64, 4201), "ADMIN SHOW DDL JOBS 64 WHERE job_id = 4201");
  EXPECT_EQ(PauseDdlJobSql(4201), "ADMIN PAUSE DDL JOBS 4201");
  EXPECT_EQ(ResumeDdlJobSql(4201), "ADMIN RESUME DDL JOBS 4201");
  EXPECT_EQ(CancelDdlJobSql(4201), "ADMIN CANCEL DDL JOBS 4201");
  EXPECT_EQ(AlterDdlJobSql(4201, 8, 1024),
            "ADMIN ALTER DDL JOBS 4201 THREAD = 8, BATCH_SIZE = 1024");
  EXPECT_EQ(AlterDdlJobSql(4201, 16, std::nullopt), "ADMIN ALTER DDL JOBS 4201 THREAD = 16");
  EXPECT_EQ(AlterDdlJobSql(4201, std::nullopt, 20000),
            "ADMIN ALTER DDL JOBS 4201 BATCH_SIZE = 10240");
}

TEST(TidbGolden, AlterTableAndPkType) {
  EXPECT_EQ(AlterTableSql(kOrders, "ADD INDEX `idx_total` (`total_cents`)"),
            "ALTER TABLE `shop`.`orders` ADD INDEX `idx_total` (`total_cents`)");
  EXPECT_EQ(AlterTableSql({"", "we`ird"}, "ADD COLUMN c INT"),
            "ALTER TABLE `we``ird` ADD COLUMN c INT");
  EXPECT_EQ(PkTypeSql(kOrders),
            "SELECT TIDB_PK_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'shop' AND "
            "TABLE_NAME = 'orders'");
  EXPECT_EQ(PkTypeSql({"", "o'rders"}),
            "SELECT TIDB_PK_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() "
            "AND TABLE_NAME = 'o''rders'");
}

TEST(TidbGolden, RegionStatements) {
  ChunkKey rowid{{"_tidb_rowid"}, true};
  ChunkKey composite{{"tenant_id", "id"}, false};
  EXPECT_EQ(TableSampleRegionsSql(kOrders, rowid),
            "SELECT `_tidb_rowid` FROM `shop`.`orders` TABLESAMPLE REGIONS() ORDER BY "
            "`_tidb_rowid`");
  EXPECT_EQ(TableSampleRegionsSql(kOrders, composite),
            "SELECT `tenant_id`, `id` FROM `shop`.`orders` TABLESAMPLE REGIONS() ORDER BY "
            "`tenant_id`, `id`");
  EXPECT_EQ(ShowTableRegionsSql(kOrders), "SHOW TABLE `shop`.`orders` REGIONS");
  EXPECT_EQ(NthKeySql(kOrders, composite, {false, true}, {std::string("acme"), std::string("10")},
                      KeyTuple{std::string("zeta"), std::string("5")}, 200000),
            "SELECT `tenant_id`, `id` FROM `shop`.`orders` WHERE (`tenant_id`, `id`) >= "
            "('acme', 10) AND (`tenant_id`, `id`) < ('zeta', 5) ORDER BY `tenant_id`, `id` "
            "LIMIT 1 OFFSET 200000");
  EXPECT_EQ(NthKeySql(kOrders, ChunkKey{{"code"}, false}, {false}, {std::string("k'1")},
                      std::nullopt, 5),
            "SELECT `code` FROM `shop`.`orders` WHERE `code` >= 'k''1' ORDER BY `code` LIMIT 1 "
            "OFFSET 5");
}

TEST(TidbGolden, KeyLiteralsNeverEmitUnquotedText) {
  EXPECT_EQ(KeyLiteral(std::string("-42"), true), "-42");
  EXPECT_EQ(KeyLiteral(std::string("18446744073709551615"), true), "18446744073709551615");
  EXPECT_EQ(KeyLiteral(std::string("1; DROP TABLE t"), true), "'1; DROP TABLE t'");
  EXPECT_EQ(KeyLiteral(std::string("abc"), false), "'abc'");
  EXPECT_EQ(KeyLiteral(std::nullopt, false), "NULL");
}

TEST(TidbGolden, BatchSessionSetup) {
  TidbDialect d(ServerInfo::FromVersionString("8.0.11-TiDB-v8.5.1"));
  EXPECT_EQ(d.BatchSessionSetup(),
            (std::vector<std::string>{"SET SESSION tidb_txn_mode = 'pessimistic'",
                                      "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
                                      "SET SESSION innodb_lock_wait_timeout = 10"}));
}

Result<std::string> Batch(const std::string& stmt, const std::string& shard, int limit,
                          bool dry, Version v = {8, 5, 1}) {
  auto c = sql::Classify(stmt);
  if (!c.ok()) return c.error();
  return RenderBatchDml(stmt, *c, shard, limit, dry, TidbFeatures::For(v));
}

TEST(TidbGolden, NonTransactionalDml) {
  EXPECT_EQ(Batch("UPDATE orders SET total_cents = price_cents * quantity WHERE total_cents IS NULL",
                  "id", 5000, false)
                .value(),
            "BATCH ON `id` LIMIT 5000 UPDATE orders SET total_cents = price_cents * quantity "
            "WHERE total_cents IS NULL");
  EXPECT_EQ(Batch("DELETE FROM events WHERE created_at < '2024-01-01'", "", 1000, true).value(),
            "BATCH LIMIT 1000 DRY RUN DELETE FROM events WHERE created_at < '2024-01-01'");
  EXPECT_EQ(Batch("INSERT INTO archive SELECT * FROM events WHERE id < 100", "_tidb_rowid", 200,
                  false)
                .value(),
            "BATCH ON `_tidb_rowid` LIMIT 200 INSERT INTO archive SELECT * FROM events WHERE "
            "id < 100");
}

TEST(TidbGolden, NativeDdlOfflinePlan) {
  SchemaChangeRequest req;
  req.table = kOrders;
  req.alter_spec = "ADD INDEX `idx_total` (`total_cents`)";
  req.options.workers = 8;
  req.options.batch_size = 2048;
  NativeDdlChange change(nullptr, TidbFeatures::For(Version{8, 5, 1}), req, 0);
  EXPECT_EQ(change.OfflineSql(),
            (std::vector<std::string>{
                "SET SESSION tidb_ddl_reorg_worker_cnt = 8",
                "SET SESSION tidb_ddl_reorg_batch_size = 2048",
                "ALTER TABLE `shop`.`orders` ADD INDEX `idx_total` (`total_cents`)",
                "-- then watched from a second session: ADMIN SHOW DDL JOB QUERIES LIMIT 32; "
                "ADMIN SHOW DDL JOBS 64 WHERE job_id = <job id>"}));
  // Before v8.3 the reorg variables are GLOBAL-only: not set at all.
  NativeDdlChange old(nullptr, TidbFeatures::For(Version{8, 1, 0}), req, 0);
  EXPECT_EQ(old.SessionSql(), std::vector<std::string>{});
  // batch-size 0: TiDB's default, not set.
  req.options.batch_size = 0;
  NativeDdlChange dflt(nullptr, TidbFeatures::For(Version{8, 5, 1}), req, 0);
  EXPECT_EQ(dflt.SessionSql(),
            std::vector<std::string>{"SET SESSION tidb_ddl_reorg_worker_cnt = 8"});
}

TEST(TidbGolden, BatchDmlOfflinePlanShowsDryRun) {
  DataStepRequest req;
  req.statement = "DELETE FROM events WHERE created_at < '2024-01-01'";
  req.options.strategy = "tidb-batch";
  req.options.batch_size = 1000;
  TidbDialect d(ServerInfo{});
  auto step = d.PlanNativeDataStep(nullptr, req);
  ASSERT_TRUE(step.ok()) << step.error().ToString();
  ASSERT_NE(*step, nullptr);
  EXPECT_EQ((*step)->Strategy(), "tidb-batch");
  EXPECT_EQ((*step)->OfflineSql(),
            (std::vector<std::string>{
                "-- preview of the batches (run it to see the first and last): BATCH LIMIT 1000 "
                "DRY RUN DELETE FROM events WHERE created_at < '2024-01-01'",
                "BATCH LIMIT 1000 DELETE FROM events WHERE created_at < '2024-01-01'"}));
}

}  // namespace
}  // namespace sluice::tidb
