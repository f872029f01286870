// The terminal bar of a real `sluice upgrade` under a pseudo-terminal
// (`script`): log lines written during the step clear the bar's line first
// and the bar is drawn again below them; after the terminal is narrowed the
// bar follows the new width.
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "tests/support/run_command.h"
#include "tests/support/sluice_project.h"
#include "tests/support/test_db.h"

namespace sluice {
namespace {

constexpr const char* kErase = "\r\x1b[2K";

// The bar renderings: the text after each erase up to the next control.
std::vector<std::string> BarDrawings(const std::string& screen) {
  std::vector<std::string> out;
  for (size_t p = screen.find(kErase); p != std::string::npos; p = screen.find(kErase, p + 1)) {
    size_t start = p + std::string(kErase).size();
    size_t end = screen.find_first_of("\r\n", start);
    std::string text = screen.substr(start, end == std::string::npos ? end : end - start);
    if (text.rfind("step 1 data", 0) == 0) out.push_back(text);
  }
  return out;
}

class ProgressBarPtyTest : public testing::TestDatabase {};

TEST_F(ProgressBarPtyTest, LogLinesClearTheBarAndItIsRedrawnBelow) {
  if (std::system("command -v script >/dev/null 2>&1") != 0) GTEST_SKIP() << "no `script`";
  Exec("CREATE TABLE items (id BIGINT PRIMARY KEY, v INT NOT NULL DEFAULT 0)");
  Exec("INSERT INTO items (id) SELECT seq FROM seq_1_to_20000");
  testing::SluiceProject project;
  project.AddRevision("aaaa", "",
                      "-- sluice:step batch-size=200 workers=2 max-rate=10000\n"
                      "UPDATE items SET v = v + 1;");
  project.WriteFile("hold", "");
  // The flag file holds the step (logging "throttled: ...") while the bar
  // is up; the terminal is narrowed from 100 to 60 columns meanwhile.
  const std::string inner =
      "stty cols 100 rows 20; (sleep 1; stty cols 60 </dev/tty; sleep 0.5; rm -f hold) & " +
      testing::SluiceBinary() +
      " upgrade head --progress bar --throttle-flag-file hold --control-socket none; wait";
  const std::string cmd = "cd " + testing::ShellQuote(project.dir()) +
                          " && SLUICE_DSN=" + testing::ShellQuote(dsn_string()) +
                          " script -qfec " + testing::ShellQuote(inner) + " /dev/null";
  testing::CommandResult r = testing::RunCommand(cmd);
  const std::string& screen = r.output;
  ASSERT_NE(screen.find("done: 20,000 rows"), std::string::npos) << screen;
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM items WHERE v <> 1"), "0");

  // Every log line starts on a line of its own: after a newline, or after
  // the bar's line was erased; never glued to the bar.
  const std::regex stamp(R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3})");
  int log_lines = 0, over_the_bar = 0;
  for (auto it = std::sregex_iterator(screen.begin(), screen.end(), stamp);
       it != std::sregex_iterator(); ++it) {
    const size_t at = static_cast<size_t>(it->position());
    ++log_lines;
    const bool after_newline = at == 0 || screen[at - 1] == '\n';
    const bool after_erase = at >= 5 && screen.compare(at - 5, 5, kErase) == 0;
    EXPECT_TRUE(after_newline || after_erase)
        << "log line glued to the bar: ..." << screen.substr(at > 60 ? at - 60 : 0, 120);
    if (!after_erase) continue;
    ++over_the_bar;
    // ... and the bar comes back right below it.
    const size_t eol = screen.find('\n', at);
    ASSERT_NE(eol, std::string::npos);
    EXPECT_EQ(screen.compare(eol + 1, 5 + 11, std::string(kErase) + "step 1 data"), 0)
        << "bar not redrawn below the log line: " << screen.substr(eol + 1, 80);
  }
  EXPECT_GE(log_lines, 3);
  EXPECT_GE(over_the_bar, 1) << "the throttle log line came while the bar was up:\n" << screen;

  // The bar follows the width: under 100 columns first, under 60 after.
  std::vector<std::string> bars = BarDrawings(screen);
  ASSERT_GE(bars.size(), 3u) << screen;
  size_t narrow = 0;
  for (const std::string& b : bars) {
    EXPECT_LT(b.size(), 100u) << b;
    if (b.size() < 60) ++narrow;
  }
  EXPECT_GT(bars.front().size(), 60u) << "the first bar used the 100 columns: " << bars.front();
  EXPECT_GE(narrow, 1u) << "no bar drawn for 60 columns";
}

}  // namespace
}  // namespace sluice
