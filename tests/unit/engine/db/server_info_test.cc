#include "engine/db/server_info.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

TEST(ServerInfoTest, MariaDb) {
  auto s = ServerInfo::FromVersionString("10.11.6-MariaDB-0+deb12u1-log");
  EXPECT_EQ(s.flavor, Flavor::kMariaDB);
  EXPECT_EQ(s.version.major, 10);
  EXPECT_EQ(s.version.minor, 11);
  EXPECT_EQ(s.version.patch, 6);
}

TEST(ServerInfoTest, MySql) {
  auto s = ServerInfo::FromVersionString("8.4.2");
  EXPECT_EQ(s.flavor, Flavor::kMySQL);
  EXPECT_TRUE(s.version.AtLeast(8, 4));
  EXPECT_FALSE(s.version.AtLeast(8, 5));
}

TEST(ServerInfoTest, TidbUsesItsOwnVersion) {
  auto s = ServerInfo::FromVersionString("8.0.11-TiDB-v8.5.1");
  EXPECT_EQ(s.flavor, Flavor::kTiDB);
  EXPECT_EQ(s.version.major, 8);
  EXPECT_EQ(s.version.minor, 5);
  EXPECT_EQ(s.version.patch, 1);
  EXPECT_TRUE(s.version.AtLeast(7, 2));
  auto old = ServerInfo::FromVersionString("5.7.25-TiDB-v6.5.0");
  EXPECT_FALSE(old.version.AtLeast(7, 2));
}

}  // namespace
}  // namespace sluice
