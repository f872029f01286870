#include "mysql/alter_spec.h"

#include <gtest/gtest.h>

namespace sluice::mysql {
namespace {

AlterSpec Parse(const std::string& s) {
  auto r = ParseAlterSpec(s);
  EXPECT_TRUE(r.ok()) << s;
  return r.ok() ? *r : AlterSpec{};
}

TEST(AlterSpecTest, SplitsTopLevelClausesAndStripsAlgorithmAndLock) {
  AlterSpec a = Parse(
      "ADD COLUMN x DECIMAL(10,2) NOT NULL DEFAULT 0, ADD INDEX i (x, y), "
      "ALGORITHM=COPY, LOCK=SHARED;");
  ASSERT_EQ(a.clauses.size(), 4u);
  EXPECT_EQ(a.clauses[0], "ADD COLUMN x DECIMAL(10,2) NOT NULL DEFAULT 0");
  EXPECT_EQ(a.spec_without_options,
            "ADD COLUMN x DECIMAL(10,2) NOT NULL DEFAULT 0, ADD INDEX i (x, y)");
  EXPECT_EQ(a.user_algorithm, "COPY");
}

TEST(AlterSpecTest, TableRenameIsDetectedButColumnAndIndexRenamesAreNot) {
  EXPECT_TRUE(Parse("RENAME TO t2").renames_table);
  EXPECT_TRUE(Parse("ADD c INT, RENAME AS `t 2`").renames_table);
  EXPECT_TRUE(Parse("RENAME t2").renames_table);
  EXPECT_FALSE(Parse("RENAME INDEX a TO b").renames_table);
  EXPECT_FALSE(Parse("RENAME KEY a TO b").renames_table);
  AlterSpec c = Parse("RENAME COLUMN a TO b");
  EXPECT_FALSE(c.renames_table);
  EXPECT_EQ(c.renamed_columns.at("a"), "b");
}

TEST(AlterSpecTest, ChangeColumnMapsOldToNewName) {
  AlterSpec a = Parse("CHANGE COLUMN `old name` new_name VARCHAR(20), CHANGE same same INT");
  ASSERT_EQ(a.renamed_columns.size(), 1u);
  EXPECT_EQ(a.renamed_columns.at("old name"), "new_name");
}

TEST(AlterSpecTest, PrimaryAndForeignKeys) {
  EXPECT_TRUE(Parse("DROP PRIMARY KEY").drops_primary_key);
  AlterSpec a = Parse("DROP PRIMARY KEY, ADD PRIMARY KEY (a, b)");
  EXPECT_TRUE(a.drops_primary_key);
  EXPECT_TRUE(a.adds_primary_key);
  EXPECT_TRUE(Parse("ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES p (id)").adds_foreign_key);
  EXPECT_FALSE(Parse("DROP FOREIGN KEY fk").adds_foreign_key);
  EXPECT_FALSE(Parse("ADD INDEX (a)").adds_primary_key);
}

TEST(AlterSpecTest, DroppedColumns) {
  AlterSpec a = Parse("DROP COLUMN a, DROP b, DROP INDEX c, DROP COLUMN IF EXISTS d");
  EXPECT_EQ(a.dropped_columns, (std::vector<std::string>{"a", "b", "d"}));
}

TEST(AlterSpecTest, CommaInsideStringOrParensDoesNotSplit) {
  AlterSpec a = Parse("MODIFY e ENUM('a,b','c') NOT NULL, COMMENT 'x, y'");
  EXPECT_EQ(a.clauses.size(), 2u);
}

}  // namespace
}  // namespace sluice::mysql
