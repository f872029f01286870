// Scenario 2: the MariaDB server stopped mid-run, on a server this test
// starts for itself (never the suite's): a short outage, and one long enough
// that sluice gives up with a clear error within a bounded time. After either,
// a rerun completes and the result is verified.
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "engine/sql/quote.h"
#include "tests/fault/fault_support.h"

namespace sluice::testing {
namespace {

constexpr int kRows = 20000;

class ServerRestartTest : public FaultTest {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sluice-fault-db-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    port_ = FreeTcpPort();
    ASSERT_GT(port_, 0);
    auto r = Db("start");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    auto dsn = Db("dsn");
    ASSERT_EQ(dsn.exit_code, 0) << dsn.output;
    std::string text = dsn.output.substr(0, dsn.output.find('\n'));
    // This process's tests use this server (ctest runs each test alone).
    setenv("SLUICE_TEST_DSN", text.c_str(), 1);
    FaultTest::SetUp();
  }
  void TearDown() override {
    FaultTest::TearDown();
    (void)Db("stop");
    std::error_code ec;
    if (!HasFailure()) std::filesystem::remove_all(dir_, ec);
  }
  CommandResult Db(const std::string& what) {
    return RunCommand(SluiceBinary() + " db " + what + " --db-dir " + ShellQuote(dir_) +
                      " --db-port " + std::to_string(port_));
  }
  void Restart() {
    auto r = Db("start");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    ASSERT_TRUE(conn().Reconnect().ok());
  }
  void Verify(const std::string& context) {
    std::string expected =
        Scalar("SELECT CONCAT(COUNT(*), ':', SUM(CRC32(CONCAT_WS('#', seq, seq % 1000, "
               "(seq % 1000) * 3 + 1)))) FROM seq_1_to_" + std::to_string(kRows));
    EXPECT_EQ(ContentHash("t", "id, v, w"), expected) << context;
    VerifyFinalState({"fr000002", {"fr000001", "fr000002"}, "t", {"idx_w"}, {"w"}}, context);
  }

  std::string dir_;
  int port_ = 0;
};

TEST_F(ServerRestartTest, ServerStoppedMidRun) {
  FaultSeed("the server stopped and restarted mid-run");
  SluiceProject p;
  p.AddRevision("fr000001", "",
                "CREATE TABLE t (id BIGINT PRIMARY KEY, v BIGINT NOT NULL, w BIGINT NULL,\n"
                "  KEY idx_w (w));\n-- sluice:step chunked=false\n"
                "INSERT INTO t (id, v) SELECT seq, seq % 1000 FROM seq_1_to_" +
                    std::to_string(kRows) + ";");
  p.AddRevision("fr000002", "fr000001",
                "-- sluice:step batch-size=200 workers=2 max-rate=5000 defer-indexes=all\n"
                "UPDATE t SET w = v * 3 + 1 WHERE w IS NULL;");

  for (double outage : {1.5, -1.0}) {  // -1: down until sluice gives up
    std::string name = outage > 0 ? "short outage" : "long outage";
    ResetDatabase();
    ASSERT_EQ(Sluice(p, "upgrade fr000001 --progress none").exit_code, 0);
    auto child = StartSluice(p, {"upgrade", "head", "--progress", "none"});
    ASSERT_NE(child, nullptr);
    SleepSeconds(1.0);
    ASSERT_TRUE(child->Running()) << child->Output();
    auto stopped = Db("stop");
    ASSERT_EQ(stopped.exit_code, 0) << stopped.output;
    auto t0 = std::chrono::steady_clock::now();
    int rc = -1;
    if (outage > 0) {
      SleepSeconds(outage);
      Restart();
      rc = child->Wait(180);
    } else {
      rc = child->Wait(300);
    }
    double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::string out = child->Output();
    auto e = out.rfind(" error ");
    std::string said = e == std::string::npos ? "" : out.substr(e, out.find('\n', e) - e);
    std::cout << "[fault] " << name << ": sluice exited " << rc << " after " << took
              << " s" << (said.empty() ? "" : "; it said:" + said) << std::endl;
    ASSERT_NE(rc, -1) << "sluice did not give up within the bound\n" << out;
    EXPECT_LT(rc, 128) << "crashed\n" << out;
    if (outage < 0) {
      EXPECT_EQ(rc, 1) << out;
      EXPECT_FALSE(said.empty()) << out;
      EXPECT_LT(took, 180) << "giving up took too long";
      Restart();
    }
    if (rc != 0) {
      auto r = Sluice(p, "upgrade head --lock-wait 30 --progress none");
      EXPECT_EQ(r.exit_code, 0) << name << ": the rerun failed\n" << r.output;
    }
    Verify(name);
  }
}

}  // namespace
}  // namespace sluice::testing
