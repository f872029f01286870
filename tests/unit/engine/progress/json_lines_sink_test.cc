#include "engine/progress/json_lines_sink.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>

namespace sluice {
namespace {

std::vector<nlohmann::json> Lines(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << "not JSON: " << line;
    out.push_back(j);
  }
  return out;
}

class JsonLinesSinkTest : public ::testing::Test {
 protected:
  void SetUp() override { file_ = ::open_memstream(&buf_, &size_); }
  void TearDown() override {
    std::fclose(file_);
    std::free(buf_);
  }
  std::string Text() {
    std::fflush(file_);
    return std::string(buf_, size_);
  }
  FILE* file_ = nullptr;
  char* buf_ = nullptr;
  size_t size_ = 0;
  FakeClock clock_;
};

TEST_F(JsonLinesSinkTest, OneObjectPerLine) {
  JsonLinesSink sink(file_, {.interval_s = 1}, clock_);
  ProgressSnapshot s;
  s.revision = "abc123";
  s.step = 1;
  s.table = "orders \"quoted\"";
  s.rows_done = 10;
  s.rows_estimated = 40;
  s.eta_s = -1;
  sink.OnSnapshot(s);
  s.rows_done = 20;
  sink.OnBatch(s, {});  // within the interval: skipped
  clock_.Advance(1.5);
  s.rows_done = 30;
  s.eta_s = 2.5;
  sink.OnBatch(s, {});
  Error e = RuntimeError("Deadlock found");
  e.code = 1213;
  sink.OnRetry(s, ErrorClass::kRetry, e);
  s.throttled = true;
  s.throttle_reason = "Threads_running=9 > 5";
  sink.OnThrottle(s, "load", 0.5);
  sink.OnThrottle(s, "load", 0.5);  // same reason: no new line
  s.throttled = false;
  s.throttle_reason.clear();
  sink.OnThrottle(s, "", 0);
  sink.OnFinish(s, Status::Ok());

  auto lines = Lines(Text());
  ASSERT_EQ(lines.size(), 6u) << Text();
  EXPECT_EQ(lines[0]["event"], "progress");
  EXPECT_EQ(lines[0]["rows_done"], 10);
  EXPECT_EQ(lines[0]["table"], "orders \"quoted\"");
  EXPECT_TRUE(lines[0]["eta_s"].is_null());
  EXPECT_DOUBLE_EQ(lines[0]["progress_ratio"].get<double>(), 0.25);
  EXPECT_EQ(lines[1]["rows_done"], 30);
  EXPECT_DOUBLE_EQ(lines[1]["eta_s"].get<double>(), 2.5);
  EXPECT_EQ(lines[2]["event"], "retry");
  EXPECT_EQ(lines[2]["class"], "retry");
  EXPECT_NE(lines[2]["error"].get<std::string>().find("Deadlock"), std::string::npos);
  EXPECT_EQ(lines[3]["event"], "throttle");
  EXPECT_EQ(lines[3]["signal"], "load");
  EXPECT_EQ(lines[3]["throttle_reason"], "Threads_running=9 > 5");
  EXPECT_EQ(lines[4]["event"], "throttle-released");
  EXPECT_EQ(lines[5]["event"], "finish");
  EXPECT_EQ(lines[5]["ok"], true);
}

}  // namespace
}  // namespace sluice
