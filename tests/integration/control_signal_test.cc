// Real SIGINT/SIGTERM on a process running batches: the first one stops
// handing out batches, lets the running one commit and exits 3 with every
// counted row committed (resumable); a second one exits at once.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "tests/support/test_db.h"

namespace sluice {
namespace {

using namespace std::chrono_literals;

class ControlSignalTest : public testing::TestDatabase {
 protected:
  void SetUp() override {
    testing::TestDatabase::SetUp();
    if (HasFatalFailure()) return;
    Exec("CREATE TABLE items (id INT PRIMARY KEY, v INT NOT NULL DEFAULT 0)");
    Exec("INSERT INTO items (id) SELECT seq FROM seq_1_to_100000");
  }
  void TearDown() override {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (out_fd_ >= 0) ::close(out_fd_);
    testing::TestDatabase::TearDown();
  }
  void Spawn() {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fds[1], STDOUT_FILENO);
      ::close(fds[0]);
      ::close(fds[1]);
      std::string dsn = dsn_string();
      ::execl(PROGRESS_DEMO, PROGRESS_DEMO, dsn.c_str(), "plain", "0.01", nullptr);
      ::_exit(127);
    }
    ::close(fds[1]);
    out_fd_ = fds[0];
  }
  // Waits for the child; returns its exit code (-1 on timeout or a signal death).
  int Wait(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(10ms);
    }
    return -1;
  }
  std::string Output() {
    std::string out;
    char buf[256];
    ssize_t n;
    while ((n = ::read(out_fd_, buf, sizeof(buf))) > 0) out.append(buf, static_cast<size_t>(n));
    return out;
  }
  long Updated() { return std::stol(Scalar("SELECT COUNT(*) FROM items WHERE v = 1")); }

  pid_t pid_ = -1;
  int out_fd_ = -1;
};

TEST_F(ControlSignalTest, FirstSigintStopsCleanlyWithExitCode3) {
  Spawn();
  for (int i = 0; i < 500 && Updated() < 50; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_GE(Updated(), 50) << "the run did not start";
  ::kill(pid_, SIGINT);
  EXPECT_EQ(Wait(10s), 3);
  std::string out = Output();
  ASSERT_NE(out.find("rows_done="), std::string::npos) << out;
  const long done = std::stol(out.substr(out.find("rows_done=") + 10));
  EXPECT_LT(done, 100000);
  // Every batch it counted committed, and nothing else: resumable from here.
  EXPECT_EQ(Updated(), done);
}

TEST_F(ControlSignalTest, SecondSignalExitsAtOnce) {
  // Hold a lock on the table's rows so the running batch cannot finish.
  auto locker = NewConnection();
  ASSERT_NE(locker, nullptr);
  Spawn();
  for (int i = 0; i < 500 && Updated() < 50; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(locker->Exec("BEGIN").ok());
  ASSERT_TRUE(locker->Query("SELECT id FROM items FOR UPDATE").ok());
  std::this_thread::sleep_for(200ms);  // the next batch now waits for the lock
  ::kill(pid_, SIGTERM);
  EXPECT_EQ(Wait(700ms), -1) << "first signal must wait for the running batch";
  ::kill(pid_, SIGTERM);
  EXPECT_EQ(Wait(2s), 3);
  ASSERT_TRUE(locker->Exec("ROLLBACK").ok());
}

}  // namespace
}  // namespace sluice
