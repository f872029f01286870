// Passwords appear nowhere: not in ps (argv is overwritten), logs, errors, the
// state tables or --sql output. The control socket is private (0600). Each
// test makes a MariaDB user with a password and drives the real binary.
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "engine/sql/quote.h"
#include "tests/support/sluice_project.h"
#include "tests/support/test_db.h"

namespace sluice::testing {
namespace {

class SecuritySecretsTest : public TestDatabase {
 protected:
  void SetUp() override {
    TestDatabase::SetUp();
    if (HasFatalFailure()) return;
    static std::atomic<int> n{0};
    user_ = "sec_" + std::to_string(getpid()) + "_" + std::to_string(n++);
    // '@' and '!' on purpose: the parser must take the last '@', and the
    // percent-encoded form must not leak either.
    password_ = "S3cr@t!Pw_" + std::to_string(getpid());
    for (const char* host : {"%", "localhost"}) {
      std::string account = sql::QuoteString(user_) + "@" + sql::QuoteString(host);
      Exec("CREATE USER " + account + " IDENTIFIED BY " + sql::QuoteString(password_));
      Exec("GRANT ALL ON " + sql::QuoteIdent(db_name()) + ".* TO " + account);
    }
    Dsn d = dsn();
    d.user = user_;
    d.password = password_;
    d.has_password = true;
    user_dsn_ = d.ToString();
  }
  void TearDown() override {
    for (const char* host : {"%", "localhost"}) {
      (void)conn().Exec("DROP USER IF EXISTS " + sql::QuoteString(user_) + "@" +
                        sql::QuoteString(host));
    }
    TestDatabase::TearDown();
  }

  // Fails when `text` holds the password, its percent-encoded form, or a
  // recognisable part of it.
  void ExpectNoSecret(const std::string& text, const std::string& where,
                      const std::string& secret = "") const {
    const std::string& pw = secret.empty() ? password_ : secret;
    EXPECT_EQ(text.find(pw), std::string::npos) << where << " shows the password:\n" << text;
    EXPECT_EQ(text.find("S3cr%40t"), std::string::npos) << where << " shows it encoded:\n"
                                                        << text;
    EXPECT_EQ(text.find("t!Pw_"), std::string::npos) << where << " shows part of it:\n" << text;
  }

  // Every cell of a table, joined.
  std::string Dump(const std::string& table) {
    auto rs = conn().Query("SELECT * FROM " + sql::QuoteIdent(table));
    EXPECT_TRUE(rs.ok()) << table;
    std::string out;
    if (!rs.ok()) return out;
    for (const auto& row : rs->rows) {
      for (const auto& cell : row) out += (cell ? *cell : "NULL") + "|";
      out += "\n";
    }
    return out;
  }

