// The statements DiffSchemas writes, on snapshots built by hand (the
// integration tests run them against the server).
#include "engine/schema/schema_diff.h"

#include <gtest/gtest.h>

#include "engine/schema/migration_script.h"

namespace sluice {
namespace {

ColumnSnapshot Col(const std::string& name, const std::string& type, bool nullable = true,
                   bool has_default = true) {
  ColumnSnapshot c;
  c.name = name;
  c.column_type = type;
  c.nullable = nullable;
  c.has_default = has_default;
  c.definition = "`" + name + "` " + type + (nullable ? " DEFAULT NULL" : " NOT NULL");
  return c;
}

TableSnapshot Table(const std::string& name, std::vector<ColumnSnapshot> cols) {
  TableSnapshot t;
  t.name = name;
  t.columns = std::move(cols);
  t.indexes["PRIMARY"] = "PRIMARY KEY (`id`)";
  t.options["engine"] = "ENGINE=InnoDB";
  t.create_statement = "CREATE TABLE `" + name + "` (...) AUTO_INCREMENT=7";
  return t;
}

SchemaSnapshot Schema(std::vector<TableSnapshot> tables) {
  SchemaSnapshot s;
  for (auto& t : tables) s.tables[t.name] = t;
  return s;
}

TEST(SchemaDiff, EqualSnapshotsHaveNoChanges) {
  auto a = Schema({Table("t", {Col("id", "int(11)", false)})});
  SchemaDiff d = DiffSchemas(a, a);
  EXPECT_TRUE(d.empty());
  EXPECT_TRUE(d.up.empty());
  EXPECT_TRUE(d.down.empty());
}

TEST(SchemaDiff, OneAlterPerTableWithPositionsAndItsInverse) {
  auto from = Schema({Table("t", {Col("id", "int(11)", false), Col("a", "int(11)"),
                                  Col("b", "varchar(40)")})});
  auto to = Schema({Table("t", {Col("id", "int(11)", false), Col("n", "int(11)", false, false),
                                Col("a", "int(11)"), Col("b", "varchar(20)"),
                                Col("z", "int(11)")})});
  to.tables["t"].indexes["i_b"] = "KEY `i_b` (`b`)";
  to.tables["t"].options["engine"] = "ENGINE=Aria";
  SchemaDiff d = DiffSchemas(from, to);
  ASSERT_EQ(d.up.size(), 1u);
  EXPECT_EQ(d.up[0].sql,
            "ALTER TABLE `t`\n"
            "  ADD COLUMN `n` int(11) NOT NULL AFTER `id`,\n"
            "  MODIFY COLUMN `b` varchar(20) DEFAULT NULL,\n"
            "  ADD COLUMN `z` int(11) DEFAULT NULL,\n"
            "  ADD KEY `i_b` (`b`),\n"
            "  ENGINE=Aria");
  ASSERT_EQ(d.up[0].warnings.size(), 2u);
  EXPECT_NE(d.up[0].warnings[0].find("`n` is NOT NULL without a DEFAULT"), std::string::npos);
  EXPECT_NE(d.up[0].warnings[1].find("from varchar(40) to varchar(20)"), std::string::npos);
  ASSERT_EQ(d.down.size(), 1u);
  EXPECT_EQ(d.down[0].sql,
            "ALTER TABLE `t`\n"
            "  DROP INDEX `i_b`,\n"
            "  DROP COLUMN `n`,\n"
            "  DROP COLUMN `z`,\n"
            "  MODIFY COLUMN `b` varchar(40) DEFAULT NULL,\n"
            "  ENGINE=InnoDB");
}

TEST(SchemaDiff, ColumnOrderIsRestoredWithFirstAndAfter) {
  auto from =
      Schema({Table("t", {Col("id", "int(11)"), Col("a", "int(11)"), Col("b", "int(11)")})});
  auto to = Schema({Table("t", {Col("b", "int(11)"), Col("id", "int(11)"), Col("a", "int(11)")})});
  SchemaDiff d = DiffSchemas(from, to);
  ASSERT_EQ(d.up.size(), 1u);
  EXPECT_EQ(d.up[0].sql, "ALTER TABLE `t`\n  MODIFY COLUMN `b` int(11) DEFAULT NULL FIRST");
  EXPECT_EQ(d.down[0].sql,
            "ALTER TABLE `t`\n  MODIFY COLUMN `id` int(11) DEFAULT NULL FIRST,\n"
            "  MODIFY COLUMN `a` int(11) DEFAULT NULL AFTER `id`");
}

TEST(SchemaDiff, DropsAreLeftOutUnlessAllowedAndRenamesOnlyNoted) {
  auto from = Schema({Table("t", {Col("id", "int(11)"), Col("old", "varchar(10)")}),
                      Table("gone", {Col("id", "int(11)")})});
  auto to = Schema({Table("t", {Col("id", "int(11)"), Col("new", "varchar(10)")})});
  SchemaDiff kept = DiffSchemas(from, to);
  ASSERT_EQ(kept.up.size(), 1u);
  EXPECT_EQ(kept.up[0].sql, "ALTER TABLE `t`\n  ADD COLUMN `new` varchar(10) DEFAULT NULL");
  ASSERT_EQ(kept.up[0].notes.size(), 1u);
  EXPECT_NE(kept.up[0].notes[0].find("RENAME COLUMN `old` TO `new`"), std::string::npos);
  EXPECT_EQ(kept.left_out,
            (std::vector<std::string>{"ALTER TABLE `t` DROP COLUMN `old`", "DROP TABLE `gone`"}));
  // The down undoes only what the up did.
  ASSERT_EQ(kept.down.size(), 1u);
  EXPECT_EQ(kept.down[0].sql, "ALTER TABLE `t`\n  DROP COLUMN `new`");

  DiffOptions allow;
  allow.allow_drop = true;
  SchemaDiff dropped = DiffSchemas(from, to, allow);
  ASSERT_EQ(dropped.up.size(), 2u);
  EXPECT_EQ(dropped.up[0].sql,
            "ALTER TABLE `t`\n  DROP COLUMN `old`,\n  ADD COLUMN `new` varchar(10) DEFAULT NULL");
  EXPECT_EQ(dropped.up[1].sql, "DROP TABLE `gone`");
  EXPECT_NE(dropped.up[1].warnings.at(0).find("drops table `gone`"), std::string::npos);
  ASSERT_EQ(dropped.down.size(), 2u);
  EXPECT_EQ(dropped.down[0].sql, "CREATE TABLE `gone` (...)");  // the counter is not copied
  EXPECT_EQ(dropped.down[1].sql,
            "ALTER TABLE `t`\n  DROP COLUMN `new`,\n  ADD COLUMN `old` varchar(10) DEFAULT NULL");
  EXPECT_TRUE(dropped.left_out.empty());
}

TEST(SchemaDiff, ReferencedTablesAreCreatedFirstAndDroppedLast) {
  auto child = Table("a_child", {Col("id", "int(11)"), Col("p", "int(11)")});
  child.foreign_keys["fk"] = "CONSTRAINT `fk` FOREIGN KEY (`p`) REFERENCES `z_parent` (`id`)";
  auto parent = Table("z_parent", {Col("id", "int(11)")});
  SchemaDiff d = DiffSchemas(Schema({}), Schema({child, parent}));
  ASSERT_EQ(d.up.size(), 2u);
  EXPECT_EQ(d.up[0].object, "z_parent");
  EXPECT_EQ(d.up[1].object, "a_child");
  ASSERT_EQ(d.down.size(), 2u);
  EXPECT_EQ(d.down[0].sql, "DROP TABLE `a_child`");
  EXPECT_EQ(d.down[1].sql, "DROP TABLE `z_parent`");
}

TEST(SchemaDiff, ChangedKeysAreDroppedBeforeAndAddedAfterTheColumns) {
  auto from = Schema({Table("t", {Col("id", "int(11)"), Col("a", "int(11)")})});
  from.tables["t"].indexes["i"] = "KEY `i` (`a`)";
  from.tables["t"].foreign_keys["fk"] = "CONSTRAINT `fk` FOREIGN KEY (`a`) REFERENCES `u` (`id`)";
  auto to = from;
  to.tables["t"].indexes["i"] = "UNIQUE KEY `i` (`a`)";
  to.tables["t"].indexes["PRIMARY"] = "PRIMARY KEY (`id`,`a`)";
  to.tables["t"].foreign_keys.clear();
  SchemaDiff d = DiffSchemas(from, to);
  ASSERT_EQ(d.up.size(), 1u);
  EXPECT_EQ(d.up[0].sql,
            "ALTER TABLE `t`\n  DROP FOREIGN KEY `fk`,\n  DROP PRIMARY KEY,\n  DROP INDEX `i`,\n"
            "  ADD PRIMARY KEY (`id`,`a`),\n  ADD UNIQUE KEY `i` (`a`)");
  std::string body = RenderRevisionBody(d);
  EXPECT_NE(body.find("-- sluice:up\n"), std::string::npos);
  EXPECT_NE(body.find("ADD CONSTRAINT `fk` FOREIGN KEY (`a`) REFERENCES `u` (`id`);\n"),
            std::string::npos)
      << body;
  EXPECT_LT(body.find("-- sluice:up"), body.find("-- sluice:down"));
}

TEST(SchemaDiff, ViewsAreReplacedOrDropped) {
  SchemaSnapshot from, to;
  from.views["v"] = {"v", "ALGORITHM=UNDEFINED SQL SECURITY DEFINER VIEW `v` AS select 1 AS `x`"};
  from.views["w"] = {"w", "ALGORITHM=UNDEFINED SQL SECURITY DEFINER VIEW `w` AS select 2 AS `y`"};
  to.views["v"] = {"v", "ALGORITHM=UNDEFINED SQL SECURITY DEFINER VIEW `v` AS select 3 AS `x`"};
  SchemaDiff d = DiffSchemas(from, to);
  ASSERT_EQ(d.up.size(), 2u);
  EXPECT_EQ(d.up[0].sql, "DROP VIEW `w`");
  EXPECT_EQ(d.up[1].sql,
            "CREATE OR REPLACE ALGORITHM=UNDEFINED SQL SECURITY DEFINER VIEW `v` AS "
            "select 3 AS `x`");
  ASSERT_EQ(d.down.size(), 2u);
  EXPECT_NE(d.down[0].sql.find("select 1 AS `x`"), std::string::npos);
  EXPECT_NE(d.down[1].sql.find("VIEW `w` AS select 2"), std::string::npos);
  ASSERT_EQ(d.differences.size(), 2u);
  EXPECT_EQ(d.differences[0].ToString(), "view w: drop");
}

TEST(SchemaDiff, AViewIsCreatedAfterTheViewsItReads) {
  SchemaSnapshot to;
  to.views["a_top"] = {"a_top", "ALGORITHM=UNDEFINED SQL SECURITY DEFINER VIEW `a_top` AS select "
                                "`z_base`.`x` AS `x` from `z_base`"};
  to.views["z_base"] = {
      "z_base", "ALGORITHM=UNDEFINED SQL SECURITY DEFINER VIEW `z_base` AS select 1 AS `x`"};
  SchemaDiff d = DiffSchemas(SchemaSnapshot{}, to);
  ASSERT_EQ(d.up.size(), 2u);
  EXPECT_EQ(d.up[0].object, "z_base");
  EXPECT_EQ(d.up[1].object, "a_top");
  ASSERT_EQ(d.down.size(), 2u);
  EXPECT_EQ(d.down[0].sql, "DROP VIEW `a_top`");
}

}  // namespace
}  // namespace sluice
