// `sluice db ...` against a real mariadbd started in a temporary directory on
// its own port, and the CLI's handling of bad input.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/support/run_command.h"
#include "tests/support/test_db.h"

namespace sluice {
namespace {

using testing::RunCommand;
using testing::SluiceBinary;

class LocalServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("sluice-db-test-" + std::to_string(getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    RunCommand(Db("stop"));
    std::filesystem::remove_all(dir_);
  }
  std::string Db(const std::string& action, int port = kPort) const {
    return "cd '" + dir_.string() + "' && " + SluiceBinary() + " db " + action +
           " --db-port " + std::to_string(port);
  }
  static int CountServers(const std::string& dir) {
    // [r] keeps pgrep from matching the shell that runs it.
    auto r = RunCommand("pgrep -f -- '--datadi[r]=" + dir + "' | wc -l");
    return std::stoi(r.output);
  }
  static constexpr int kPort = 3391;
  std::filesystem::path dir_;
};

TEST_F(LocalServerTest, StartDsnStopTwiceLeavesNoServer) {
  for (int round = 0; round < 2; ++round) {
    auto start = RunCommand(Db("start"));
    ASSERT_EQ(start.exit_code, 0) << start.output;
    auto again = RunCommand(Db("start"));  // idempotent
    ASSERT_EQ(again.exit_code, 0) << again.output;
    EXPECT_NE(again.output.find("already running"), std::string::npos) << again.output;
    auto dsn = RunCommand(Db("dsn"));
    ASSERT_EQ(dsn.exit_code, 0);
    EXPECT_NE(dsn.output.find("mysql://root@127.0.0.1:3391/sluice"), std::string::npos)
        << dsn.output;
    auto q = RunCommand("mariadb -h127.0.0.1 -P3391 -uroot -N -e 'SELECT @@log_bin, "
                        "@@binlog_format, @@server_id > 0, @@event_scheduler'");
    EXPECT_EQ(q.output, "1\tROW\t1\tON\n");
    auto stop = RunCommand(Db("stop"));
    ASSERT_EQ(stop.exit_code, 0) << stop.output;
    EXPECT_EQ(CountServers((dir_ / ".sluice/db/data").string()), 0);
    auto status = RunCommand(Db("status"));
    EXPECT_EQ(status.exit_code, 1);
    EXPECT_NE(status.output.find("not running"), std::string::npos);
  }
}

TEST_F(LocalServerTest, BusyPortIsAClearError) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(3392);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  auto start = RunCommand("timeout 30 sh -c \"" + Db("start", 3392) + "\"");
  close(fd);
  EXPECT_EQ(start.exit_code, 1) << start.output;
  EXPECT_NE(start.output.find("port 3392 on 127.0.0.1 is already in use"), std::string::npos)
      << start.output;
}

TEST_F(LocalServerTest, StalePidFileIsRemovedWithAWarning) {
  std::filesystem::create_directories(dir_ / ".sluice/db");
  std::ofstream(dir_ / ".sluice/db/mariadbd.pid") << "999999\n";
  auto start = RunCommand(Db("start", 3393));
  ASSERT_EQ(start.exit_code, 0) << start.output;
  EXPECT_NE(start.output.find("stale pid file"), std::string::npos) << start.output;
  EXPECT_EQ(RunCommand(Db("stop", 3393)).exit_code, 0);
}

TEST(CliInputTest, UnknownCommandAndFlagExitTwo) {
  auto cmd = RunCommand(SluiceBinary() + " frobnicate");
  EXPECT_EQ(cmd.exit_code, 2);
  EXPECT_NE(cmd.output.find("unknown command 'frobnicate'"), std::string::npos);
  auto flag = RunCommand(SluiceBinary() + " db status --frob");
  EXPECT_EQ(flag.exit_code, 2);
  EXPECT_NE(flag.output.find("--frob"), std::string::npos);
  auto level = RunCommand(SluiceBinary() + " --log-level loud db status");
  EXPECT_EQ(level.exit_code, 2);
}

}  // namespace
}  // namespace sluice
