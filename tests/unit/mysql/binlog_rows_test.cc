// The binlog row decoder on images laid out as the server writes them.
#include "mysql/binlog_rows.h"

#include <gtest/gtest.h>

namespace sluice::mysql {
namespace {

std::string Bytes(std::initializer_list<int> b) {
  std::string s;
  for (int c : b) s += static_cast<char>(c);
  return s;
}

// (a INT, s VARCHAR(300) latin1, n TINYINT UNSIGNED NULL, b BIGINT): metadata
// only for the VARCHAR (max length 300, little-endian).
const std::string kTypes = Bytes({3, 15, 1, 8});
const std::string kMeta = Bytes({0x2c, 0x01});

TEST(BinlogRowsTest, DecodesSignedIntegersAndStringsStepsOverOthers) {
  // Null bitmap (n is NULL), a = -5, s = 'ab' (2-byte length: max > 255), b = 7.
  std::string row = Bytes({0x04, 0xfb, 0xff, 0xff, 0xff, 0x02, 0x00, 'a', 'b', 7, 0, 0, 0, 0, 0, 0, 0});
  std::vector<BinlogKeyColumn> key = {{0, true, ""}, {1, true, "latin1"}, {3, true, ""}};
  auto keys = DecodeRowKeys(kTypes, kMeta, row + row, key);
  ASSERT_TRUE(keys.ok()) << keys.error().message;
  ASSERT_EQ(keys->size(), 2u);  // two images, as an update has
  EXPECT_EQ((*keys)[0], (KeyLiterals{"-5", "_latin1 X'6162'", "7"}));
}

TEST(BinlogRowsTest, UnsignedKeepsTheHighBit) {
  std::string row = Bytes({0x04, 0xfb, 0xff, 0xff, 0xff, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0});
  auto keys = DecodeRowKeys(kTypes, kMeta, row, {{0, false, ""}});
  ASSERT_TRUE(keys.ok()) << keys.error().message;
  EXPECT_EQ((*keys)[0][0], "4294967291");
}

TEST(BinlogRowsTest, ACutShortImageIsAnError) {
  auto keys = DecodeRowKeys(kTypes, kMeta, Bytes({0x00, 0xfb, 0xff}), {{0, true, ""}});
  ASSERT_FALSE(keys.ok());
  EXPECT_NE(keys.error().message.find("cut short"), std::string::npos);
}

// BINARY(4) (type 254, real type 254, length 4): 'ab' + 0x00 0x00 is logged
// as the 2 bytes 'ab'. The literal must be the stored 4 bytes, or no row
// matches it.
TEST(BinlogRowsTest, BinaryValuesGetTheirTrailingZeroBytesBack) {
  const std::string types = Bytes({254}), meta = Bytes({254, 4});
  auto keys = DecodeRowKeys(types, meta, Bytes({0x00, 0x02, 'a', 'b'}), {{0, true, "binary"}});
  ASSERT_TRUE(keys.ok()) << keys.error().message;
  EXPECT_EQ((*keys)[0][0], "X'61620000'");
  // A CHAR(4) keeps what was logged: its trailing spaces do not count.
  auto chars = DecodeRowKeys(types, meta, Bytes({0x00, 0x02, 'a', 'b'}), {{0, true, "utf8mb4"}});
  ASSERT_TRUE(chars.ok()) << chars.error().message;
  EXPECT_EQ((*chars)[0][0], "_utf8mb4 X'6162'");
}

TEST(BinlogRowsTest, KeyTypesItCanDecode) {
  EXPECT_TRUE(BinlogKeyTypeSupported("bigint"));
  EXPECT_TRUE(BinlogKeyTypeSupported("varchar"));
  EXPECT_FALSE(BinlogKeyTypeSupported("datetime"));
  EXPECT_FALSE(BinlogKeyTypeSupported("decimal"));
}

}  // namespace
}  // namespace sluice::mysql
