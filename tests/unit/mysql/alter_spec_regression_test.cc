// Regressions found by tests/integration/security_injection_test.cc.
#include <gtest/gtest.h>

#include "mysql/alter_spec.h"

namespace sluice::mysql {
namespace {

// "ADD COLUMN x INT, ALGORITHM=COPY; DROP TABLE canary" parsed: the clause
// starting with ALGORITHM was dropped with the statement after the ';', and
// the ALTER ran as if that text had not been given.
TEST(AlterSpecRegressionTest, SemicolonOutsideQuotesIsRefused) {
  for (const char* spec : {"ADD COLUMN x INT, ALGORITHM=COPY; DROP TABLE canary",
                           "ADD COLUMN x INT; DROP TABLE canary", "LOCK=NONE; SELECT 1"}) {
    auto s = ParseAlterSpec(spec);
    ASSERT_FALSE(s.ok()) << spec;
    EXPECT_NE(s.error().message.find("';'"), std::string::npos) << s.error().message;
  }
  // Inside quotes, and a trailing terminator, are fine.
  EXPECT_TRUE(ParseAlterSpec("ADD COLUMN `a;b` INT COMMENT 'x;y'").ok());
  EXPECT_TRUE(ParseAlterSpec("ADD COLUMN c INT;").ok());
}

}  // namespace
}  // namespace sluice::mysql
