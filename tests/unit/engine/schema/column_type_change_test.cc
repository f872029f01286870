#include "engine/schema/column_type_change.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

TEST(ColumnTypeChange, WideningIsNotNarrowing) {
  EXPECT_FALSE(IsNarrowing("int(11)", "bigint(20)"));
  EXPECT_FALSE(IsNarrowing("int(10) unsigned", "bigint(20)"));
  EXPECT_FALSE(IsNarrowing("varchar(20)", "varchar(40)"));
  EXPECT_FALSE(IsNarrowing("varchar(255)", "text"));
  EXPECT_FALSE(IsNarrowing("decimal(10,2)", "decimal(12,3)"));
  EXPECT_FALSE(IsNarrowing("enum('a','b')", "enum('a','b','c')"));
  EXPECT_FALSE(IsNarrowing("float", "double"));
  EXPECT_FALSE(IsNarrowing("int(11)", "int(11)"));
}

TEST(ColumnTypeChange, NarrowingAndFamilyChangesAre) {
  EXPECT_TRUE(IsNarrowing("bigint(20)", "int(11)"));
  EXPECT_TRUE(IsNarrowing("int(11)", "int(10) unsigned"));
  EXPECT_TRUE(IsNarrowing("int(10) unsigned", "int(11)"));
  EXPECT_TRUE(IsNarrowing("varchar(40)", "varchar(20)"));
  EXPECT_TRUE(IsNarrowing("text", "varchar(255)"));
  EXPECT_TRUE(IsNarrowing("decimal(10,2)", "decimal(10,1)"));
  EXPECT_TRUE(IsNarrowing("decimal(10,2)", "decimal(9,2)"));
  EXPECT_TRUE(IsNarrowing("enum('a','b')", "enum('b','a')"));
  EXPECT_TRUE(IsNarrowing("varchar(20)", "int(11)"));
  EXPECT_TRUE(IsNarrowing("double", "float"));
}

}  // namespace
}  // namespace sluice
