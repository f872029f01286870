#include "tidb/alter_check.h"

#include <gtest/gtest.h>

namespace sluice::tidb {
namespace {

const TidbFeatures kV85 = TidbFeatures::For(Version{8, 5, 1});

TableInfo Orders(bool clustered) {
  TableInfo t;
  t.ref = {"shop", "orders"};
  t.clustered_pk = clustered;
  t.columns = {{"id", "bigint", "bigint(20)", false, false},
               {"code", "varchar", "varchar(32)", false, false},
               {"total", "int", "int(11)", true, false},
               {"total2", "int", "int(11)", true, true}};
  t.indexes = {{"PRIMARY", {"id"}, true, true, ""}, {"idx_total", {"total"}, false, false, ""}};
  return t;
}

void ExpectRefused(std::string_view spec, const TableInfo* t, const std::string& fragment,
                   const TidbFeatures& f = kV85) {
  Status st = CheckAlterSupported(spec, t, f);
  ASSERT_FALSE(st.ok()) << spec;
  EXPECT_EQ(st.error().exit, ExitCode::kUsage) << spec;
  EXPECT_NE(st.error().message.find(fragment), std::string::npos)
      << spec << " -> " << st.error().message;
}

void ExpectAccepted(std::string_view spec, const TableInfo* t, const TidbFeatures& f = kV85) {
  Status st = CheckAlterSupported(spec, t, f);
  EXPECT_TRUE(st.ok()) << spec << " -> " << (st.ok() ? "" : st.error().message);
}

TEST(AlterCheck, ParsesClauses) {
  auto c = ParseAlterSpec(
      "ADD COLUMN `note` VARCHAR(10) DEFAULT 'a,b', ADD INDEX idx_n (note, total), "
      "MODIFY total BIGINT NOT NULL, CHANGE code code2 VARCHAR(64), DROP INDEX `old`, "
      "RENAME COLUMN a TO b, ADD UNIQUE KEY (x), COMMENT = 'x'");
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->size(), 8u);
  EXPECT_EQ((*c)[0].columns, std::vector<std::string>{"note"});
  EXPECT_EQ((*c)[0].new_type, "varchar(10)");
  EXPECT_EQ((*c)[1].indexes, std::vector<std::string>{"idx_n"});
  EXPECT_EQ((*c)[1].index_columns, (std::vector<std::string>{"note", "total"}));
  EXPECT_EQ((*c)[2].action, "MODIFY");
  EXPECT_EQ((*c)[2].new_type, "bigint");
  EXPECT_EQ((*c)[3].columns, (std::vector<std::string>{"code", "code2"}));
  EXPECT_EQ((*c)[3].new_type, "varchar(64)");
  EXPECT_EQ((*c)[4].indexes, std::vector<std::string>{"old"});
  EXPECT_EQ((*c)[5].columns, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE((*c)[6].indexes.empty());
  EXPECT_EQ((*c)[6].index_columns, std::vector<std::string>{"x"});
  EXPECT_EQ((*c)[7].object, "OPTION");
}

TEST(AlterCheck, AcceptsOrdinaryOnlineChanges) {
  TableInfo t = Orders(true);
  ExpectAccepted("ADD INDEX idx_code (code)", &t);
  ExpectAccepted("ADD COLUMN note TEXT, ADD INDEX idx_total2 (total)", &t);
  ExpectAccepted("ADD COLUMN c INT, ADD INDEX idx_c (c)", &t);  // a new column, indexed
  ExpectAccepted("MODIFY id BIGINT(20)", &t);                    // same type: metadata only
  ExpectAccepted("MODIFY code VARCHAR(64) NOT NULL", &t);        // longer varchar
  ExpectAccepted("DROP INDEX idx_total, ADD INDEX idx_total_new (total)", &t);
  ExpectAccepted("ADD PRIMARY KEY (id) NONCLUSTERED", nullptr);
  ExpectAccepted("DROP PRIMARY KEY", nullptr);  // offline: clustered or not is unknown
  TableInfo nc = Orders(false);
  ExpectAccepted("DROP PRIMARY KEY", &nc);
}

TEST(AlterCheck, RefusesClusteredPrimaryKeyChanges) {
  ExpectRefused("ADD PRIMARY KEY (id) CLUSTERED", nullptr, "clustered primary key");
  ExpectRefused("ADD CONSTRAINT pk PRIMARY KEY (id) CLUSTERED", nullptr, "clustered primary key");
  TableInfo t = Orders(true);
  ExpectRefused("DROP PRIMARY KEY", &t, "dropping the clustered primary key");
  ExpectRefused("ADD COLUMN id2 BIGINT PRIMARY KEY", nullptr, "new column as the primary key");
}

TEST(AlterCheck, RefusesTouchingTheSameObjectTwice) {
  ExpectRefused("ADD COLUMN b INT, MODIFY COLUMN b BIGINT", nullptr, "column `b` is changed twice");
  ExpectRefused("MODIFY a INT, CHANGE `A` c INT", nullptr, "column `a` is changed twice");
  ExpectRefused("DROP INDEX i, ADD INDEX i (a)", nullptr, "index `i` is changed twice");
  ExpectRefused("DROP COLUMN b, ADD INDEX idx_b (b)", nullptr, "dropped in the same ALTER");
}

TEST(AlterCheck, RefusesFulltextAndSpatial) {
  ExpectRefused("ADD FULLTEXT INDEX ft (body)", nullptr, "FULLTEXT");
  ExpectRefused("ADD SPATIAL INDEX sp (g)", nullptr, "SPATIAL");
}

TEST(AlterCheck, RefusesReorgTypeChangesOnPrimaryKeyColumns) {
  TableInfo t = Orders(true);
  ExpectRefused("MODIFY id VARCHAR(20)", &t, "error 8200");
  ExpectRefused("CHANGE COLUMN id id INT", &t, "primary-key column `id`");  // narrowing
  ExpectAccepted("MODIFY total VARCHAR(20)", &t);  // not a key column: TiDB reorganizes online
}

TEST(AlterCheck, RefusesTypeChangesOnGeneratedColumns) {
  TableInfo t = Orders(true);
  ExpectRefused("MODIFY total2 BIGINT", &t, "generated column `total2`");
}

TEST(AlterCheck, SeveralChangesNeedV62) {
  ExpectRefused("ADD COLUMN a INT, ADD COLUMN b INT", nullptr, "v6.2",
                TidbFeatures::For(Version{6, 1, 0}));
  ExpectAccepted("ADD COLUMN a INT", nullptr, TidbFeatures::For(Version{6, 1, 0}));
}

TEST(AlterCheck, CommasInsideQuotesAndParensDoNotSplit) {
  auto c = ParseAlterSpec("ADD COLUMN e ENUM('a,b','c') DEFAULT 'a,b', ADD INDEX i (x, y)");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->size(), 2u);
  EXPECT_FALSE(ParseAlterSpec("ADD COLUMN `x INT").ok());
}

}  // namespace
}  // namespace sluice::tidb
