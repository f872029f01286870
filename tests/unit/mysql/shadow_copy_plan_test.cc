#include "mysql/shadow_copy_plan.h"

#include <gtest/gtest.h>

#include "mysql/cut_over.h"
#include "mysql/shadow_copy.h"
#include "mysql/table_checksum.h"
#include "mysql/triggers.h"

namespace sluice::mysql {
namespace {

ColumnInfo Col(std::string name, std::string type, bool nullable = false, bool generated = false) {
  ColumnInfo c;
  c.name = std::move(name);
  c.column_type = type;
  c.data_type = type.substr(0, type.find('('));
  c.nullable = nullable;
  c.generated = generated;
  return c;
}

IndexInfo Pk(std::vector<std::string> cols) {
  IndexInfo i;
  i.name = "PRIMARY";
  i.columns = std::move(cols);
  i.unique = i.primary = true;
  return i;
}

struct Fixture {
  TableInfo old_t, new_t;
  ShadowNames names;
  Fixture() {
    old_t.ref = {"db", "orders"};
    old_t.columns = {Col("id", "bigint(20)"), Col("name", "varchar(20)", true),
                     Col("qty", "int(11)", true), Col("total", "int(11)", true, true)};
    old_t.indexes = {Pk({"id"})};
    new_t = old_t;
    new_t.ref = {"db", "orders_sluice_new"};
    new_t.columns[2] = Col("qty", "int(11)", false);       // NULL -> NOT NULL
    new_t.columns[1] = Col("title", "varchar(40)", true);  // CHANGE name title
    new_t.columns.push_back(Col("note", "text", true));    // ADD COLUMN
    names = *MakeShadowNames({"db", "orders"});
  }
  CopyPlan Plan() {
    auto p = MakeCopyPlan(names, old_t, new_t, {{"name", "title"}}, {{"qty", "0"}});
    EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
    return *p;
  }
};

TEST(ShadowCopyPlanTest, Names) {
  EXPECT_EQ(sql::QuoteTable(Fixture().names.shadow), "`db`.`orders_sluice_new`");
  EXPECT_EQ(Fixture().names.update_trigger, "_orders_upd");
  EXPECT_FALSE(MakeShadowNames({"db", std::string(60, 'x')}).ok());
  EXPECT_TRUE(MakeShadowNames({"db", std::string(53, 'x')}).ok());
}

TEST(ShadowCopyPlanTest, ShadowAndOldSortAfterTheTable) {
  // The cut-over's RENAME locks names in byte order; it must wait for the
  // table itself first (docs/ONLINE_ALTER.md), whatever the name starts with.
  for (const std::string name :
       {"orders", "Orders", "_orders", "9x", "z", "~t", "\xc3\xa9t\xc3\xa9"}) {
    auto n = MakeShadowNames({"db", name});
    ASSERT_TRUE(n.ok()) << name;
    EXPECT_LT(name, n->shadow.name);
    EXPECT_LT(name, n->old.name);
  }
}

TEST(ShadowCopyPlanTest, MapsRenamedColumnsSkipsGeneratedAndNewOnes) {
  CopyPlan p = Fixture().Plan();
  ASSERT_EQ(p.columns.size(), 3u);
  EXPECT_EQ(p.columns[1].source, "name");
  EXPECT_EQ(p.columns[1].target, "title");
  EXPECT_FALSE(p.columns[1].same_type);
  EXPECT_EQ(p.columns[1].cast_as, "CHAR CHARACTER SET utf8mb4");
  EXPECT_EQ(p.columns[2].fill, "0");
  EXPECT_EQ(p.new_key, std::vector<std::string>{"id"});
}

TEST(ShadowCopyPlanTest, CopyChunkSqlGolden) {
  CopyPlan p = Fixture().Plan();
  EXPECT_EQ(CopyChunkSql(p, {KeyTuple{Cell("10")}, KeyTuple{Cell("20")}}),
            "INSERT IGNORE INTO `db`.`orders_sluice_new` (`id`, `title`, `qty`) SELECT `id`, `name`, "
            "COALESCE(`qty`, 0) FROM `db`.`orders` FORCE INDEX (`PRIMARY`) WHERE `id` > 10 AND "
            "`id` <= 20 LOCK IN SHARE MODE");
  EXPECT_EQ(DeleteShadowChunkSql(p, {std::nullopt, KeyTuple{Cell("20")}}),
            "DELETE FROM `db`.`orders_sluice_new` WHERE `id` <= 20");
  EXPECT_EQ(LockSourceChunkSql(p, {KeyTuple{Cell("10")}, KeyTuple{Cell("20")}},
                               "LOCK IN SHARE MODE NOWAIT"),
            "SELECT 1 FROM `db`.`orders` FORCE INDEX (`PRIMARY`) WHERE `id` > 10 AND `id` <= 20 "
            "ORDER BY `id` LOCK IN SHARE MODE NOWAIT");
}

TEST(ShadowCopyPlanTest, CompoundVarcharKeyRange) {
  Fixture f;
  for (TableInfo* t : {&f.old_t, &f.new_t}) {
    t->columns.insert(t->columns.begin(), Col("tenant", "int(11)"));
    t->columns.push_back(Col("code", "varchar(10)"));
    t->indexes = {Pk({"tenant", "code"})};
  }
  auto p = MakeCopyPlan(f.names, f.old_t, f.new_t, {{"name", "title"}}, {});
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->new_key, (std::vector<std::string>{"tenant", "code"}));
  EXPECT_EQ(
      DeleteShadowChunkSql(*p, {KeyTuple{Cell("1"), Cell("a'b")}, KeyTuple{Cell("2"), Cell("z")}}),
      "DELETE FROM `db`.`orders_sluice_new` WHERE ((`tenant` > 1) OR (`tenant` = 1 AND `code` > "
      "'a''b')) AND ((`tenant` < 2) OR (`tenant` = 2 AND `code` <= 'z'))");
}

TEST(ShadowCopyPlanTest, RefusesWhenTheKeyDoesNotSurvive) {
  Fixture f;
  f.new_t.columns.erase(f.new_t.columns.begin());
  f.new_t.indexes.clear();
  EXPECT_FALSE(MakeCopyPlan(f.names, f.old_t, f.new_t, {}, {}).ok());
  Fixture g;
  g.old_t.indexes.clear();
  auto r = MakeCopyPlan(g.names, g.old_t, g.new_t, {}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("no primary key"), std::string::npos);
}

TEST(TriggersTest, CreateTriggerSqlGolden) {
  CopyPlan p = Fixture().Plan();
  auto sql = CreateTriggerSql(p);
  ASSERT_EQ(sql.size(), 3u);
  EXPECT_EQ(sql[0],
            "CREATE TRIGGER `db`.`_orders_ins` AFTER INSERT ON `db`.`orders` FOR EACH ROW "
            "REPLACE INTO `db`.`orders_sluice_new` (`id`, `title`, `qty`) VALUES (NEW.`id`, "
            "NEW.`name`, COALESCE(NEW.`qty`, 0))");
  EXPECT_EQ(sql[1],
            "CREATE TRIGGER `db`.`_orders_upd` AFTER UPDATE ON `db`.`orders` FOR EACH ROW BEGIN "
            "IF NOT (OLD.`id` <=> NEW.`id`) THEN DELETE FROM `db`.`orders_sluice_new` WHERE `id` <=> "
            "OLD.`id`; END IF; REPLACE INTO `db`.`orders_sluice_new` (`id`, `title`, `qty`) VALUES "
            "(NEW.`id`, NEW.`name`, COALESCE(NEW.`qty`, 0)); END");
  EXPECT_EQ(sql[2],
            "CREATE TRIGGER `db`.`_orders_del` AFTER DELETE ON `db`.`orders` FOR EACH ROW "
            "DELETE FROM `db`.`orders_sluice_new` WHERE `id` <=> OLD.`id`");
}

TEST(CutOverTest, SqlGolden) {
  Fixture f;
  EXPECT_EQ(CutOverSql(f.names),
            "RENAME TABLE `db`.`orders` TO `db`.`orders_sluice_old`, `db`.`orders_sluice_new` TO "
            "`db`.`orders`");
  auto clean = CleanUpSql(f.names);
  ASSERT_EQ(clean.size(), 4u);
  EXPECT_EQ(clean[0], "DROP TRIGGER IF EXISTS `db`.`_orders_ins`");
  EXPECT_EQ(clean[3], "DROP TABLE IF EXISTS `db`.`orders_sluice_new`");
}

TEST(TableChecksumTest, SqlGoldenCastsChangedColumnsOnBothSides) {
  CopyPlan p = Fixture().Plan();
  EXPECT_EQ(ChecksumSql(p, {KeyTuple{Cell("1")}, std::nullopt}, false),
            "SELECT COUNT(*), COALESCE(BIT_XOR(CRC32(CONCAT_WS('#', `id`, CAST(`name` AS CHAR "
            "CHARACTER SET utf8mb4), COALESCE(`qty`, 0), CONCAT(ISNULL(`id`), "
            "ISNULL(CAST(`name` AS CHAR CHARACTER SET utf8mb4)), ISNULL(COALESCE(`qty`, 0)))))), "
            "0) FROM `db`.`orders` WHERE `id` > 1");
  EXPECT_EQ(ChecksumSql(p, {}, true),
            "SELECT COUNT(*), COALESCE(BIT_XOR(CRC32(CONCAT_WS('#', `id`, CAST(`title` AS CHAR "
            "CHARACTER SET utf8mb4), `qty`, CONCAT(ISNULL(`id`), ISNULL(CAST(`title` AS CHAR "
            "CHARACTER SET utf8mb4)), ISNULL(`qty`))))), 0) FROM `db`.`orders_sluice_new` WHERE 1=1");
}

TEST(ShadowCopyTest, SecondaryIndexesAndShape) {
  std::string create =
      "CREATE TABLE `orders` (\n  `id` bigint(20) NOT NULL AUTO_INCREMENT,\n  `a` int(11) "
      "DEFAULT NULL,\n  `t` text,\n  PRIMARY KEY (`id`),\n  UNIQUE KEY `u` (`a`),\n  KEY `k` "
      "(`a`,`id`),\n  FULLTEXT KEY `f` (`t`)\n) ENGINE=InnoDB AUTO_INCREMENT=42 DEFAULT "
      "CHARSET=utf8mb4";
  auto idx = SecondaryIndexes(create);
  ASSERT_EQ(idx.size(), 3u);
  EXPECT_EQ(idx[0].name, "u");
  EXPECT_TRUE(idx[0].unique);
  EXPECT_EQ(idx[1].definition, "KEY `k` (`a`,`id`)");
  EXPECT_FALSE(idx[2].deferrable);
  std::string other = create;
  other.replace(other.find("`orders`"), 8, "`orders_sluice_new`");
  other.replace(other.find("42"), 2, "7");
  other.replace(other.find(",\n  KEY `k` (`a`,`id`)"), 21, "");
  EXPECT_EQ(ShapeWithoutIndexes(create), ShapeWithoutIndexes(other));
  EXPECT_NE(ShapeWithoutIndexes(create).find("PRIMARY KEY"), std::string::npos);
}

}  // namespace
}  // namespace sluice::mysql
