#include "tests/support/test_db.h"

#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cstdlib>

#include "engine/sql/quote.h"

namespace sluice::testing {

Dsn ServerDsn() {
  const char* env = std::getenv("SLUICE_TEST_DSN");
  if (env == nullptr || *env == '\0') {
    ADD_FAILURE() << "SLUICE_TEST_DSN is not set: run the suite through scripts/test.sh, "
                     "which starts MariaDB";
    return Dsn{};
  }
  auto d = ParseDsn(env);
  if (!d.ok()) {
    ADD_FAILURE() << "SLUICE_TEST_DSN: " << d.error().message;
    return Dsn{};
  }
  return *d;
}

void TestDatabase::SetUp() {
  Dsn server = ServerDsn();
  ASSERT_FALSE(server.user.empty());
  server.database.clear();
  auto admin = Connection::Open(server);
  ASSERT_TRUE(admin.ok()) << admin.error().message;
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string("t_") + info->test_suite_name() + "_" + info->name();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  static std::atomic<int> counter{0};
  name = name.substr(0, 40) + "_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
  db_ = name;
  auto st = (*admin)->Exec("DROP DATABASE IF EXISTS " + sql::QuoteIdent(db_));
  ASSERT_TRUE(st.ok()) << st.error().message;
  st = (*admin)->Exec("CREATE DATABASE " + sql::QuoteIdent(db_));
  ASSERT_TRUE(st.ok()) << st.error().message;
  dsn_ = server;
  dsn_.database = db_;
}

void TestDatabase::TearDown() {
  conn_.reset();
  if (db_.empty() || HasFailure()) return;  // keep a failed test's data for a look
  Dsn server = dsn_;
  server.database.clear();
  auto admin = Connection::Open(server);
  if (admin.ok()) (void)(*admin)->Exec("DROP DATABASE IF EXISTS " + sql::QuoteIdent(db_));
}

Dsn TestDatabase::CreateAccount(const std::string& user) {
  const std::string account = sql::QuoteString(user) + "@'%'";
  Exec("DROP USER IF EXISTS " + account);
  Exec("CREATE USER " + account + " IDENTIFIED BY 'pw'");
  Exec("GRANT ALL ON " + sql::QuoteIdent(db_) + ".* TO " + account);
  Dsn d = dsn_;
  d.user = user;
  d.password = "pw";
  d.has_password = true;
  return d;
}

void TestDatabase::DropAccount(const std::string& user) {
  Exec("DROP USER IF EXISTS " + sql::QuoteString(user) + "@'%'");
}

Connection& TestDatabase::conn() {
  if (!conn_) conn_ = NewConnection();
  return *conn_;
}

std::unique_ptr<Connection> TestDatabase::NewConnection() {
  auto c = Connection::Open(dsn_);
  if (!c.ok()) {
    ADD_FAILURE() << c.error().message;
    return nullptr;
  }
  return std::move(c).value();
}

void TestDatabase::Exec(const std::string& sql) {
  auto r = conn().Exec(sql);
  ASSERT_TRUE(r.ok()) << sql << "\n-> " << r.error().ToString();
}

std::string TestDatabase::Scalar(const std::string& sql) {
  auto r = conn().Query(sql);
  EXPECT_TRUE(r.ok()) << sql << "\n-> " << (r.ok() ? "" : r.error().ToString());
  if (!r.ok() || r->rows.empty() || r->rows[0].empty() || !r->rows[0][0]) return "NULL";
  return *r->rows[0][0];
}

}  // namespace sluice::testing
