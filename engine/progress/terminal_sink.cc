#include "engine/progress/terminal_sink.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>

#include "engine/progress/progress_format.h"

namespace sluice {
namespace {

constexpr const char* kEraseLine = "\r\x1b[2K";

std::string StateKey(const ProgressSnapshot& s) {
  if (s.paused) return "paused";
  if (!s.run_state.empty()) return s.run_state;
  return s.throttled ? "throttled: " + s.throttle_reason : "";
}

}  // namespace

TerminalSink::TerminalSink(FILE* out, TerminalSinkOptions opts, MonotonicClock& clock)
    : out_(out), opts_(std::move(opts)), clock_(clock) {
  if (opts_.mode == "bar") {
    bar_ = true;
  } else if (opts_.mode == "plain") {
    bar_ = false;
  } else {
    bar_ = ::isatty(::fileno(out_)) == 1;
  }
  if (bar_) SetLogLineGuard(this);
}

TerminalSink::~TerminalSink() {
  if (bar_) SetLogLineGuard(nullptr);
}

void TerminalSink::BeforeLogLine() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!bar_drawn_) return;
  std::fputs(kEraseLine, out_);
  std::fflush(out_);
}

void TerminalSink::AfterLogLine() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!bar_drawn_) return;
  // The width may have changed since: render the line again.
  const std::string line = RenderBarLine(bar_snapshot_, Width() - 1);
  std::fprintf(out_, "%s%s", kEraseLine, line.c_str());
  std::fflush(out_);
}

int TerminalSink::Width() const {
  if (opts_.width > 0) return opts_.width;
  struct winsize ws {};
  if (::ioctl(::fileno(out_), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  if (const char* cols = std::getenv("COLUMNS")) {
    int n = std::atoi(cols);
    if (n > 0) return n;
  }
  return 100;
}

void TerminalSink::BreakBar() {
  if (bar_drawn_) std::fputs("\n", out_);
  bar_drawn_ = false;
}

void TerminalSink::Update(const ProgressSnapshot& s, bool force) {
  const double now = clock_.Now();
  const std::string state = StateKey(s);
  const bool state_changed = state != last_state_;
  const double interval = bar_ ? opts_.bar_interval_s : opts_.plain_interval_s;
  if (!force && !state_changed && last_draw_ >= 0 && now - last_draw_ < interval) return;
  last_draw_ = now;
  last_state_ = state;
  if (bar_) {
    // Keep one column free: writing the last column makes some terminals wrap.
    bar_snapshot_ = s;
    const std::string line = RenderBarLine(s, Width() - 1);
    std::fprintf(out_, "%s%s", kEraseLine, line.c_str());
    bar_drawn_ = true;
  } else {
    std::fprintf(out_, "%s\n", RenderPlainLine(s).c_str());
  }
  std::fflush(out_);
}

void TerminalSink::OnSnapshot(const ProgressSnapshot& s) {
  std::lock_guard<std::mutex> lock(mu_);
  Update(s, false);
}

void TerminalSink::OnBatch(const ProgressSnapshot& s, const BatchEvent& /*e*/) {
  std::lock_guard<std::mutex> lock(mu_);
  Update(s, false);
}

void TerminalSink::OnRetry(const ProgressSnapshot& s, ErrorClass c, const Error& e) {
  (void)s;
  (void)c;
  (void)e;  // retries are logged by the engine; the bar shows the count
}

void TerminalSink::OnThrottle(const ProgressSnapshot& s, const std::string& /*reason*/,
                              double /*seconds*/) {
  std::lock_guard<std::mutex> lock(mu_);
  Update(s, false);
}

void TerminalSink::OnFinish(const ProgressSnapshot& s, const Status& st) {
  std::lock_guard<std::mutex> lock(mu_);
  if (bar_) {
    std::fprintf(out_, "%s%s", kEraseLine, RenderBarLine(s, Width() - 1).c_str());
    bar_drawn_ = true;
    BreakBar();
  }
  std::string title = FormatStepTitle(s);
  if (st.ok() && HasNoRowCount(s)) {
    std::fprintf(out_, "%s done\n", title.c_str());
  } else if (st.ok()) {
    std::fprintf(out_, "%s done: %s rows\n", title.c_str(), FormatCount(s.rows_done).c_str());
  } else {
    std::fprintf(out_, "%s stopped after %s rows: %s\n", title.c_str(),
                 FormatCount(s.rows_done).c_str(), st.error().message.c_str());
  }
  std::fflush(out_);
  last_draw_ = -1;
  last_state_.clear();
}

}  // namespace sluice