  std::string user_;
  std::string password_;
  std::string user_dsn_;
};

bool WaitFor(const std::function<bool()>& cond, double seconds) {
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::milliseconds(static_cast<int>(seconds * 1000));
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return cond();
}

// A sluice waiting on the migrator lock (--lock-wait) is a real, long-running
// process: its argv as ps shows it must hold "***", not the password. Its
// environment (where SLUICE_DSN would be) is readable only by its owner.
TEST_F(SecuritySecretsTest, PasswordOnTheCommandLineIsHiddenFromPs) {
  SluiceProject p;
  p.AddRevision("sec00001", "", "CREATE TABLE t (id INT PRIMARY KEY, v INT);\n"
                               "INSERT INTO t VALUES (1, 1), (2, 2);");
  std::string lock = "sluice:" + db_name();
  ASSERT_EQ(Scalar("SELECT GET_LOCK(" + sql::QuoteString(lock) + ", 0)"), "1");

  auto child = p.Start("", {"--dsn", user_dsn_, "--log-level", "debug", "upgrade", "head",
                            "--lock-wait", "60", "--progress", "plain"});
  ASSERT_NE(child, nullptr);
  // It waits in GET_LOCK: from then on it is past option parsing.
  ASSERT_TRUE(WaitFor(
      [&] {
        return Scalar("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = " +
                      sql::QuoteString(user_) + " AND INFO LIKE '%GET_LOCK%'") == "1";
      },
      20))
      << child->Output();

  std::string cmdline = ProcCmdline(child->pid());
  ExpectNoSecret(cmdline, "/proc/PID/cmdline");
  EXPECT_NE(cmdline.find("mysql://" + user_ + ":***@"), std::string::npos) << cmdline;
  auto ps = RunCommand("ps -ww -o args= -p " + std::to_string(child->pid()));
  ExpectNoSecret(ps.output, "ps");
  EXPECT_NE(ps.output.find(":***@"), std::string::npos) << ps.output;

  struct stat st {};
  ASSERT_EQ(stat(("/proc/" + std::to_string(child->pid()) + "/environ").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0400u) << "SLUICE_DSN would not be private";

  EXPECT_EQ(Scalar("SELECT RELEASE_LOCK(" + sql::QuoteString(lock) + ")"), "1");
  EXPECT_EQ(child->Wait(60), 0) << child->Output();
  ExpectNoSecret(child->Output(), "upgrade output");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM t"), "2");
  ExpectNoSecret(Dump("sluice_history"), "sluice_history");
  ExpectNoSecret(Dump("sluice_version"), "sluice_version");
  ExpectNoSecret(Dump("sluice_lock"), "sluice_lock");
}

// Whoever can write to the control socket can pause, abort or cut over: it is
// 0600 in a 0700 directory while a migration runs (here one waiting for
// `sluice cut-over`), and it is gone afterwards.
TEST_F(SecuritySecretsTest, ControlSocketIsPrivate) {
  SluiceProject p;
  p.AddRevision("sec00001", "", "CREATE TABLE t (id INT PRIMARY KEY, v INT);\n"
                               "INSERT INTO t SELECT seq, seq FROM seq_1_to_2000;");
  p.AddRevision("sec00002", "sec00001",
                "-- sluice:step strategy=copy\nALTER TABLE t ADD COLUMN w INT NULL;",
                "ALTER TABLE t DROP COLUMN w;");
  // As root: a user without SUPER cannot create the copy's triggers while
  // the binary log is on (MariaDB error 1419).
  auto child = p.Start(dsn_string(), {"upgrade", "head", "--postpone-cut-over", "--progress",
                                      "plain"});
  ASSERT_NE(child, nullptr);
  std::string sock = p.dir() + "/.sluice/run.sock";
  struct stat st {};
  ASSERT_TRUE(WaitFor([&] { return stat(sock.c_str(), &st) == 0; }, 20)) << child->Output();
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "control socket mode " << std::oct
                                      << (st.st_mode & 0777);
  ASSERT_EQ(stat((p.dir() + "/.sluice").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0077, 0u) << "socket directory mode " << std::oct
                                   << (st.st_mode & 0777);
  // Wait for the copy to reach the postponed cut-over, then release it.
  ASSERT_TRUE(WaitFor(
      [&] {
        auto r = p.Run("", "status --json");
        return r.output.find("waiting for cut-over") != std::string::npos;
      },
      30))
      << p.Run("", "status --json").output << child->Output();
  auto r = p.Run("", "cut-over");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(child->Wait(60), 0) << child->Output();
  EXPECT_NE(stat(sock.c_str(), &st), 0) << "the socket outlived the run";
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM t WHERE w IS NULL"), "2000");
}

// SLUICE_DSN is the safe way: nothing of it reaches argv.
TEST_F(SecuritySecretsTest, DsnFromTheEnvironmentStaysOutOfArgv) {
  SluiceProject p;
  p.AddRevision("sec00001", "", "CREATE TABLE t (id INT PRIMARY KEY);");
  std::string lock = "sluice:" + db_name();
  ASSERT_EQ(Scalar("SELECT GET_LOCK(" + sql::QuoteString(lock) + ", 0)"), "1");
  auto child = p.Start(user_dsn_, {"upgrade", "head", "--lock-wait", "60", "--progress",
                                   "none"});
  ASSERT_NE(child, nullptr);
  ASSERT_TRUE(WaitFor(
      [&] {
        return Scalar("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = " +
                      sql::QuoteString(user_) + " AND INFO LIKE '%GET_LOCK%'") == "1";
      },
      20))
      << child->Output();
  std::string cmdline = ProcCmdline(child->pid());
  ExpectNoSecret(cmdline, "/proc/PID/cmdline");
  EXPECT_EQ(cmdline.find(user_), std::string::npos) << cmdline;
  EXPECT_EQ(Scalar("SELECT RELEASE_LOCK(" + sql::QuoteString(lock) + ")"), "1");
  EXPECT_EQ(child->Wait(60), 0) << child->Output();
  ExpectNoSecret(child->Output(), "upgrade output");
}

// Errors of every kind, at the most verbose log level, as text and as JSON.
TEST_F(SecuritySecretsTest, ErrorsAndLogsNeverShowThePassword) {
  SluiceProject p;
  p.AddRevision("sec00001", "", "CREATE TABLE t (id INT PRIMARY KEY);");
  Dsn wrong = *ParseDsn(user_dsn_);
  wrong.password = password_ + "_wrong";
  Dsn refused = *ParseDsn(user_dsn_);
  refused.port = 1;
  for (const std::string log : {"--log-level trace", "--log-level trace --log-json"}) {
    // Access denied, with the DSN in the environment and on the command line.
    auto r = p.Run(wrong.ToString(), log + " upgrade head");
    EXPECT_NE(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("ccess denied"), std::string::npos) << r.output;
    ExpectNoSecret(r.output, "access denied (env)", wrong.password);
    r = p.Run("", log + " --dsn " + ShellQuote(wrong.ToString()) + " current");
    EXPECT_NE(r.exit_code, 0) << r.output;
    ExpectNoSecret(r.output, "access denied (--dsn)", wrong.password);
    // Nothing listens.
    r = p.Run(refused.ToString(), log + " current");
    EXPECT_NE(r.exit_code, 0) << r.output;
    ExpectNoSecret(r.output, "connection refused");
    // Malformed DSNs: the message names the part, never the password.
    for (const std::string& bad :
         {"mysql://" + user_ + ":" + password_ + "@127.0.0.1:notaport/db",
          "mysql://" + user_ + ":" + password_ + "@127.0.0.1/db?bogus=1",
          "mysql://" + user_ + ":" + password_ + "@127.0.0.1/db?tls=maybe",
          "mysql://" + user_ + ":" + password_ + "@127.0.0.1/db?connect-timeout=x",
          "postgres://" + user_ + ":" + password_ + "@127.0.0.1/db"}) {
      r = p.Run(bad, log + " current");
      EXPECT_EQ(r.exit_code, 2) << bad << "\n" << r.output;
      ExpectNoSecret(r.output, "bad DSN error");
      r = p.Run("", log + " --dsn " + ShellQuote(bad) + " current");
      EXPECT_EQ(r.exit_code, 2) << r.output;
      ExpectNoSecret(r.output, "bad --dsn error");
    }
    // A successful run, at trace level.
    r = p.Run(user_dsn_, log + " upgrade head");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    ExpectNoSecret(r.output, "upgrade at trace level");
    for (const char* cmd : {"current", "history", "history --runs", "heads", "check"}) {
      r = p.Run(user_dsn_, log + " " + cmd);
      ExpectNoSecret(r.output, cmd);
    }
  }
  // A password in sluice.ini (discouraged, but it must not leak either).
  p.WriteFile("sluice.ini", "versions = versions\ndsn = " + wrong.ToString() + "\n");
  auto r = p.Run("", "--log-level trace current");
  EXPECT_NE(r.exit_code, 0) << r.output;
  ExpectNoSecret(r.output, "DSN from sluice.ini", wrong.password);
}

// A revision failing midway records its error in sluice_history: the error
// text must not carry the DSN.
TEST_F(SecuritySecretsTest, FailedRunRecordsNoPassword) {
  SluiceProject p;
  p.AddRevision("sec00001", "",
                "CREATE TABLE t (id INT PRIMARY KEY);\n"
                "INSERT INTO no_such_table VALUES (1);");
  auto r = p.Run(user_dsn_, "--log-level debug upgrade head");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  ExpectNoSecret(r.output, "failed upgrade");
  std::string history = Dump("sluice_history");
  EXPECT_NE(history.find("failed"), std::string::npos) << history;
  ExpectNoSecret(history, "sluice_history after a failure");
}

// --sql connects to nothing and prints no DSN.
TEST_F(SecuritySecretsTest, SqlOutputHasNoPassword) {
  SluiceProject p;
  p.AddRevision("sec00001", "", "CREATE TABLE t (id INT PRIMARY KEY, v INT);");
  p.AddRevision("sec00002", "sec00001",
                "-- sluice:step batch-size=100\nUPDATE t SET v = 1 WHERE v IS NULL;",
                "UPDATE t SET v = NULL;");
  for (const std::string& args :
       {std::string("upgrade head --sql"), std::string("downgrade sec00002:base --sql"),
        std::string("alter t \"ADD COLUMN w INT\" --sql"),
        "--dsn " + ShellQuote(user_dsn_) + " upgrade head --sql"}) {
    auto r = p.Run(user_dsn_, "--log-level trace " + args);
    EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.output;
    ExpectNoSecret(r.output, args);
  }
}

// A huge argument once overflowed the stack while argv was being redacted.
TEST_F(SecuritySecretsTest, HugeDsnArgumentFailsCleanly) {
  SluiceProject p;
  std::string huge = "mysql://u:" + std::string(120000, 'a') + "@127.0.0.1:1/x";
  auto r = p.Run("", "--dsn " + ShellQuote(huge) + " current");
  EXPECT_GE(r.exit_code, 1) << r.output;
  EXPECT_LT(r.exit_code, 128) << "killed by a signal";
  EXPECT_EQ(r.output.find(std::string(64, 'a')), std::string::npos);
}

}  // namespace
}  // namespace sluice::testing
