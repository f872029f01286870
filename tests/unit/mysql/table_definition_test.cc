#include "mysql/table_definition.h"

#include <gtest/gtest.h>

namespace sluice::mysql {
namespace {

const char* kCreate =
    "CREATE TABLE `orders` (\n"
    "  `id` int(11) NOT NULL AUTO_INCREMENT,\n"
    "  `customer_id` int(11) NOT NULL,\n"
    "  `created_at` datetime DEFAULT NULL,\n"
    "  PRIMARY KEY (`id`),\n"
    "  KEY `customer_id` (`customer_id`)\n"
    ") ENGINE=InnoDB AUTO_INCREMENT=801 DEFAULT CHARSET=utf8mb4";

TableDefinition Def(const std::string& create, std::string id = "") {
  return {DefinitionBody(create), std::move(id)};
}

std::string With(std::string s, const std::string& from, const std::string& to) {
  return s.replace(s.find(from), from.size(), to);
}

TEST(TableDefinitionTest, TheNameAndTheAutoIncrementCounterAreNotPartOfIt) {
  std::string other = With(With(kCreate, "`orders`", "`orders_sluice_old`"), "=801", "=9000");
  EXPECT_EQ(DefinitionBody(other), DefinitionBody(kCreate));
  EXPECT_EQ(DescribeDefinitionChange(Def(kCreate, "7"), Def(other, "7")), "");
}

TEST(TableDefinitionTest, NamesAnAddedColumnWithItsDefinition) {
  std::string added =
      With(kCreate, "  PRIMARY KEY", "  `sneaky` int(11) DEFAULT 7,\n  PRIMARY KEY");
  EXPECT_EQ(DescribeDefinitionChange(Def(kCreate), Def(added)),
            "column `sneaky` added (`sneaky` int(11) DEFAULT 7)");
}

TEST(TableDefinitionTest, NamesADroppedColumnAndAChangedOne) {
  std::string changed =
      With(With(kCreate, "  `created_at` datetime DEFAULT NULL,\n", ""),
           "`customer_id` int(11) NOT NULL,", "`customer_id` bigint(20) NOT NULL,");
  EXPECT_EQ(DescribeDefinitionChange(Def(kCreate), Def(changed)),
            "column `customer_id` changed from (`customer_id` int(11) NOT NULL) to "
            "(`customer_id` bigint(20) NOT NULL); column `created_at` dropped");
}

TEST(TableDefinitionTest, NamesIndexesThePrimaryKeyAndOptions) {
  std::string idx = With(kCreate, "  KEY `customer_id` (`customer_id`)",
                         "  UNIQUE KEY `u` (`created_at`),\n  KEY `customer_id` (`customer_id`)");
  EXPECT_EQ(DescribeDefinitionChange(Def(kCreate), Def(idx)),
            "index `u` added (UNIQUE KEY `u` (`created_at`))");
  std::string pk = With(kCreate, "PRIMARY KEY (`id`)", "PRIMARY KEY (`id`,`customer_id`)");
  EXPECT_NE(DescribeDefinitionChange(Def(kCreate), Def(pk)).find("the primary key changed"),
            std::string::npos);
  std::string opts = With(kCreate, "utf8mb4", "latin1");
  EXPECT_NE(DescribeDefinitionChange(Def(kCreate), Def(opts)).find("table options changed"),
            std::string::npos);
}

TEST(TableDefinitionTest, ColumnOrderAlone) {
  std::string moved =
      With(With(kCreate, "  `created_at` datetime DEFAULT NULL,\n", ""), "  `customer_id`",
           "  `created_at` datetime DEFAULT NULL,\n  `customer_id`");
  EXPECT_EQ(DescribeDefinitionChange(Def(kCreate), Def(moved)),
            "the column or index order changed");
}

TEST(TableDefinitionTest, ANewTableIdIsATruncateOrRebuildWhenBothAreKnown) {
  EXPECT_NE(DescribeDefinitionChange(Def(kCreate, "18"), Def(kCreate, "20")).find("truncated"),
            std::string::npos);
  EXPECT_EQ(DescribeDefinitionChange(Def(kCreate, ""), Def(kCreate, "20")), "");
}

}  // namespace
}  // namespace sluice::mysql
