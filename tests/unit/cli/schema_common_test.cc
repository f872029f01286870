#include "cli/cmd_schema_common.h"

#include <gtest/gtest.h>

namespace sluice::cli {
namespace {

TEST(SchemaCommon, ADevServerOfAnotherFlavourIsRefused) {
  const ServerInfo mariadb = ServerInfo::FromVersionString("10.11.6-MariaDB-0+deb12u1");
  const ServerInfo tidb = ServerInfo::FromVersionString("8.0.11-TiDB-v8.5.1");
  const ServerInfo other_mariadb = ServerInfo::FromVersionString("11.4.2-MariaDB");
  EXPECT_TRUE(CheckSameFlavor(mariadb, other_mariadb).ok());
  Status refused = CheckSameFlavor(tidb, mariadb);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().exit, ExitCode::kUsage);
  EXPECT_NE(refused.error().message.find("the development server is MariaDB"), std::string::npos)
      << refused.error().message;
  EXPECT_NE(refused.error().message.find("the target is TiDB"), std::string::npos)
      << refused.error().message;
  EXPECT_FALSE(CheckSameFlavor(mariadb, tidb).ok());
}

}  // namespace
}  // namespace sluice::cli
