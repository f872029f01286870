#include "engine/schema/create_table_text.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

TEST(CreateTableText, SplitsColumnsKeysConstraintsAndOptions) {
  const std::string create =
      "CREATE TABLE `o``rders` (\n"
      "  `id` bigint(20) NOT NULL AUTO_INCREMENT,\n"
      "  `we``ird` varchar(20) DEFAULT 'a,b',\n"
      "  `c_id` int(11) DEFAULT NULL,\n"
      "  PRIMARY KEY (`id`),\n"
      "  UNIQUE KEY `u` (`we``ird`(5)),\n"
      "  KEY `c_id` (`c_id`),\n"
      "  FULLTEXT KEY `ft` (`we``ird`),\n"
      "  CONSTRAINT `fk` FOREIGN KEY (`c_id`) REFERENCES `c` (`id`) ON DELETE CASCADE,\n"
      "  CONSTRAINT `chk` CHECK (`c_id` > 0)\n"
      ") ENGINE=InnoDB AUTO_INCREMENT=5 DEFAULT CHARSET=latin1";
  CreateTableParts p = SplitCreateTable(create);
  ASSERT_EQ(p.columns.size(), 3u);
  EXPECT_EQ(p.columns[1].name, "we`ird");
  EXPECT_EQ(p.columns[1].text, "`we``ird` varchar(20) DEFAULT 'a,b'");
  ASSERT_EQ(p.indexes.size(), 4u);
  EXPECT_EQ(p.indexes[0].name, "PRIMARY");
  EXPECT_EQ(p.indexes[1].name, "u");
  EXPECT_EQ(p.indexes[1].text, "UNIQUE KEY `u` (`we``ird`(5))");
  EXPECT_EQ(p.indexes[3].name, "ft");
  ASSERT_EQ(p.foreign_keys.size(), 1u);
  EXPECT_EQ(p.foreign_keys[0].name, "fk");
  ASSERT_EQ(p.checks.size(), 1u);
  EXPECT_EQ(p.checks[0].text, "CONSTRAINT `chk` CHECK (`c_id` > 0)");
  EXPECT_EQ(p.options, "ENGINE=InnoDB AUTO_INCREMENT=5 DEFAULT CHARSET=latin1");
}

}  // namespace
}  // namespace sluice
