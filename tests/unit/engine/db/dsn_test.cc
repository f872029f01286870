#include "engine/db/dsn.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

TEST(DsnTest, ParsesFullMysqlDsn) {
  auto d = ParseDsn("mysql://app:s3cret@db.example:3310/shop?connect-timeout=3&tls=required");
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->scheme, "mysql");
  EXPECT_EQ(d->user, "app");
  EXPECT_EQ(d->password, "s3cret");
  EXPECT_EQ(d->host, "db.example");
  EXPECT_EQ(d->port, 3310);
  EXPECT_EQ(d->database, "shop");
  EXPECT_EQ(d->connect_timeout_s, 3);
  EXPECT_EQ(d->tls, "required");
}

TEST(DsnTest, TidbSchemeDefaultsToPort4000) {
  auto d = ParseDsn("tidb://root@tidb-host/test");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->scheme, "tidb");
  EXPECT_EQ(d->port, 4000);
  EXPECT_FALSE(d->has_password);
}

TEST(DsnTest, SocketAndPercentEncodedPassword) {
  auto d = ParseDsn("mysql://root:p%40ss%3Aw@localhost/db?socket=%2Ftmp%2Fm.sock");
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->password, "p@ss:w");
  EXPECT_EQ(d->socket, "/tmp/m.sock");
}

TEST(DsnTest, UnescapedAtInPasswordUsesLastAt) {
  auto d = ParseDsn("mysql://u:pa@ss@h:1/d");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->password, "pa@ss");
  EXPECT_EQ(d->host, "h");
}

TEST(DsnTest, Ipv6Host) {
  auto d = ParseDsn("mysql://u@[::1]:3307/d");
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->host, "::1");
  EXPECT_EQ(d->port, 3307);
}

struct BadDsn {
  const char* text;
  const char* expected_part;
};

class BadDsnTest : public ::testing::TestWithParam<BadDsn> {};

TEST_P(BadDsnTest, NamesTheWrongPartAndIsInputError) {
  auto d = ParseDsn(GetParam().text);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().exit, ExitCode::kUsage);
  EXPECT_NE(d.error().message.find(GetParam().expected_part), std::string::npos)
      << d.error().message;
  EXPECT_EQ(d.error().message.find("hunter2"), std::string::npos) << "password leaked";
}

INSTANTIATE_TEST_SUITE_P(
    All, BadDsnTest,
    ::testing::Values(BadDsn{"localhost:3306", "scheme://"},
                      BadDsn{"postgres://u:hunter2@h/d", "unknown scheme 'postgres'"},
                      BadDsn{"mysql://u:hunter2@h:99999/d", "port"},
                      BadDsn{"mysql://u:hunter2@h:abc/d", "port"},
                      BadDsn{"mysql://u:hunter2@h/d?tls=maybe", "tls"},
                      BadDsn{"mysql://u:hunter2@h/d?colour=red", "unknown parameter 'colour'"},
                      BadDsn{"mysql://u:hunter2@h/d?connect-timeout=0", "connect-timeout"},
                      BadDsn{"mysql://:hunter2@h/d", "empty user"},
                      BadDsn{"mysql://u:hunt%zzer2@h/d", "password"},
                      BadDsn{"mysql://u@h/d?tls=verify-ca", "tls-ca"}));

TEST(DsnTest, RedactedHidesPasswordAndRoundTrips) {
  auto d = ParseDsn("mysql://app:hunter2@h:3306/db?socket=/s&connect-timeout=5");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->Redacted(), "mysql://app:***@h:3306/db?socket=%2Fs&connect-timeout=5");
  auto again = ParseDsn(d->ToString());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->password, "hunter2");
  EXPECT_EQ(again->socket, "/s");
  EXPECT_EQ(again->connect_timeout_s, 5);
}

TEST(DsnTest, RedactSecretsInFreeText) {
  EXPECT_EQ(RedactSecrets("failed on mysql://root:hunter2@h:1/d today"),
            "failed on mysql://root:***@h:1/d today");
  EXPECT_EQ(RedactSecrets("a tidb://u:p@x@y/db b mysql://v:q@z/d"),
            "a tidb://u:***@y/db b mysql://v:***@z/d");
  EXPECT_EQ(RedactSecrets("no dsn here: user@host"), "no dsn here: user@host");
}

}  // namespace
}  // namespace sluice
