#include "engine/progress/progress_format.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

ProgressSnapshot Sample() {
  ProgressSnapshot s;
  s.revision = "4b1c2e9f0a7d";
  s.step = 2;
  s.step_kind = "data";
  s.table = "orders";
  s.rows_done = 452000;
  s.rows_estimated = 1000000;
  s.rows_per_s = 12345.4;
  s.eta_s = 44.4;
  s.batch_size = 1000;
  s.workers = 4;
  return s;
}

TEST(ProgressFormatTest, Durations) {
  EXPECT_EQ(FormatDuration(-1), "?");
  EXPECT_EQ(FormatDuration(0), "0s");
  EXPECT_EQ(FormatDuration(44.4), "44s");
  EXPECT_EQ(FormatDuration(185), "3m05s");
  EXPECT_EQ(FormatDuration(2 * 3600 + 14 * 60 + 30), "2h14m");
}

TEST(ProgressFormatTest, Counts) {
  EXPECT_EQ(FormatCount(0), "0");
  EXPECT_EQ(FormatCount(999), "999");
  EXPECT_EQ(FormatCount(1000), "1,000");
  EXPECT_EQ(FormatCount(1234567), "1,234,567");
}

TEST(ProgressFormatTest, StatusHasEveryField) {
  EXPECT_EQ(FormatStatus(Sample()),
            " 45.2%  452,000/1,000,000 rows  12,345 rows/s  ETA 44s  batch 1,000  workers 4");
}

TEST(ProgressFormatTest, StatusShowsThrottleReasonAndPause) {
  ProgressSnapshot s = Sample();
  s.throttled = true;
  s.throttle_reason = "Threads_running=57 > 50";
  EXPECT_NE(FormatStatus(s).find("THROTTLED: Threads_running=57 > 50"), std::string::npos);
  s.paused = true;
  EXPECT_NE(FormatStatus(s).find("PAUSED"), std::string::npos);
}

TEST(ProgressFormatTest, UnknownTotal) {
  ProgressSnapshot s = Sample();
  s.rows_estimated = 0;
  s.eta_s = -1;
  EXPECT_EQ(FormatStatus(s).rfind("452,000 rows  12,345 rows/s  ETA ?", 0), 0u);
  EXPECT_EQ(FormatBar(s, 6), "[????]");
}

TEST(ProgressFormatTest, NothingToCount) {
  ProgressSnapshot s;  // an in-place ALTER: one statement, no rows
  s.step = 1;
  s.step_kind = "schema";
  s.table = "orders";
  s.phase = "inplace";
  EXPECT_TRUE(HasNoRowCount(s));
  EXPECT_EQ(RenderPlainLine(s), "step 1 schema orders (inplace)  no row count");
  EXPECT_EQ(RenderBarLine(s, 120), RenderPlainLine(s)) << "a bar with nothing to fill";
  s.paused = true;
  EXPECT_EQ(FormatStatus(s), "no row count  PAUSED");
  s.rows_done = 5;  // once there are rows, they are shown
  EXPECT_FALSE(HasNoRowCount(s));
  EXPECT_EQ(FormatStatus(s).rfind("5 rows  0 rows/s  ETA ?", 0), 0u) << FormatStatus(s);
}

TEST(ProgressFormatTest, Bar) {
  ProgressSnapshot s = Sample();
  EXPECT_EQ(FormatBar(s, 12), "[####------]");
  s.rows_done = s.rows_estimated;
  EXPECT_EQ(FormatBar(s, 12), "[##########]");
}

TEST(ProgressFormatTest, BarLineFitsTheWidth) {
  ProgressSnapshot s = Sample();
  std::string wide = RenderBarLine(s, 160);
  EXPECT_EQ(wide.rfind("step 2 data orders  [", 0), 0u) << wide;
  EXPECT_NE(wide.find("ETA 44s"), std::string::npos);
  std::string narrow = RenderBarLine(s, 60);
  EXPECT_EQ(narrow.size(), 60u);
  EXPECT_EQ(narrow.find('['), std::string::npos) << "no room for the bar: " << narrow;
}

TEST(ProgressFormatTest, PlainLine) {
  EXPECT_EQ(RenderPlainLine(Sample()),
            "step 2 data orders   45.2%  452,000/1,000,000 rows  12,345 rows/s  ETA 44s  "
            "batch 1,000  workers 4");
}

TEST(ProgressFormatTest, ModeRunStateAndSizingReason) {
  ProgressSnapshot s = Sample();
  s.batch_mode = "fixed";
  s.run_state = "pausing";
  s.sizing_reason = "foreground lock wait 35 ms > budget 20 ms";
  const std::string line = RenderPlainLine(s);
  EXPECT_NE(line.find("batch 1,000 fixed"), std::string::npos) << line;
  EXPECT_NE(line.find("smaller: foreground lock wait 35 ms > budget 20 ms"), std::string::npos);
  EXPECT_NE(line.find("pausing..."), std::string::npos) << line;
  EXPECT_EQ(line.find("PAUSED"), std::string::npos) << "not paused while batches run";
  s.run_state = "paused";
  s.paused = true;
  EXPECT_NE(RenderPlainLine(s).find("PAUSED"), std::string::npos);
}

}  // namespace
}  // namespace sluice
