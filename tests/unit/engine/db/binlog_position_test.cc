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

// The bytes MariaDB 10.11.19 sent for the rotate at the end of binlog.000014
// (the OK byte, the header, offset 4, the name, the CRC32), which
// Connector/C 3.3 read as the file '00015'.
TEST(BinlogPosition, RotateEventsAreReadFromTheirBytes) {
  const unsigned char raw[] = {
      0x00, 0x8b, 0x30, 0x11, 0x6b, 0x04, 0x01, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x9a,
      0x4e, 0x00, 0x10, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 'b',  'i',
      'n',  'l',  'o',  'g',  '.',  '0',  '0',  '0',  '0',  '1',  '5',  0xeb, 0x4f, 0x2a, 0x9b};
  auto to = RotateTarget(raw, sizeof raw, 1, 44, 4);
  ASSERT_TRUE(to.ok()) << to.error().message;
  EXPECT_EQ(to->ToString(), "binlog.000015:4");
  auto bare = RotateTarget(raw, sizeof raw - 4, 1, 40, 0);  // a stream without checksums
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->ToString(), "binlog.000015:4");
  EXPECT_FALSE(RotateTarget(raw, 20, 1, 44, 4).ok());  // cut short
}

}  // namespace
}  // namespace sluice
