// Terminal progress: on a TTY a one-line bar redrawn in place (carriage
// return + erase line) at the bottom: each log line clears it, is printed,
// and the bar is drawn again below it (as tqdm and indicatif do). Its width
// follows the terminal at every redraw. Otherwise one plain line every few
// seconds.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>

#include "engine/log.h"
#include "engine/progress/progress.h"
#include "engine/throttle/clock.h"

namespace sluice {

struct TerminalSinkOptions {
  std::string mode = "auto";     // auto (bar on a TTY, else plain) | bar | plain
  double plain_interval_s = 5;   // plain: at most one line per this many seconds
  double bar_interval_s = 0.1;   // bar: redraw at most this often
  int width = 0;                 // columns; 0: ask the terminal (fallback $COLUMNS, then 100)
};

class TerminalSink : public ProgressSink, public LogLineGuard {
 public:
  // `out` is not owned (stderr by default in the CLI). A bar sink guards the
  // log lines while it lives.
  explicit TerminalSink(FILE* out, TerminalSinkOptions opts = {},
                        MonotonicClock& clock = RealClock::Instance());
  ~TerminalSink() override;
  TerminalSink(const TerminalSink&) = delete;
  TerminalSink& operator=(const TerminalSink&) = delete;

  void BeforeLogLine() override;
  void AfterLogLine() override;

  void OnSnapshot(const ProgressSnapshot& s) override;
  void OnBatch(const ProgressSnapshot& s, const BatchEvent& e) override;
  void OnRetry(const ProgressSnapshot& s, ErrorClass c, const Error& e) override;
  void OnThrottle(const ProgressSnapshot& s, const std::string& reason, double seconds) override;
  void OnFinish(const ProgressSnapshot& s, const Status& st) override;

  bool bar() const { return bar_; }

 private:
  void Update(const ProgressSnapshot& s, bool force);
  int Width() const;
  // Ends the bar line so that a normal line can follow.
  void BreakBar();

  std::mutex mu_;  // the sink's calls against the log lines of other threads
  FILE* out_;
  TerminalSinkOptions opts_;
  MonotonicClock& clock_;
  bool bar_ = false;
  bool bar_drawn_ = false;  // a bar is on the current line
  ProgressSnapshot bar_snapshot_;  // what it shows, to draw it again after a log line
  double last_draw_ = -1;
  std::string last_state_;  // throttle/pause state of the last line, to print changes at once
};

}  // namespace sluice
