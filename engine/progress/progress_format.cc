#include "engine/progress/progress_format.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace sluice {

std::string FormatDuration(double seconds) {
  if (seconds < 0 || !std::isfinite(seconds)) return "?";
  auto total = static_cast<uint64_t>(std::llround(seconds));
  uint64_t h = total / 3600, m = (total % 3600) / 60, sec = total % 60;
  if (h > 0) return fmt::format("{}h{:02}m", h, m);
  if (m > 0) return fmt::format("{}m{:02}s", m, sec);
  return fmt::format("{}s", sec);
}

std::string FormatCount(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string FormatStepTitle(const ProgressSnapshot& s) {
  std::string out;
  auto add = [&out](const std::string& part) {
    if (part.empty()) return;
    if (!out.empty()) out += ' ';
    out += part;
  };
  if (s.step > 0) add(fmt::format("step {}", s.step));
  add(s.step_kind);
  add(s.table);
  if (!s.phase.empty()) add("(" + s.phase + ")");
  return out;
}

bool HasNoRowCount(const ProgressSnapshot& s) {
  return s.rows_estimated == 0 && s.rows_done == 0 && s.rows_per_s <= 0 && s.batch_size == 0;
}

std::string FormatStatus(const ProgressSnapshot& s) {
  std::string out;
  if (HasNoRowCount(s)) {
    // E.g. an in-place ALTER on MariaDB: one statement, no rows to show.
    out = "no row count";
  } else if (s.rows_estimated > 0) {
    out = fmt::format("{:5.1f}%  {}/{} rows", s.Ratio() * 100, FormatCount(s.rows_done),
                      FormatCount(s.rows_estimated));
  } else {
    out = fmt::format("{} rows", FormatCount(s.rows_done));
  }
  if (!HasNoRowCount(s)) {
    out += fmt::format("  {} rows/s  ETA {}", FormatCount(static_cast<uint64_t>(
                                                  std::llround(std::max(0.0, s.rows_per_s)))),
                       FormatDuration(s.eta_s));
  }
  if (s.batch_size > 0) {
    out += fmt::format("  batch {}", FormatCount(s.batch_size));
    if (!s.batch_mode.empty()) out += " " + s.batch_mode;
  }
  if (s.workers > 0) out += fmt::format("  workers {}", s.workers);
  if (s.retries > 0) out += fmt::format("  retries {}", s.retries);
  if (!s.sizing_reason.empty()) out += "  smaller: " + s.sizing_reason;
  if (!s.state.empty()) out += "  " + s.state;
  if (s.paused) {
    out += "  PAUSED";
  } else if (!s.run_state.empty()) {
    out += "  " + s.run_state + "...";  // pausing / stopping: batches still running
  } else if (s.throttled) {
    out += "  THROTTLED: " + (s.throttle_reason.empty() ? std::string("?") : s.throttle_reason);
  }
  return out;
}

std::string FormatBar(const ProgressSnapshot& s, int width) {
  if (width < 3) return "";
  const int cells = width - 2;
  std::string bar = "[";
  if (s.rows_estimated == 0) {
    bar += std::string(cells, '?');
  } else {
    int filled = static_cast<int>(std::floor(s.Ratio() * cells));
    bar += std::string(filled, '#') + std::string(cells - filled, '-');
  }
  return bar + "]";
}

std::string RenderBarLine(const ProgressSnapshot& s, int width) {
  std::string title = FormatStepTitle(s);
  std::string status = FormatStatus(s);
  const int fixed = static_cast<int>(title.size() + status.size()) + 4;
  const int bar_width = std::min(32, width - fixed);
  std::string line = title;
  if (bar_width >= 12 && !HasNoRowCount(s)) line += "  " + FormatBar(s, bar_width);
  line += "  " + status;
  if (width > 0 && static_cast<int>(line.size()) > width) line.resize(width);
  return line;
}

std::string RenderPlainLine(const ProgressSnapshot& s) {
  return FormatStepTitle(s) + "  " + FormatStatus(s);
}

}  // namespace sluice
