// tls=required / verify-ca / verify-identity against a MariaDB this test
// starts with a certificate it generates itself (openssl), and a clear
// failure for tls=required against a server without TLS.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "engine/db/connection.h"
#include "tests/support/child_process.h"
#include "tests/support/sluice_project.h"
#include "tests/support/test_db.h"

namespace sluice::testing {
namespace {

class SecurityTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sluice-tls-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    port_ = FreeTcpPort();
    ASSERT_GT(port_, 0);
    // A CA, a server certificate it signs for 127.0.0.1, and an unrelated CA.
    const std::string d = ShellQuote(dir_);
    auto r = RunCommand(
        "cd " + d +
        " && openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=sluice-test-ca "
        "-keyout ca.key -out ca.pem"
        " && openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout server.key "
        "-out server.csr"
        " && printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > san.ext"
        " && openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 "
        "-out server.pem -extfile san.ext"
        " && openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=other-ca "
        "-keyout other.key -out other.pem");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    // A tmpdir of its own: a MariaDB starting up deletes every #sql* file in
    // its tmpdir, also those of other tests' servers and installs.
    const std::string tmpdir = "--tmpdir=" + dir_ + "/tmp";
    std::filesystem::create_directories(dir_ + "/tmp");
    r = RunCommand("mariadb-install-db --no-defaults --datadir=" + d +
                   "/data --auth-root-authentication-method=normal --skip-test-db --user=root " +
                   ShellQuote(tmpdir));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    server_ = ChildProcess::Start(
        {"/usr/sbin/mariadbd", "--no-defaults", "--datadir=" + dir_ + "/data", tmpdir,
         "--port=" + std::to_string(port_), "--bind-address=127.0.0.1",
         "--socket=" + dir_ + "/sock", "--user=root", "--skip-log-bin",
         "--innodb-buffer-pool-size=32M", "--ssl-ca=" + dir_ + "/ca.pem",
         "--ssl-cert=" + dir_ + "/server.pem", "--ssl-key=" + dir_ + "/server.key"});
    ASSERT_NE(server_, nullptr);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!Open("tls=required").ok()) {
      ASSERT_TRUE(server_->Running()) << server_->Output();
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << server_->Output();
      usleep(100000);
    }
  }
  void TearDown() override {
    if (server_) {
      server_->Signal(SIGTERM);
      if (server_->Wait(30) < 0) server_->Signal(SIGKILL);
    }
    std::error_code ec;
    if (!HasFailure()) std::filesystem::remove_all(dir_, ec);
  }
  std::string Dsn(const std::string& params, const std::string& db = "") const {
    return "mysql://root@127.0.0.1:" + std::to_string(port_) + "/" + db + "?" + params;
  }
  Result<std::unique_ptr<Connection>> Open(const std::string& params) const {
    auto d = ParseDsn(Dsn(params));
    if (!d.ok()) return d.error();
    return Connection::Open(*d);
  }
  // The session's TLS cipher ("" without TLS).
  std::string Cipher(Connection& c) {
    auto rs = c.Query("SHOW SESSION STATUS LIKE 'Ssl_cipher'");
    EXPECT_TRUE(rs.ok());
    if (!rs.ok() || rs->rows.empty() || !rs->rows[0][1]) return "";
    return *rs->rows[0][1];
  }

  std::string dir_;
  int port_ = 0;
  std::unique_ptr<ChildProcess> server_;
};

TEST_F(SecurityTlsTest, RequiredAndVerifiedConnectionsUseTls) {
  const std::string ca = "tls-ca=" + dir_ + "/ca.pem";
  for (const std::string& params :
       {std::string("tls=required"), "tls=verify-ca&" + ca, "tls=verify-identity&" + ca}) {
    auto c = Open(params);
    ASSERT_TRUE(c.ok()) << params << ": " << c.error().message;
    EXPECT_NE(Cipher(**c), "") << params << " connected without TLS";
  }
  auto plain = Open("tls=disabled");
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  EXPECT_EQ(Cipher(**plain), "") << "tls=disabled used TLS: the check above proves nothing";

  // A CA that did not sign the server's certificate is refused.
  auto wrong = Open("tls=verify-ca&tls-ca=" + dir_ + "/other.pem");
  ASSERT_FALSE(wrong.ok()) << "verify-ca accepted a certificate from another CA";
  EXPECT_NE(wrong.error().message.find("SSL"), std::string::npos) << wrong.error().message;

  // The real binary runs a migration over a verified TLS connection.
  ASSERT_TRUE((*plain)->Exec("CREATE DATABASE tls_app").ok());
  SluiceProject p;
  p.AddRevision("tls00001", "", "CREATE TABLE t (id INT PRIMARY KEY);\n"
                               "INSERT INTO t VALUES (1), (2), (3);");
  auto r = p.Run(Dsn("tls=verify-identity&" + ca, "tls_app"), "upgrade head --progress none");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  auto rows = (*plain)->Query("SELECT COUNT(*) FROM tls_app.t");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->rows[0][0].value_or(""), "3");
}

// The suite's server (sluice db start) has no TLS: tls=required must fail
// clearly instead of falling back to plain text.
TEST(SecurityTlsPlainServerTest, RequiredAgainstPlainServerFailsClearly) {
  Dsn server = ServerDsn();
  server.tls = "disabled";
  auto admin = Connection::Open(server);
  ASSERT_TRUE(admin.ok()) << admin.error().message;
  auto ssl = (*admin)->Query("SELECT @@have_ssl");
  ASSERT_TRUE(ssl.ok());
  std::string have_ssl = ssl->rows[0][0].value_or("");
  if (have_ssl == "YES") GTEST_SKIP() << "the suite's server has TLS on";
  server.tls = "required";
  auto c = Connection::Open(server);
  ASSERT_FALSE(c.ok()) << "tls=required connected to a server without TLS";
  EXPECT_NE(c.error().message.find("SSL"), std::string::npos) << c.error().message;
  SluiceProject p;
  auto r = p.Run(server.ToString(), "current");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("SSL"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace sluice::testing
