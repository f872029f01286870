#include "bench/synthetic_table.h"

#include <gtest/gtest.h>

namespace sluice::bench {
namespace {

SyntheticTableSpec Spec(PkShape pk, int indexes = 3) {
  SyntheticTableSpec s;
  s.table = {"db", "t"};
  s.rows = 250000;
  s.pk = pk;
  s.secondary_indexes = indexes;
  s.row_width = 40;
  return s;
}

TEST(SyntheticTable, ParsePkShape) {
  EXPECT_EQ(*ParsePkShape("int"), PkShape::kInt);
  EXPECT_EQ(*ParsePkShape("composite"), PkShape::kComposite);
  EXPECT_EQ(*ParsePkShape("varchar"), PkShape::kVarchar);
  auto bad = ParsePkShape("uuid");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().exit, ExitCode::kUsage);
}

TEST(SyntheticTable, ParseRowGenerator) {
  EXPECT_EQ(*ParseRowGenerator("cte"), RowGenerator::kRecursiveCte);
  EXPECT_EQ(*ParseRowGenerator("sequence"), RowGenerator::kSequence);
  EXPECT_FALSE(ParseRowGenerator("csv").ok());
}

TEST(SyntheticTable, CreateTableHasTheKeyShape) {
  std::string sql = CreateTableSql(Spec(PkShape::kComposite), {"db", "t"});
  EXPECT_NE(sql.find("CREATE TABLE `db`.`t`"), std::string::npos);
  EXPECT_NE(sql.find("PRIMARY KEY (`tenant_id`, `id`)"), std::string::npos);
  EXPECT_NE(sql.find("`payload` VARCHAR(40)"), std::string::npos);
  EXPECT_NE(CreateTableSql(Spec(PkShape::kVarchar), {"", "t"}).find("PRIMARY KEY (`code`)"),
            std::string::npos);
}

TEST(SyntheticTable, IndexesAreAddedAfterLoading) {
  EXPECT_EQ(AddIndexesSql(Spec(PkShape::kInt, 0), {"", "t"}), "");
  EXPECT_EQ(AddIndexesSql(Spec(PkShape::kInt, 2), {"", "t"}),
            "ALTER TABLE `t` ADD INDEX `idx_price` (`price_cents`), ADD INDEX "
            "`idx_status_created` (`status`, `created_at`)");
  EXPECT_EQ(SecondaryIndexNames(Spec(PkShape::kInt, 3)).size(), 3u);
}

TEST(SyntheticTable, SequenceLoadIsSliced) {
  auto sql = LoadSql(Spec(PkShape::kInt), 1, 250000, true, 100000);
  ASSERT_EQ(sql.size(), 3u);
  EXPECT_NE(sql[0].find("FROM seq_1_to_100000"), std::string::npos);
  EXPECT_NE(sql[1].find("FROM seq_100001_to_200000"), std::string::npos);
  EXPECT_NE(sql[2].find("FROM seq_200001_to_250000"), std::string::npos);
}

TEST(SyntheticTable, CteLoadCoversTheSlice) {
  auto sql = LoadSql(Spec(PkShape::kInt), 1, 1500, false, 100000);
  ASSERT_EQ(sql.size(), 1u);
  EXPECT_NE(sql[0].find("WITH RECURSIVE"), std::string::npos);
  EXPECT_NE(sql[0].find("a.v < 2"), std::string::npos);   // two thousands
  EXPECT_NE(sql[0].find("n <= 1500"), std::string::npos);
}

TEST(SyntheticTable, PointPredicates) {
  EXPECT_EQ(PointPredicate(Spec(PkShape::kInt), 42), "`id` = 42");
  EXPECT_EQ(PointPredicate(Spec(PkShape::kComposite), 42), "`tenant_id` = 10 AND `id` = 42");
  EXPECT_EQ(PointPredicate(Spec(PkShape::kVarchar), 42), "`code` = 'k000000000042'");
}

TEST(SyntheticTable, Validation) {
  SyntheticTableSpec s = Spec(PkShape::kInt);
  EXPECT_TRUE(ValidateSpec(s).ok());
  s.secondary_indexes = kMaxSecondaryIndexes + 1;
  EXPECT_FALSE(ValidateSpec(s).ok());
  s = Spec(PkShape::kInt);
  s.rows = 0;
  EXPECT_FALSE(ValidateSpec(s).ok());
}

}  // namespace
}  // namespace sluice::bench
