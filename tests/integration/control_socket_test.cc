// The control socket on a run executing real batches: pause, resume and
// set batch-size change what the workers do and show in `status`; abort
// stops the run; the socket is 0600 and removed on exit.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "engine/progress/control_client.h"
#include "engine/progress/control_handler.h"
#include "engine/progress/control_server.h"
#include "engine/progress/throttle_progress.h"
#include "engine/throttle/composite_throttler.h"
#include "engine/throttle/manual_pause_signal.h"
#include "tests/integration/progress_batch_loop.h"
#include "tests/support/test_db.h"

namespace sluice {
namespace {

using namespace std::chrono_literals;

class ControlSocketTest : public testing::TestDatabase {
 protected:
  void SetUp() override {
    testing::TestDatabase::SetUp();
    dir_ = std::filesystem::temp_directory_path() / ("sluice-ctl-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    path_ = (dir_ / ".sluice" / "run.sock").string();
  }
  void TearDown() override {
    std::filesystem::remove_all(dir_);
    testing::TestDatabase::TearDown();
  }
  nlohmann::json Send(const std::string& line) {
    auto r = SendControlCommand(path_, line);
    EXPECT_TRUE(r.ok()) << line << ": " << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : nlohmann::json{};
  }
  // Waits until `pred` holds (up to 5 s).
  template <typename Pred>
  bool Eventually(Pred pred) {
    for (int i = 0; i < 250; ++i) {
      if (pred()) return true;
      std::this_thread::sleep_for(20ms);
    }
    return pred();
  }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(ControlSocketTest, PauseResumeSetAndAbortARunningStep) {
  Exec("CREATE TABLE items (id INT PRIMARY KEY, v INT NOT NULL DEFAULT 0)");
  Exec("INSERT INTO items (id) SELECT seq FROM seq_1_to_100000");
  RunControl control;
  ProgressReporter progress;
  CompositeThrottler throttler(1, 10);
  throttler.Add(std::make_unique<ManualPauseSignal>(control));
  ReportThrottlingTo(throttler, progress);
  ControlContext ctx{&control, &progress, &throttler};
  auto server = ControlServer::Start({.path = path_},
                                     [&ctx](const std::string& line) {
                                       return HandleControlLine(line, ctx);
                                     });
  ASSERT_TRUE(server.ok()) << server.error().message;

  struct stat st;
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  ConnectionFactory f(dsn());
  testing::BatchLoop loop(f, control, progress, &throttler);
  Status result;
  std::thread runner([&] {
    result = loop.Run({.rows = 100000, .batch_size = 20, .pause_between_s = 0.01});
  });
  ASSERT_TRUE(Eventually([&] { return loop.rows_done() > 0; }));

  auto status = Send("status");
  EXPECT_EQ(status["ok"], true);
  EXPECT_EQ(status["command"], "status");
  EXPECT_EQ(status["paused"], false);
  EXPECT_EQ(status["snapshot"]["table"], "items");
  EXPECT_EQ(status["snapshot"]["batch_size"], 20);

  // pause: batches stop (the one in flight may finish)
  EXPECT_EQ(Send("pause")["paused"], true);
  std::this_thread::sleep_for(300ms);
  const uint64_t paused_at = loop.rows_done();
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(loop.rows_done(), paused_at) << "batches ran while paused";
  status = Send("status");
  EXPECT_EQ(status["paused"], true);
  EXPECT_EQ(status["throttle"]["throttled"], true);
  EXPECT_EQ(status["throttle"]["reason"], "paused by operator");
  EXPECT_EQ(status["snapshot"]["paused"], true);

  // resume: batches run again
  EXPECT_EQ(Send("resume")["paused"], false);
  EXPECT_TRUE(Eventually([&] { return loop.rows_done() > paused_at; }));

  // set batch-size: the next batches use it, and status shows it
  auto set = Send("set batch-size=7");
  EXPECT_EQ(set["ok"], true);
  EXPECT_EQ(set["key"], "batch-size");
  EXPECT_TRUE(Eventually([&] { return Send("status")["snapshot"]["batch_size"] == 7; }));
  EXPECT_EQ(loop.last_batch_size(), 7);
  EXPECT_EQ(Send("status")["overrides"]["batch_size"], 7);

  // a bad command is an {"ok": false} answer, and the connection stays usable
  auto bad = Send("set batch-size=zero");
  EXPECT_EQ(bad["ok"], false);
  EXPECT_NE(bad["error"].get<std::string>().find("not a positive number"), std::string::npos);

  // abort: the run stops; every counted row was committed
  auto abort = Send("abort");
  EXPECT_EQ(abort["aborted"], true);
  runner.join();
  EXPECT_TRUE(control.aborted());
  EXPECT_LT(loop.rows_done(), 100000u);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM items WHERE v = 1"), std::to_string(loop.rows_done()));
  EXPECT_EQ(Send("status")["aborted"], true);

  (*server)->Stop();
  EXPECT_FALSE(std::filesystem::exists(path_)) << "socket left behind";
  auto gone = SendControlCommand(path_, "status");
  ASSERT_FALSE(gone.ok());
  EXPECT_NE(gone.error().message.find("no migration is running"), std::string::npos);
}

TEST_F(ControlSocketTest, ASecondRunCannotTakeALiveSocketButReplacesAStaleOne) {
  auto echo = [](const std::string& line) { return nlohmann::json{{"ok", true}, {"echo", line}}; };
  auto first = ControlServer::Start({.path = path_}, echo);
  ASSERT_TRUE(first.ok()) << first.error().message;
  auto second = ControlServer::Start({.path = path_}, echo);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().message.find("in use"), std::string::npos);
  first->reset();  // destructor stops and removes
  EXPECT_FALSE(std::filesystem::exists(path_));

  // A socket file nobody listens on (a killed run) is replaced.
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path_.c_str());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ::close(fd);
  ASSERT_TRUE(std::filesystem::exists(path_));
  auto third = ControlServer::Start({.path = path_}, echo);
  ASSERT_TRUE(third.ok()) << third.error().message;
  auto answer = SendControlCommand(path_, "hello");
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_EQ((*answer)["echo"], "hello");
}

}  // namespace
}  // namespace sluice
