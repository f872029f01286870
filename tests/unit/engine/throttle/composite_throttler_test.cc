#include "engine/throttle/composite_throttler.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "engine/exec/run_control.h"
#include "engine/throttle/flag_file_signal.h"
#include "engine/throttle/manual_pause_signal.h"
#include "engine/throttle/throttle_wait.h"

namespace sluice {
namespace {

// A signal whose answer the test sets; counts how often it is read.
class ScriptedSignal : public ThrottleSignal {
 public:
  ScriptedSignal(std::string name, bool cheap = false) : name_(std::move(name)), cheap_(cheap) {}
  std::string Name() const override { return name_; }
  bool Cheap() const override { return cheap_; }
  Result<ThrottleDecision> Check() override {
    ++reads;
    if (fail) return RuntimeError("connection refused");
    return next;
  }
  void Hold(const std::string& reason) { next = {true, false, reason, "", 0, false, 0.5, ""}; }
  void Critical(const std::string& reason) { next = {true, true, reason, "", 0, false, 0.5, ""}; }
  void Clear() { next = {}; }

  ThrottleDecision next;
  bool fail = false;
  int reads = 0;

 private:
  std::string name_;
  bool cheap_;
};

struct Fixture : ::testing::Test {
  FakeClock clock;
  CompositeThrottler throttler{1.0, 10.0, clock};
  ScriptedSignal* Add(const std::string& name, bool cheap = false) {
    auto s = std::make_unique<ScriptedSignal>(name, cheap);
    ScriptedSignal* raw = s.get();
    throttler.Add(std::move(s));
    return raw;
  }
};

TEST_F(Fixture, NoSignalsNeverThrottles) {
  ThrottleDecision d = throttler.Check();
  EXPECT_FALSE(d.throttle);
  EXPECT_FALSE(d.abort);
  EXPECT_EQ(d.reason, "");
}

TEST_F(Fixture, ReasonsOfAllThrottlingSignalsAreJoined) {
  auto* load = Add("load");
  auto* lag = Add("lag");
  auto* flag = Add("flag-file");
  load->Hold("Threads_running=57 > 50");
  lag->Hold("replica r1:3306 lag 12s > 5s");
  ThrottleDecision d = throttler.Check();
  EXPECT_TRUE(d.throttle);
  EXPECT_EQ(d.reason, "Threads_running=57 > 50; replica r1:3306 lag 12s > 5s");
  EXPECT_EQ(d.signal, "load,lag");
  (void)flag;
}

TEST_F(Fixture, SlowSignalsAreCachedForTheCheckInterval) {
  auto* load = Add("load");
  load->Hold("Threads_running=60 > 50");
  EXPECT_TRUE(throttler.Check().throttle);
  load->Clear();
  clock.Advance(0.5);
  EXPECT_TRUE(throttler.Check().throttle) << "within the interval the cached answer holds";
  EXPECT_EQ(load->reads, 1);
  clock.Advance(0.6);
  EXPECT_FALSE(throttler.Check().throttle);
  EXPECT_EQ(load->reads, 2);
}

TEST_F(Fixture, CheapSignalsAreReadEveryTime) {
  auto* pause = Add("pause", /*cheap=*/true);
  auto* load = Add("load");
  EXPECT_FALSE(throttler.Check().throttle);
  pause->Hold("paused by operator");
  ThrottleDecision d = throttler.Check();
  EXPECT_TRUE(d.throttle);
  EXPECT_EQ(d.reason, "paused by operator");
  EXPECT_EQ(pause->reads, 2);
  EXPECT_EQ(load->reads, 1);
}

TEST_F(Fixture, UnreadableSignalThrottlesAndSaysWhy) {
  auto* lag = Add("lag");
  lag->fail = true;
  ThrottleDecision d = throttler.Check();
  EXPECT_TRUE(d.throttle);
  EXPECT_FALSE(d.abort);
  EXPECT_EQ(d.reason, "lag: cannot read: connection refused");
  EXPECT_EQ(d.signal, "lag");
}

TEST_F(Fixture, CriticalAbortsOnlyAfterTheGracePeriod) {
  auto* load = Add("load");
  load->Critical("Threads_running=250 > critical 200");
  ThrottleDecision d = throttler.Check();
  EXPECT_TRUE(d.throttle);
  EXPECT_FALSE(d.abort);
  EXPECT_NE(d.reason.find("Threads_running=250 > critical 200"), std::string::npos);
  EXPECT_NE(d.reason.find("aborting in 10s if it stays"), std::string::npos) << d.reason;
  clock.Advance(9);
  EXPECT_FALSE(throttler.Check().abort);
  clock.Advance(1.1);  // past the grace and past the check interval
  d = throttler.Check();
  EXPECT_TRUE(d.abort);
  EXPECT_NE(d.reason.find("critical for 10s"), std::string::npos) << d.reason;
}

TEST_F(Fixture, CriticalGraceRestartsWhenTheValueDrops) {
  auto* load = Add("load");
  load->Critical("Threads_running=250 > critical 200");
  throttler.Check();
  clock.Advance(8);
  throttler.Check();
  load->Hold("Threads_running=120 > 100");
  clock.Advance(1);
  EXPECT_FALSE(throttler.Check().abort);
  load->Critical("Threads_running=250 > critical 200");
  clock.Advance(1);
  EXPECT_FALSE(throttler.Check().abort);
  clock.Advance(9);
  EXPECT_FALSE(throttler.Check().abort) << "9s since it went critical again";
  clock.Advance(1);
  EXPECT_TRUE(throttler.Check().abort);
}

TEST_F(Fixture, TimeThrottledIsCountedPerReason) {
  auto* load = Add("load");
  auto* lag = Add("lag");
  std::map<std::string, double> heard;
  throttler.SetListener([&](const ThrottleDecision&, const std::map<std::string, double>& added) {
    for (const auto& [k, v] : added) heard[k] += v;
  });
  load->Hold("Threads_running=60 > 50");
  throttler.Check();
  clock.Advance(2);
  lag->Hold("replica lag 9s > 5s");
  throttler.Check();  // 2s of load
  clock.Advance(3);
  load->Clear();
  lag->Clear();
  EXPECT_FALSE(throttler.Check().throttle);  // 3s of load and lag
  clock.Advance(5);
  throttler.Check();  // not throttled: nothing added
  auto secs = throttler.ThrottledSeconds();
  EXPECT_DOUBLE_EQ(secs["load"], 5);
  EXPECT_DOUBLE_EQ(secs["lag"], 3);
  EXPECT_DOUBLE_EQ(heard["load"], 5);
  EXPECT_DOUBLE_EQ(heard["lag"], 3);
  throttler.AddThrottledTime("rate", 1.5);
  EXPECT_DOUBLE_EQ(throttler.ThrottledSeconds()["rate"], 1.5);
  EXPECT_DOUBLE_EQ(heard["rate"], 1.5);
}

TEST_F(Fixture, WaitUntilClearAbortsTheRunOnCritical) {
  auto* load = Add("load");
  CompositeThrottler quick(1.0, 0.0, clock);  // no grace
  auto s = std::make_unique<ScriptedSignal>("load");
  s->Critical("Threads_running=300 > critical 200");
  quick.Add(std::move(s));
  RunControl control;
  EXPECT_FALSE(WaitUntilClear(quick, control, std::chrono::milliseconds(1)));
  EXPECT_TRUE(control.aborted());
  EXPECT_NE(control.abort_reason().find("Threads_running=300 > critical 200"), std::string::npos);
  (void)load;
}

TEST_F(Fixture, WaitUntilClearReturnsWhenReleased) {
  auto* pause = Add("pause", true);
  RunControl control;
  pause->Hold("paused by operator");
  int checks = 0;
  throttler.SetListener([&](const ThrottleDecision&, const std::map<std::string, double>&) {
    if (++checks == 3) pause->Clear();
  });
  EXPECT_TRUE(WaitUntilClear(throttler, control, std::chrono::milliseconds(1)));
  EXPECT_GE(checks, 3);
  EXPECT_FALSE(control.aborted());
}

TEST(FlagFileSignalTest, ThrottlesWhileTheFileExists) {
  auto path = std::filesystem::temp_directory_path() /
              ("sluice_flag_" + std::to_string(::getpid()));
  std::filesystem::remove(path);
  FlagFileSignal signal(path.string());
  EXPECT_TRUE(signal.Cheap());
  EXPECT_FALSE(signal.Check()->throttle);
  std::ofstream(path) << "x";
  auto d = signal.Check();
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->throttle);
  EXPECT_EQ(d->reason, "flag file " + path.string() + " exists");
  std::filesystem::remove(path);
  EXPECT_FALSE(signal.Check()->throttle);
}

TEST(ManualPauseSignalTest, FollowsRunControl) {
  RunControl control;
  ManualPauseSignal signal(control);
  EXPECT_FALSE(signal.Check()->throttle);
  control.Pause();
  EXPECT_TRUE(signal.Check()->throttle);
  EXPECT_EQ(signal.Check()->reason, "paused by operator");
  control.Resume();
  EXPECT_FALSE(signal.Check()->throttle);
}

}  // namespace
}  // namespace sluice
