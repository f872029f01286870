#include "engine/sql/classifier.h"

#include <gtest/gtest.h>

#include <string>

namespace sluice::sql {
namespace {

Classified C(std::string_view sql) {
  auto r = Classify(sql);
  EXPECT_TRUE(r.ok()) << sql;
  return r.ok() ? *r : Classified{};
}

std::string WhereText(std::string_view sql, const Classified& c) {
  if (!c.where) return "<none>";
  return std::string(sql.substr(c.where->begin, c.where->end - c.where->begin));
}

// Inserting " WHERE p" at where_insert_at must give valid-looking SQL.
std::string WithWhere(std::string sql, const Classified& c) {
  sql.insert(c.where_insert_at, " WHERE p");
  return sql;
}

TEST(Classify, AlterTable) {
  auto c = C("ALTER TABLE orders ADD COLUMN total BIGINT NULL, ALGORITHM=INSTANT");
  EXPECT_EQ(c.kind, StatementKind::kSchema);
  EXPECT_EQ(c.verb, Verb::kAlterTable);
  EXPECT_EQ(c.target.name, "orders");
  EXPECT_EQ(c.target.schema, "");
  EXPECT_EQ(c.alter_spec, "ADD COLUMN total BIGINT NULL, ALGORITHM=INSTANT");
}

TEST(Classify, AlterTableQualifiedBacktickedAndModifiers) {
  auto c = C("alter online ignore table if exists `my db` . `we``ird` drop column x");
  EXPECT_EQ(c.kind, StatementKind::kSchema);
  EXPECT_EQ(c.target.schema, "my db");
  EXPECT_EQ(c.target.name, "we`ird");
  EXPECT_EQ(c.alter_spec, "drop column x");
}

TEST(Classify, AlterOtherObjectsArePlain) {
  EXPECT_EQ(C("ALTER VIEW v AS SELECT 1").kind, StatementKind::kPlain);
  EXPECT_EQ(C("ALTER DATABASE d CHARACTER SET utf8mb4").kind, StatementKind::kPlain);
}

TEST(Classify, ExecutableCommentsAreRead) {
  auto c = C("/*!40101 ALTER TABLE t ADD INDEX i (a) */");
  EXPECT_EQ(c.kind, StatementKind::kSchema);
  EXPECT_EQ(c.target.name, "t");
}

TEST(Classify, CreateIndexBecomesAddIndex) {
  auto c = C("CREATE INDEX idx_a ON shop.orders (a, b(10))");
  EXPECT_EQ(c.kind, StatementKind::kSchema);
  EXPECT_EQ(c.verb, Verb::kCreateIndex);
  EXPECT_EQ(c.target.schema, "shop");
  EXPECT_EQ(c.target.name, "orders");
  EXPECT_EQ(c.alter_spec, "ADD INDEX idx_a (a, b(10))");
}

TEST(Classify, CreateUniqueIndexWithOptions) {
  auto c =
      C("CREATE UNIQUE INDEX IF NOT EXISTS `u x` USING BTREE ON t (a) COMMENT 'c;' "
        "ALGORITHM = INPLACE LOCK=NONE");
  EXPECT_EQ(c.kind, StatementKind::kSchema);
  EXPECT_EQ(c.alter_spec,
            "ADD UNIQUE INDEX IF NOT EXISTS `u x` USING BTREE (a) COMMENT 'c;', "
            "ALGORITHM = INPLACE, LOCK=NONE");
}

TEST(Classify, DropIndexBecomesAlterSpec) {
  auto c = C("DROP INDEX idx_a ON orders");
  EXPECT_EQ(c.kind, StatementKind::kSchema);
  EXPECT_EQ(c.verb, Verb::kDropIndex);
  EXPECT_EQ(c.target.name, "orders");
  EXPECT_EQ(c.alter_spec, "DROP INDEX idx_a");
  EXPECT_EQ(C("DROP INDEX IF EXISTS i ON t LOCK=NONE").alter_spec,
            "DROP INDEX IF EXISTS i, LOCK=NONE");
}

TEST(Classify, CreateDropRenameTableArePlain) {
  auto c = C("CREATE TABLE IF NOT EXISTS `s`.`t` (id INT PRIMARY KEY)");
  EXPECT_EQ(c.kind, StatementKind::kPlain);
  EXPECT_EQ(c.verb, Verb::kCreateTable);
  EXPECT_EQ(c.target.schema, "s");
  EXPECT_EQ(c.target.name, "t");
  auto d = C("DROP TABLE IF EXISTS t1, t2");
  EXPECT_EQ(d.verb, Verb::kDropTable);
  EXPECT_EQ(d.target.name, "t1");
  EXPECT_TRUE(d.multi_table);
  auto r = C("RENAME TABLE a TO b");
  EXPECT_EQ(r.verb, Verb::kRenameTable);
  EXPECT_EQ(r.kind, StatementKind::kPlain);
  EXPECT_EQ(r.target.name, "a");
}

TEST(Classify, UpdateWithWhere) {
  std::string sql = "UPDATE orders SET total = price * qty, `note` = 'a;b' WHERE total IS NULL";
  auto c = C(sql);
  EXPECT_EQ(c.kind, StatementKind::kData);
  EXPECT_EQ(c.verb, Verb::kUpdate);
  EXPECT_EQ(c.target.name, "orders");
  EXPECT_EQ(WhereText(sql, c), "total IS NULL");
  EXPECT_EQ(c.assigned_columns, (std::vector<std::string>{"total", "note"}));
  EXPECT_FALSE(c.has_order_by);
  EXPECT_FALSE(c.has_limit);
  EXPECT_FALSE(c.multi_table);
}

TEST(Classify, UpdateWithoutWhere) {
  std::string sql = "UPDATE t SET a = 1";
  auto c = C(sql);
  EXPECT_EQ(c.kind, StatementKind::kData);
  EXPECT_FALSE(c.where.has_value());
  EXPECT_EQ(WithWhere(sql, c), "UPDATE t SET a = 1 WHERE p");
}

TEST(Classify, UpdateOrderByLimit) {
  std::string sql =
      "UPDATE LOW_PRIORITY t AS x SET x.a = x.a + 1 WHERE (b = 1 OR c = 2) ORDER BY id LIMIT 10";
  auto c = C(sql);
  EXPECT_EQ(c.kind, StatementKind::kData);
  EXPECT_EQ(c.target_alias, "x");
  EXPECT_EQ(c.assigned_columns, (std::vector<std::string>{"a"}));
  EXPECT_EQ(WhereText(sql, c), "(b = 1 OR c = 2)");
  EXPECT_TRUE(c.has_order_by);
  EXPECT_TRUE(c.has_limit);
  std::string nowhere = "UPDATE t SET a = 1 ORDER BY id LIMIT 5";
  auto d = C(nowhere);
  EXPECT_FALSE(d.where.has_value());
  EXPECT_EQ(WithWhere(nowhere, d), "UPDATE t SET a = 1 WHERE p ORDER BY id LIMIT 5");
}

TEST(Classify, UpdateSubqueriesDoNotConfuseClauses) {
  std::string sql =
      "UPDATE t SET a = (SELECT MAX(x) FROM u WHERE u.id = t.id ORDER BY 1 LIMIT 1), b = IF(c, 1, "
      "2) "
      "WHERE id IN (SELECT id FROM v WHERE k = 'WHERE')";
  auto c = C(sql);
  EXPECT_EQ(c.kind, StatementKind::kData);
  EXPECT_EQ(c.assigned_columns, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(WhereText(sql, c), "id IN (SELECT id FROM v WHERE k = 'WHERE')");
  EXPECT_FALSE(c.has_order_by);
  EXPECT_FALSE(c.has_limit);
  EXPECT_FALSE(c.multi_table);
}

TEST(Classify, UpdateComparisonInSetIsNotAnAssignment) {
  auto c = C("UPDATE t SET a = b = 1, c = (d >= 2) WHERE e <= 3");
  EXPECT_EQ(c.assigned_columns, (std::vector<std::string>{"a", "c"}));
}

TEST(Classify, MultiTableUpdateIsPlain) {
  auto c = C("UPDATE a JOIN b ON a.id = b.id SET a.x = b.x WHERE b.y = 1");
  EXPECT_EQ(c.kind, StatementKind::kPlain);
  EXPECT_EQ(c.verb, Verb::kUpdate);
  EXPECT_TRUE(c.multi_table);
  EXPECT_EQ(c.target.name, "a");
  auto d = C("UPDATE a, b SET a.x = b.x WHERE a.id = b.id");
  EXPECT_TRUE(d.multi_table);
  EXPECT_EQ(d.kind, StatementKind::kPlain);
}

TEST(Classify, DeleteWithAndWithoutWhere) {
  std::string sql = "DELETE FROM `shop`.`events` WHERE created < '2020-01-01' LIMIT 1000";
  auto c = C(sql);
  EXPECT_EQ(c.kind, StatementKind::kData);
  EXPECT_EQ(c.verb, Verb::kDelete);
  EXPECT_EQ(c.target.schema, "shop");
  EXPECT_EQ(c.target.name, "events");
  EXPECT_EQ(WhereText(sql, c), "created < '2020-01-01'");
  EXPECT_TRUE(c.has_limit);
  EXPECT_FALSE(c.has_order_by);
  std::string all = "DELETE QUICK FROM t ORDER BY id";
  auto d = C(all);
  EXPECT_EQ(d.kind, StatementKind::kData);
  EXPECT_FALSE(d.where.has_value());
  EXPECT_TRUE(d.has_order_by);
  EXPECT_EQ(WithWhere(all, d), "DELETE QUICK FROM t WHERE p ORDER BY id");
}

TEST(Classify, MultiTableDeleteIsPlain) {
  for (auto sql :
       {"DELETE t1 FROM t1 JOIN t2 ON t1.id = t2.id", "DELETE t1, t2 FROM t1, t2 WHERE 1",
        "DELETE FROM t1 USING t1 JOIN t2 WHERE t1.id = t2.id"}) {
    auto c = C(sql);
    EXPECT_EQ(c.kind, StatementKind::kPlain) << sql;
    EXPECT_EQ(c.verb, Verb::kDelete) << sql;
    EXPECT_TRUE(c.multi_table) << sql;
    EXPECT_EQ(c.target.name, "t1") << sql;
  }
}

TEST(Classify, InsertSelectWithWhere) {
  std::string sql =
      "INSERT IGNORE INTO archive (id, v) SELECT id, v FROM live l WHERE v > 0 "
      "ON DUPLICATE KEY UPDATE v = VALUES(v)";
  auto c = C(sql);
  EXPECT_EQ(c.kind, StatementKind::kData);
  EXPECT_EQ(c.verb, Verb::kInsertSelect);
  EXPECT_EQ(c.target.name, "archive");
  EXPECT_EQ(c.source.name, "live");
  EXPECT_EQ(c.source_alias, "l");
  EXPECT_EQ(WhereText(sql, c), "v > 0");
  EXPECT_FALSE(c.has_order_by);
  EXPECT_FALSE(c.has_limit);
}

TEST(Classify, InsertSelectWithoutWhere) {
  std::string sql = "INSERT INTO a SELECT * FROM db2.b GROUP BY k";
  auto c = C(sql);
  EXPECT_EQ(c.kind, StatementKind::kData);
  EXPECT_EQ(c.source.schema, "db2");
  EXPECT_EQ(c.source.name, "b");
  EXPECT_FALSE(c.where.has_value());
  EXPECT_TRUE(c.has_group_by);
  EXPECT_EQ(WithWhere(sql, c), "INSERT INTO a SELECT * FROM db2.b WHERE p GROUP BY k");
  std::string plain = "REPLACE INTO a SELECT x, (SELECT 1 FROM z WHERE q) FROM b";
  auto d = C(plain);
  EXPECT_EQ(d.verb, Verb::kReplaceSelect);
  EXPECT_EQ(d.kind, StatementKind::kData);
  EXPECT_EQ(d.source.name, "b");
  EXPECT_EQ(WithWhere(plain, d), plain + " WHERE p");
}

TEST(Classify, InsertSelectJoinsUnionsDerivedAreMultiTable) {
  for (auto sql :
       {"INSERT INTO a SELECT * FROM b JOIN c USING (id)", "INSERT INTO a SELECT * FROM b, c",
        "INSERT INTO a SELECT * FROM (SELECT 1) x",
        "INSERT INTO a SELECT * FROM b UNION SELECT * FROM c", "INSERT INTO a (SELECT * FROM b)"}) {
    auto c = C(sql);
    EXPECT_EQ(c.kind, StatementKind::kPlain) << sql;
    EXPECT_TRUE(c.multi_table) << sql;
  }
}

TEST(Classify, InsertValuesAndSelectWithoutFromArePlain) {
  EXPECT_EQ(C("INSERT INTO t VALUES (1), (2)").kind, StatementKind::kPlain);
  EXPECT_EQ(C("INSERT INTO t SET a = 1").kind, StatementKind::kPlain);
  auto c = C("INSERT INTO t SELECT 1");
  EXPECT_EQ(c.kind, StatementKind::kPlain);
  EXPECT_EQ(c.verb, Verb::kInsertSelect);
}

TEST(Classify, SequenceEngineFill) {
  std::string sql =
      "INSERT INTO orders (id, price_cents, quantity) SELECT seq, seq % 1000, 1 + seq % 5 "
      "FROM seq_1_to_1000000";
  auto c = C(sql);
  EXPECT_EQ(c.kind, StatementKind::kData);
  EXPECT_EQ(c.source.name, "seq_1_to_1000000");
}

TEST(Classify, OtherStatementsArePlain) {
  for (auto sql : {"SELECT 1", "SET @a = 1", "CREATE VIEW v AS SELECT 1", "", "  -- just a comment",
                   "WITH x AS (SELECT 1) UPDATE t SET a = 1", "TRUNCATE TABLE t"}) {
    auto c = C(sql);
    EXPECT_EQ(c.kind, StatementKind::kPlain) << sql;
  }
}

TEST(Classify, UnterminatedQuoteIsAnError) {
  auto r = Classify("UPDATE t SET a = 'oops");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("unterminated"), std::string::npos);
}

TEST(Classify, KindNames) {
  EXPECT_STREQ(StatementKindName(StatementKind::kSchema), "schema");
  EXPECT_STREQ(StatementKindName(StatementKind::kData), "data");
  EXPECT_STREQ(StatementKindName(StatementKind::kPlain), "plain");
}

}  // namespace
}  // namespace sluice::sql
