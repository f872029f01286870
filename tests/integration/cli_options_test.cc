// Run options before the command are accepted (parsed with the command's
// own); an unknown option names itself, never the word after it; an option
// of another command says where it belongs.
#include <gtest/gtest.h>

#include "tests/support/run_command.h"
#include "tests/support/sluice_project.h"
#include "tests/support/test_db.h"

namespace sluice::testing {
namespace {

class CliOptionsTest : public TestDatabase {};

TEST_F(CliOptionsTest, RunOptionsBeforeTheCommandAreAccepted) {
  Exec("CREATE TABLE items (id BIGINT PRIMARY KEY, v INT NOT NULL DEFAULT 0)");
  Exec("INSERT INTO items (id) SELECT seq FROM seq_1_to_2000");
  SluiceProject p;
  p.AddRevision("aaaa", "", "UPDATE items SET v = v + 1;");
  CommandResult r =
      p.Run(dsn_string(), "--progress json --batch-size 300 --workers 2 upgrade head "
                          "--control-socket none");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("\"batch_size\":300"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"batch_mode\":\"fixed\""), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"workers\":2"), std::string::npos) << r.output;
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM items WHERE v <> 1"), "0");
}

TEST_F(CliOptionsTest, UnknownOptionsNameThemselves) {
  SluiceProject p;
  CommandResult before = p.Run(dsn_string(), "--bogus none upgrade head");
  EXPECT_EQ(before.exit_code, 2);
  EXPECT_NE(before.output.find("unknown option '--bogus'"), std::string::npos) << before.output;
  EXPECT_EQ(before.output.find("'none'"), std::string::npos) << before.output;

  CommandResult after = p.Run(dsn_string(), "history --bogus=3");
  EXPECT_EQ(after.exit_code, 2);
  EXPECT_NE(after.output.find("unknown option '--bogus'"), std::string::npos) << after.output;

  CommandResult elsewhere = p.Run(dsn_string(), "--workers 2 history");
  EXPECT_EQ(elsewhere.exit_code, 2);
  EXPECT_NE(elsewhere.output.find("--workers is not an option of sluice history"),
            std::string::npos)
      << elsewhere.output;
  EXPECT_NE(elsewhere.output.find("upgrade"), std::string::npos) << elsewhere.output;
}

}  // namespace
}  // namespace sluice::testing
