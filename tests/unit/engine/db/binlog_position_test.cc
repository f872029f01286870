// Binlog positions order as the server writes them, also past the file
// suffix's six zero-padded digits.
#include <gtest/gtest.h>

#include "engine/db/binlog_reader.h"

namespace sluice {
namespace {

BinlogPosition At(const std::string& text) { return BinlogPosition::Parse(text).value(); }

TEST(BinlogPosition, OrdersByFileNumberThenOffset) {
  EXPECT_TRUE(At("binlog.000001:900") < At("binlog.000002:4"));
  EXPECT_TRUE(At("binlog.000002:4") < At("binlog.000002:5"));
  EXPECT_FALSE(At("binlog.000002:5") < At("binlog.000002:5"));
  EXPECT_TRUE(At("binlog.999999:123") < At("binlog.1000000:4"));
  EXPECT_FALSE(At("binlog.1000000:4") < At("binlog.999999:123"));
  EXPECT_TRUE(At("binlog.999999:4") <= At("binlog.1000000:4"));
}

TEST(BinlogPosition, ParseNamesWhatIsWrong) {
  EXPECT_EQ(At("mysql-bin.000003:1234").ToString(), "mysql-bin.000003:1234");
  auto bad = BinlogPosition::Parse("mysql-bin.000003");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("'mysql-bin.000003'"), std::string::npos);
}

}  // namespace
}  // namespace sluice
