// Strategy choice (instant / inplace / copy, asked of the server) and the
// refusals: each refusal leaves the table and schema exactly as they were.
#include "tests/integration/online_alter_fixture.h"

namespace sluice::testing {
namespace {

using StrategyTest = OnlineAlterTest;

TEST_F(StrategyTest, AddColumnRunsInstant) {
  MakeOrders(100);
  auto o = Alter("orders", "ADD COLUMN flag TINYINT NOT NULL DEFAULT 1");
  ASSERT_TRUE(o.ok) << o.error;
  EXPECT_EQ(o.strategy, "instant");
  EXPECT_EQ(Scalar("SELECT SUM(flag) FROM orders"), "100");
  EXPECT_FALSE(TableExists("_orders_probe"));
}

TEST_F(StrategyTest, AddIndexRunsInplace) {
  MakeOrders(100);
  auto o = Alter("orders", "ADD INDEX by_both (customer, amount)");
  ASSERT_TRUE(o.ok) << o.error;
  EXPECT_EQ(o.strategy, "inplace");
  EXPECT_NE(ShowCreate("orders").find("KEY `by_both`"), std::string::npos);
}

TEST_F(StrategyTest, ColumnTypeChangeFallsBackToCopy) {
  MakeOrders(2000);
  std::string before = Checksum("orders", "id, customer, amount, note");
  auto o = Alter("orders", "MODIFY customer BIGINT NOT NULL");
  ASSERT_TRUE(o.ok) << o.error;
  EXPECT_EQ(o.strategy, "copy");
  EXPECT_EQ(Checksum("orders", "id, customer, amount, note"), before);
  std::string create = ShowCreate("orders");
  EXPECT_NE(create.find("`customer` bigint(20) NOT NULL"), std::string::npos);
  EXPECT_NE(create.find("KEY `amount`"), std::string::npos) << create;
  EXPECT_NE(create.find("KEY `note`"), std::string::npos) << create;
  EXPECT_FALSE(TableExists("orders_sluice_new"));
  EXPECT_FALSE(TableExists("orders_sluice_old"));
  EXPECT_EQ(Triggers(), "");
  // A second copy of the same table starts afresh (no stale checkpoint).
  auto again = Alter("orders", "MODIFY customer INT NOT NULL", "copy");
  ASSERT_TRUE(again.ok) << again.error;
  EXPECT_EQ(Checksum("orders", "id, customer, amount, note"), before);
}

TEST_F(StrategyTest, StrategyOverrides) {
  MakeOrders(300);
  auto copy = Alter("orders", "ADD COLUMN c1 INT NULL", "copy");
  ASSERT_TRUE(copy.ok) << copy.error;
  EXPECT_EQ(copy.strategy, "copy");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM orders"), "300");
  auto inplace = Alter("orders", "ADD COLUMN c2 INT NULL", "inplace");
  ASSERT_TRUE(inplace.ok) << inplace.error;
  EXPECT_EQ(inplace.strategy, "inplace");
  auto instant_refused = Alter("orders", "MODIFY c1 BIGINT NULL", "instant");
  EXPECT_FALSE(instant_refused.ok);
  EXPECT_NE(instant_refused.error.find("INSTANT"), std::string::npos) << instant_refused.error;
}

TEST_F(StrategyTest, OfflinePlanNeedsNoServer) {
  ConnectionFactory nowhere(Dsn{});
  auto plan =
      mysql::PlanOnlineAlter(dialect_, nowhere, Request("orders", "ADD COLUMN x INT"), true);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  auto sql = (*plan)->OfflineSql();
  ASSERT_GE(sql.size(), 4u);
  EXPECT_NE(sql[1].find("ALGORITHM=INSTANT"), std::string::npos);
}

class RefusalTest : public OnlineAlterTest {
 protected:
  // The alter fails with `needle` in its message and nothing changed.
  void ExpectRefused(const std::string& table, const std::string& spec, const std::string& needle,
                     const std::string& strategy = "copy") {
    std::string before = ShowCreate(table);
    auto o = Alter(table, spec, strategy);
    EXPECT_FALSE(o.ok);
    EXPECT_NE(o.error.find(needle), std::string::npos) << o.error;
    EXPECT_EQ(ShowCreate(table), before);
    EXPECT_FALSE(TableExists("_" + table + "_new"));
    EXPECT_EQ(Triggers(), "");
  }
};

TEST_F(RefusalTest, NoKeyToChunkOn) {
  Exec("CREATE TABLE heap (a INT NULL, b INT NULL, UNIQUE KEY (a))");
  ExpectRefused("heap", "MODIFY b BIGINT", "no primary key");
}

// A parent by default; its child copies (online_alter_fk_test.cc).
TEST_F(RefusalTest, ForeignKeysToTheTable) {
  MakeOrders(10);
  Exec(
      "CREATE TABLE order_lines (id INT PRIMARY KEY, order_id INT NOT NULL, FOREIGN KEY (order_id) "
      "REFERENCES orders (id))");
  ExpectRefused("orders", "MODIFY note VARCHAR(80)", "by foreign keys: order_lines_ibfk_1");
  auto child = Alter("order_lines", "MODIFY order_id INT NOT NULL COMMENT 'x', FORCE", "copy");
  EXPECT_TRUE(child.ok) << child.error;
}

TEST_F(RefusalTest, RenameAndDropPrimaryKey) {
  MakeOrders(10);
  ExpectRefused("orders", "ADD COLUMN z INT, RENAME TO orders2", "renames", "auto");
  // The server's own refusal (the AUTO_INCREMENT column needs a key); a
  // PK dropped with no key left is KeyTest.NoKeySharedByBothTablesIsRefused...
  ExpectRefused("orders", "DROP PRIMARY KEY", "not valid", "auto");
}

TEST_F(RefusalTest, LeftoverTablesOfferTheCleanup) {
  MakeOrders(10);
  Exec("CREATE TABLE orders_sluice_old (id INT PRIMARY KEY)");
  std::string before = ShowCreate("orders");
  auto o = Alter("orders", "MODIFY note VARCHAR(80)", "copy");
  EXPECT_FALSE(o.ok);
  EXPECT_NE(o.error.find("DROP TABLE `" + db_name() + "`.`orders_sluice_old`"), std::string::npos)
      << o.error;
  Exec("DROP TABLE orders_sluice_old");
  Exec("CREATE TABLE orders_sluice_new (id INT PRIMARY KEY)");
  o = Alter("orders", "MODIFY note VARCHAR(80)", "copy");
  EXPECT_FALSE(o.ok);
  EXPECT_NE(o.error.find("DROP TABLE IF EXISTS `" + db_name() + "`.`orders_sluice_new`"),
            std::string::npos)
      << o.error;
  EXPECT_EQ(ShowCreate("orders"), before);
  EXPECT_EQ(ShowCreate("orders_sluice_new").find("customer"), std::string::npos);
}

TEST_F(RefusalTest, InvalidSpecIsAnInputErrorAndChangesNothing) {
  MakeOrders(10);
  ExpectRefused("orders", "MODIFY nosuchcolumn INT", "not valid", "auto");
}

}  // namespace
}  // namespace sluice::testing
