#include "engine/progress/terminal_sink.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "engine/progress/progress.h"

namespace sluice {
namespace {

// Captures what a sink writes.
class Capture {
 public:
  Capture() { file_ = ::open_memstream(&buf_, &size_); }
  ~Capture() {
    std::fclose(file_);
    std::free(buf_);
  }
  FILE* file() { return file_; }
  std::string text() {
    std::fflush(file_);
    return std::string(buf_, size_);
  }

 private:
  char* buf_ = nullptr;
  size_t size_ = 0;
  FILE* file_;
};

ProgressSnapshot At(uint64_t rows) {
  static const ProgressSnapshot kBase = [] {
    ProgressSnapshot s;
    s.step = 1;
    s.step_kind = "data";
    s.table = "items";
    s.rows_estimated = 1000;
    return s;
  }();
  ProgressSnapshot s = kBase;
  s.rows_done = rows;
  return s;
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

TEST(TerminalSinkTest, AutoIsPlainWhenNotATty) {
  Capture out;
  TerminalSink sink(out.file());
  EXPECT_FALSE(sink.bar());
}

TEST(TerminalSinkTest, BarRedrawsInPlace) {
  Capture out;
  FakeClock clock;
  TerminalSink sink(out.file(), {.mode = "bar", .bar_interval_s = 0.1, .width = 120}, clock);
  for (int i = 1; i <= 5; ++i) {
    sink.OnSnapshot(At(i * 100));
    clock.Advance(0.2);
  }
  std::string text = out.text();
  EXPECT_EQ(Count(text, "\r\x1b[2K"), 5u);
  EXPECT_EQ(Count(text, "\n"), 0u) << "the bar stays on one line";
  EXPECT_NE(text.find("500/1,000 rows"), std::string::npos);
  sink.OnFinish(At(1000), Status::Ok());
  text = out.text();
  EXPECT_NE(text.find("step 1 data items done: 1,000 rows\n"), std::string::npos) << text;
}

TEST(TerminalSinkTest, BarRedrawIsRateLimited) {
  Capture out;
  FakeClock clock;
  TerminalSink sink(out.file(), {.mode = "bar", .bar_interval_s = 0.1, .width = 120}, clock);
  for (int i = 1; i <= 50; ++i) sink.OnSnapshot(At(i));  // no time passes
  EXPECT_EQ(Count(out.text(), "\r\x1b[2K"), 1u);
}

TEST(TerminalSinkTest, PlainWritesOneLineEveryInterval) {
  Capture out;
  FakeClock clock;
  TerminalSink sink(out.file(), {.mode = "plain", .plain_interval_s = 5}, clock);
  for (int i = 0; i < 20; ++i) {  // 20 snapshots over 10 s
    sink.OnSnapshot(At(i * 10));
    clock.Advance(0.5);
  }
  std::string text = out.text();
  EXPECT_EQ(Count(text, "\n"), 2u) << text;
  EXPECT_EQ(Count(text, "\r"), 0u);
  EXPECT_EQ(text.rfind("step 1 data items ", 0), 0u);
}

TEST(TerminalSinkTest, ThrottleChangeIsShownAtOnce) {
  Capture out;
  FakeClock clock;
  TerminalSink sink(out.file(), {.mode = "plain", .plain_interval_s = 5}, clock);
  sink.OnSnapshot(At(10));
  ProgressSnapshot s = At(20);
  s.throttled = true;
  s.throttle_reason = "replica 127.0.0.1:3414: SQL thread stopped, lag unknown";
  sink.OnThrottle(s, "lag", 0.25);
  std::string text = out.text();
  EXPECT_EQ(Count(text, "\n"), 2u);
  EXPECT_NE(text.find("THROTTLED: replica 127.0.0.1:3414: SQL thread stopped"), std::string::npos);
}

TEST(TerminalSinkTest, FailedStepSaysWhy) {
  Capture out;
  TerminalSink sink(out.file(), {.mode = "plain"});
  sink.OnFinish(At(300), Status(RuntimeError("aborted by operator")));
  EXPECT_NE(out.text().find("step 1 data items stopped after 300 rows: aborted by operator"),
            std::string::npos);
}

// A schema step the server runs in one statement publishes snapshots but no
// Finish: the Runner's FinishOpenStep ends its bar once, and later log lines
// no longer redraw it.
TEST(TerminalSinkTest, FinishOpenStepEndsALingeringBarOnce) {
  Capture out;
  FakeClock clock;
  auto sink = std::make_shared<TerminalSink>(
      out.file(), TerminalSinkOptions{.mode = "bar", .bar_interval_s = 0.1, .width = 120}, clock);
  ProgressReporter reporter;
  reporter.AddSink(sink);
  ProgressSnapshot s = At(0);
  s.step_kind = "schema";
  reporter.Snapshot(s);
  reporter.FinishOpenStep(Status::Ok());
  reporter.FinishOpenStep(Status::Ok());
  const std::string finished = out.text();
  EXPECT_EQ(Count(finished, "done: 0 rows"), 1u) << finished;
  sink->BeforeLogLine();
  sink->AfterLogLine();
  EXPECT_EQ(out.text(), finished) << "a finished step's bar was redrawn after a log line";
}

}  // namespace
}  // namespace sluice
