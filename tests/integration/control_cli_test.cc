// `sluice status | pause | resume | set | cut-over | abort` against a live
// control socket: the real binary talks to a ControlServer on RunControl.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "engine/exec/run_control.h"
#include "engine/progress/control_handler.h"
#include "engine/progress/control_server.h"

namespace sluice {
namespace {

struct Outcome {
  int code = -1;
  std::string out;  // stdout and stderr
};

Outcome Sluice(const std::string& args) {
  Outcome o;
  FILE* p = ::popen((std::string(SLUICE_BINARY) + " " + args + " 2>&1").c_str(), "r");
  if (p == nullptr) return o;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) o.out.append(buf, n);
  int status = ::pclose(p);
  o.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return o;
}

TEST(ControlCliTest, ThinClientsActOnTheRun) {
  auto dir = std::filesystem::temp_directory_path() / ("sluice-cli-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const std::string path = (dir / "run.sock").string();
  const std::string sock = " --control-socket " + path;

  Outcome none = Sluice("status" + sock);
  EXPECT_EQ(none.code, 1);
  EXPECT_NE(none.out.find("no migration is running"), std::string::npos) << none.out;

  RunControl control;
  ProgressReporter progress;
  ProgressSnapshot s;
  s.step = 3;
  s.step_kind = "data";
  s.table = "orders";
  s.rows_done = 1500;
  s.rows_estimated = 3000;
  progress.Snapshot(s);
  ControlContext ctx{&control, &progress, nullptr};
  auto server = ControlServer::Start({.path = path},
                                     [&ctx](const std::string& l) { return HandleControlLine(l, ctx); });
  ASSERT_TRUE(server.ok()) << server.error().message;

  Outcome st = Sluice("status" + sock);
  EXPECT_EQ(st.code, 0) << st.out;
  EXPECT_NE(st.out.find("step 3 data orders   50.0%  1,500/3,000 rows"), std::string::npos) << st.out;

  EXPECT_EQ(Sluice("pause" + sock).code, 0);
  EXPECT_TRUE(control.paused());
  Outcome js = Sluice("status --json" + sock);
  auto j = nlohmann::json::parse(js.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << js.out;
  EXPECT_EQ(j["paused"], true);
  EXPECT_EQ(Sluice("resume" + sock).code, 0);
  EXPECT_FALSE(control.paused());

  Outcome set = Sluice("set batch-size=9" + sock);
  EXPECT_EQ(set.code, 0) << set.out;
  EXPECT_EQ(control.batch_size(), 9);
  Outcome bad = Sluice("set speed=9" + sock);
  EXPECT_EQ(bad.code, 2) << bad.out;
  EXPECT_NE(bad.out.find("unknown key 'speed'"), std::string::npos);

  EXPECT_EQ(Sluice("cut-over" + sock).code, 0);
  EXPECT_TRUE(control.cut_over_requested());
  EXPECT_EQ(Sluice("abort" + sock).code, 0);
  EXPECT_TRUE(control.aborted());

  server->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sluice
