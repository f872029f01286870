// The terminal bar under a real pseudo-terminal (`script`): redrawn in place
// with carriage return + erase-line; without a TTY, plain lines instead.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "tests/support/test_db.h"

namespace sluice {
namespace {

std::string RunCommand(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  ::pclose(p);
  return out;
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

class ProgressTerminalTest : public testing::TestDatabase {
 protected:
  void SetUp() override {
    testing::TestDatabase::SetUp();
    if (HasFatalFailure()) return;
    Exec("CREATE TABLE items (id INT PRIMARY KEY, v INT NOT NULL DEFAULT 0)");
    Exec("INSERT INTO items (id) SELECT seq FROM seq_1_to_300");
  }
};

TEST_F(ProgressTerminalTest, BarIsRedrawnInPlaceOnATty) {
  if (std::system("command -v script >/dev/null 2>&1") != 0) GTEST_SKIP() << "no `script`";
  // `script` gives the demo a pseudo-terminal; "auto" must detect it.
  const std::string cmd = std::string("script -qfec '") + PROGRESS_DEMO + " " + dsn_string() +
                          " auto 0.02' /dev/null";
  std::string screen = RunCommand(cmd);
  EXPECT_NE(screen.find("rows_done=300"), std::string::npos) << screen;
  EXPECT_GE(Count(screen, "\r\x1b[2K"), 5u) << "bar not redrawn in place:\n" << screen;
  EXPECT_NE(screen.find("step 1 data items  ["), std::string::npos) << screen;
  EXPECT_NE(screen.find("300/300 rows"), std::string::npos);
  EXPECT_NE(screen.find("step 1 data items done: 300 rows"), std::string::npos);
  // Redraws stay on one line: only the end of the bar, the summary and the
  // rows_done line end in a newline.
  EXPECT_LE(Count(screen, "\n"), 4u) << screen;
}

TEST_F(ProgressTerminalTest, PlainLinesWithoutATty) {
  std::string out = RunCommand(std::string(PROGRESS_DEMO) + " " + dsn_string() + " auto 0.02 2>&1");
  EXPECT_NE(out.find("rows_done=300"), std::string::npos) << out;
  EXPECT_EQ(Count(out, "\x1b[2K"), 0u);
  EXPECT_EQ(Count(out, "\r"), 0u);
  EXPECT_GE(Count(out, "step 1 data items "), 2u) << out;
  EXPECT_NE(out.find("step 1 data items done: 300 rows\n"), std::string::npos);
}

}  // namespace
}  // namespace sluice
