#include <gtest/gtest.h>

#include <chrono>

#include "engine/db/connection.h"
#include "tests/support/test_db.h"

namespace sluice {
namespace {

class ConnectionTest : public testing::TestDatabase {};

TEST_F(ConnectionTest, QueriesAndDetectsMariaDb) {
  auto& c = conn();
  EXPECT_EQ(c.server().flavor, Flavor::kMariaDB);
  EXPECT_GE(c.server().version.major, 10);
  Exec("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10) NULL)");
  auto ins = c.Exec("INSERT INTO t VALUES (1,'a'),(2,NULL)");
  ASSERT_TRUE(ins.ok()) << ins.error().message;
  EXPECT_EQ(ins->affected_rows, 2u);
  auto rs = c.Query("SELECT id, v AS Val FROM t ORDER BY id");
  ASSERT_TRUE(rs.ok());
  ASSERT_EQ(rs->rows.size(), 2u);
  EXPECT_EQ(rs->Column("val"), 1);
  EXPECT_EQ(rs->Column("nope"), -1);
  EXPECT_EQ(*rs->rows[0][1], "a");
  EXPECT_FALSE(rs->rows[1][1].has_value());
}

TEST_F(ConnectionTest, ServerErrorsCarryCodeStateAndClass) {
  auto r = conn().Query("SELECT * FROM no_such_table");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, 1146);
  EXPECT_EQ(r.error().sqlstate, "42S02");
  EXPECT_EQ(r.error().cls, ErrorClass::kFatal);
}

TEST_F(ConnectionTest, ReconnectsAfterKillConnection) {
  auto victim = NewConnection();
  ASSERT_TRUE(victim);
  unsigned long id = victim->ThreadId();
  Exec("KILL CONNECTION " + std::to_string(id));
  auto r = victim->Query("SELECT 1");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().cls, ErrorClass::kRetry) << r.error().ToString();
  ASSERT_TRUE(victim->Reconnect().ok());
  EXPECT_NE(victim->ThreadId(), id);
  auto again = victim->Query("SELECT DATABASE()");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again->rows[0][0], db_name());
}

TEST_F(ConnectionTest, SetupStatementsRunAfterReconnect) {
  auto c = Connection::Open(dsn(), {"SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED"});
  ASSERT_TRUE(c.ok());
  auto iso = (*c)->Query("SELECT @@tx_isolation");
  ASSERT_TRUE(iso.ok());
  EXPECT_EQ(*iso->rows[0][0], "READ-COMMITTED");
  Exec("KILL CONNECTION " + std::to_string((*c)->ThreadId()));
  ASSERT_TRUE((*c)->Reconnect().ok());
  iso = (*c)->Query("SELECT @@tx_isolation");
  ASSERT_TRUE(iso.ok());
  EXPECT_EQ(*iso->rows[0][0], "READ-COMMITTED");
}

TEST_F(ConnectionTest, WrongPasswordIsAccessDeniedWithoutThePassword) {
  Dsn bad = dsn();
  bad.user = "sluice_nobody";
  bad.password = "hunter2-secret";
  bad.has_password = true;
  auto c = Connection::Open(bad);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, 1045);
  EXPECT_NE(c.error().message.find("Access denied for user 'sluice_nobody'"), std::string::npos)
      << c.error().message;
  EXPECT_EQ(c.error().message.find("hunter2-secret"), std::string::npos);
  EXPECT_EQ(c.error().cls, ErrorClass::kFatal);
}

TEST_F(ConnectionTest, ReadTimeoutInterruptsALongQuery) {
  Dsn d = dsn();
  d.read_timeout_s = 1;
  auto c = Connection::Open(d);
  ASSERT_TRUE(c.ok());
  auto start = std::chrono::steady_clock::now();
  auto r = (*c)->Query("SELECT SLEEP(10)");
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, 2013) << r.error().ToString();
  EXPECT_LT(took, std::chrono::seconds(8));
}

TEST_F(ConnectionTest, UnreachableHostFailsWithinConnectTimeout) {
  Dsn d = dsn();
  d.socket.clear();
  d.host = "127.0.0.1";
  d.port = 1;  // nothing listens on port 1: refused at once
  d.connect_timeout_s = 2;
  auto start = std::chrono::steady_clock::now();
  auto c = Connection::Open(d);
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, 2002 == c.error().code ? 2002 : 2003) << c.error().ToString();
  EXPECT_LT(took, std::chrono::seconds(4));
  EXPECT_NE(c.error().message.find("cannot connect to mysql://"), std::string::npos);
}

}  // namespace
}  // namespace sluice
