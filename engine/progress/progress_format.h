// Human-readable rendering of a progress snapshot: the terminal bar and the
// plain status line share these.
#pragma once

#include <cstdint>
#include <string>

#include "engine/progress/progress.h"

namespace sluice {

// 42s, 3m05s, 2h14m; "?" for a negative (unknown) duration.
std::string FormatDuration(double seconds);
// 1,234,567
std::string FormatCount(uint64_t n);
// "step 2 data orders" (the parts that are known).
std::string FormatStepTitle(const ProgressSnapshot& s);
// Everything after the title: %, rows done/total, rows/s, ETA, batch size,
// workers, throttle state and reason.
std::string FormatStatus(const ProgressSnapshot& s);
// A step with nothing to count: no rows, estimate, rate or batches (a plain
// statement the server runs without reporting progress).
bool HasNoRowCount(const ProgressSnapshot& s);
// "[#####-----]" of `width` cells (including brackets); "[?]"-style when the total is unknown.
std::string FormatBar(const ProgressSnapshot& s, int width);
// One line, at most `width` columns: title, bar (when there is room), status.
std::string RenderBarLine(const ProgressSnapshot& s, int width);
// One plain line for logs and non-TTY output: title and status.
std::string RenderPlainLine(const ProgressSnapshot& s);

}  // namespace sluice
