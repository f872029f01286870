#include "engine/plan/lint.h"

#include <gtest/gtest.h>

namespace sluice::plan {
namespace {

std::vector<std::string> Rules(const std::string& up, const std::string& down = "") {
  std::string text = "-- sluice:revision aaaa\n-- sluice:up\n" + up + "\n-- sluice:down\n" + down;
  auto f = revision::ParseRevisionFile(text, "v/a.sql");
  EXPECT_TRUE(f.ok()) << (f.ok() ? "" : f.error().message);
  std::vector<std::string> out;
  if (f.ok()) {
    for (const auto& finding : LintRevision(*f)) out.push_back(finding.rule);
  }
  return out;
}

using Strings = std::vector<std::string>;

TEST(Lint, DropTableWithoutDown) {
  EXPECT_EQ(Rules("DROP TABLE old_orders;"), (Strings{"drop-without-down"}));
  EXPECT_TRUE(Rules("DROP TABLE old_orders;", "CREATE TABLE old_orders (id INT);").empty());
}

TEST(Lint, DropColumnWithoutDown) {
  EXPECT_EQ(Rules("ALTER TABLE t DROP COLUMN c, DROP INDEX i;"), (Strings{"drop-without-down"}));
  EXPECT_EQ(Rules("ALTER TABLE t DROP c;"), (Strings{"drop-without-down"}));
  EXPECT_TRUE(Rules("ALTER TABLE t DROP COLUMN c;", "ALTER TABLE t ADD COLUMN c INT;").empty());
  EXPECT_TRUE(Rules("ALTER TABLE t DROP INDEX i, DROP PRIMARY KEY, DROP FOREIGN KEY f;").empty());
}

TEST(Lint, NotNullWithoutDefault) {
  EXPECT_EQ(Rules("ALTER TABLE t ADD COLUMN c INT NOT NULL;", "ALTER TABLE t DROP COLUMN c;"),
            (Strings{"not-null-without-default"}));
  EXPECT_TRUE(Rules("ALTER TABLE t ADD COLUMN c INT NOT NULL DEFAULT 0;").empty());
  EXPECT_TRUE(Rules("ALTER TABLE t ADD COLUMN c INT NULL;").empty());
  EXPECT_TRUE(Rules("ALTER TABLE t ADD COLUMN c INT AS (a + 1) VIRTUAL NOT NULL;").empty());
  EXPECT_TRUE(Rules("ALTER TABLE t ADD INDEX i (a), ADD UNIQUE KEY u (b);").empty());
}

TEST(Lint, Renames) {
  EXPECT_EQ(Rules("RENAME TABLE a TO b;"), (Strings{"rename"}));
  EXPECT_EQ(Rules("ALTER TABLE a RENAME TO b;"), (Strings{"rename"}));
  EXPECT_EQ(Rules("ALTER TABLE a RENAME COLUMN x TO y;"), (Strings{"rename"}));
  EXPECT_EQ(Rules("ALTER TABLE a CHANGE COLUMN x y INT;"), (Strings{"rename"}));
  EXPECT_TRUE(Rules("ALTER TABLE a CHANGE x x BIGINT;").empty());
  EXPECT_TRUE(Rules("ALTER TABLE a RENAME INDEX i TO j;").empty());
}

TEST(Lint, UpdateDeleteWithoutWhere) {
  EXPECT_EQ(Rules("UPDATE t SET a = 1;"), (Strings{"no-where"}));
  EXPECT_EQ(Rules("DELETE FROM t;"), (Strings{"no-where"}));
  EXPECT_EQ(Rules("SELECT 1;", "DELETE FROM t;"), (Strings{"no-where"}));
  EXPECT_EQ(Rules("UPDATE a JOIN b ON a.id = b.id SET a.x = b.x;"), (Strings{"no-where"}));
  EXPECT_TRUE(Rules("UPDATE t SET a = (SELECT 1 FROM u WHERE u.id = 2) WHERE id > 0;").empty());
  EXPECT_TRUE(Rules("DELETE FROM t WHERE created < NOW();").empty());
}

TEST(Lint, PlaceholderAndMessage) {
  EXPECT_EQ(Rules("DO 0;"), (Strings{"placeholder"}));
  auto f = revision::ParseRevisionFile("-- sluice:revision aaaa\n-- sluice:up\nDELETE FROM t;\n",
                                       "v/a.sql");
  ASSERT_TRUE(f.ok());
  auto findings = LintRevision(*f);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].message,
            "v/a.sql:3: [no-where] DELETE t has no WHERE: it changes every row");
}

}  // namespace
}  // namespace sluice::plan
