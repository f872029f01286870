#include "engine/progress/control_command.h"

#include <gtest/gtest.h>

#include "engine/progress/control_handler.h"
#include "engine/throttle/composite_throttler.h"

namespace sluice {
namespace {

using Kind = ControlCommand::Kind;

TEST(ControlCommandTest, SimpleCommands) {
  EXPECT_EQ(ParseControlCommand("status")->kind, Kind::kStatus);
  EXPECT_EQ(ParseControlCommand("  pause \r")->kind, Kind::kPause);
  EXPECT_EQ(ParseControlCommand("resume")->kind, Kind::kResume);
  EXPECT_EQ(ParseControlCommand("cut-over")->kind, Kind::kCutOver);
  auto abort = ParseControlCommand("abort");
  ASSERT_TRUE(abort.ok());
  EXPECT_EQ(abort->kind, Kind::kAbort);
  EXPECT_EQ(abort->reason, "");
  EXPECT_EQ(ParseControlCommand("abort wrong table")->reason, "wrong table");
}

TEST(ControlCommandTest, Set) {
  auto c = ParseControlCommand("set batch-size=500");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->kind, Kind::kSet);
  EXPECT_EQ(c->key, "batch-size");
  EXPECT_EQ(c->value, 500);
  c = ParseControlCommand("set workers = 8");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->key, "workers");
  EXPECT_EQ(c->value, 8);
  c = ParseControlCommand("set max-rate=2500.5");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->value, 2500.5);
}

TEST(ControlCommandTest, Errors) {
  auto bad = [](const char* line) {
    auto c = ParseControlCommand(line);
    EXPECT_FALSE(c.ok()) << line;
    return c.ok() ? std::string() : c.error().message;
  };
  EXPECT_NE(bad("").find("empty command"), std::string::npos);
  EXPECT_NE(bad("stop").find("unknown command 'stop'"), std::string::npos);
  EXPECT_NE(bad("pause now").find("pause takes no argument"), std::string::npos);
  EXPECT_NE(bad("set batch-size").find("expected KEY=VALUE"), std::string::npos);
  EXPECT_NE(bad("set speed=3").find("unknown key 'speed'"), std::string::npos);
  EXPECT_NE(bad("set workers=0").find("not a positive number"), std::string::npos);
  EXPECT_NE(bad("set workers=-2").find("not a positive number"), std::string::npos);
  EXPECT_NE(bad("set workers=2.5").find("not a positive integer"), std::string::npos);
  EXPECT_NE(bad("set batch-size=12abc").find("not a positive number"), std::string::npos);
  EXPECT_NE(bad("set max-rate=").find("not a positive number"), std::string::npos);
}

TEST(ControlHandlerTest, CommandsActOnRunControl) {
  RunControl control;
  ProgressReporter progress;
  ProgressSnapshot s;
  s.table = "orders";
  s.rows_done = 42;
  progress.Snapshot(s);
  ControlContext ctx{&control, &progress, nullptr};

  auto j = HandleControlLine("pause", ctx);
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["command"], "pause");
  EXPECT_TRUE(control.paused());
  j = HandleControlLine("status", ctx);
  EXPECT_EQ(j["paused"], true);
  EXPECT_EQ(j["snapshot"]["rows_done"], 42);
  EXPECT_EQ(j["snapshot"]["table"], "orders");
  HandleControlLine("resume", ctx);
  EXPECT_FALSE(control.paused());

  j = HandleControlLine("set batch-size=250", ctx);
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(control.batch_size(), 250);
  HandleControlLine("set workers=3", ctx);
  EXPECT_EQ(control.workers(), 3);
  HandleControlLine("set max-rate=99.5", ctx);
  EXPECT_EQ(control.max_rate(), 99.5);
  j = HandleControlLine("status", ctx);
  EXPECT_EQ(j["overrides"]["batch_size"], 250);
  EXPECT_EQ(j["overrides"]["workers"], 3);

  j = HandleControlLine("cut-over", ctx);
  EXPECT_TRUE(control.cut_over_requested());

  j = HandleControlLine("bogus", ctx);
  EXPECT_EQ(j["ok"], false);
  EXPECT_NE(j["error"].get<std::string>().find("unknown command"), std::string::npos);

  j = HandleControlLine("abort wrong table", ctx);
  EXPECT_TRUE(control.aborted());
  EXPECT_EQ(control.abort_reason(), "aborted by operator: wrong table");
  EXPECT_EQ(HandleControlLine("status", ctx)["aborted"], true);
}

TEST(ControlHandlerTest, StatusCarriesThrottleState) {
  RunControl control;
  FakeClock clock;
  CompositeThrottler throttler(1, 10, clock);
  ControlContext ctx{&control, nullptr, &throttler};
  throttler.AddThrottledTime("rate", 2);
  auto j = HandleControlLine("status", ctx);
  EXPECT_TRUE(j["snapshot"].is_null());
  EXPECT_EQ(j["throttle"]["throttled"], false);
  EXPECT_EQ(j["throttle"]["seconds"]["rate"], 2);
}

}  // namespace
}  // namespace sluice
