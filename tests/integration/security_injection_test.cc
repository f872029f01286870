// Hostile identifiers (backticks, quotes, semicolons, comment markers,
// unicode, reserved words) in revision files and in `sluice alter`: quoted
// correctly or refused, never executed as SQL. A canary table would be
// dropped by any injected statement.
#include <string>

#include "engine/sql/quote.h"
#include "tests/support/sluice_project.h"
#include "tests/support/test_db.h"

namespace sluice::testing {
namespace {

class SecurityInjectionTest : public TestDatabase {
 protected:
  void SetUp() override {
    TestDatabase::SetUp();
    if (HasFatalFailure()) return;
    Exec("CREATE TABLE canary (id INT PRIMARY KEY)");
    Exec("INSERT INTO canary VALUES (42)");
  }
  void ExpectCanaryAlive(const std::string& after) {
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = " +
                     sql::QuoteString(db_name()) + " AND TABLE_NAME = 'canary'"),
              "1")
        << "the canary table is gone after " << after;
    EXPECT_EQ(Scalar("SELECT GROUP_CONCAT(id) FROM canary"), "42") << after;
  }
  CommandResult Sluice(const SluiceProject& p, const std::string& args) {
    return p.Run(dsn_string(), args);
  }
};

// Data steps (chunked, deferred indexes), shadow copies (triggers, shadow and
// old tables derived from the name) and --sql on tables and columns whose
// names would break or extend unquoted SQL.
TEST_F(SecurityInjectionTest, HostileNamesInRevisionFiles) {
  SluiceProject p;
  p.AddRevision(
      "inj00001", "",
      "CREATE TABLE `we``ird;tbl` (`id``x` BIGINT PRIMARY KEY,\n"
      "  `v;DROP TABLE canary;--` INT NOT NULL, `from` INT NULL,\n"
      "  KEY `idx'\"; DROP` (`from`));\n"
      "CREATE TABLE `select` (`order` INT PRIMARY KEY, `group` INT NULL, KEY `key` (`group`));\n"
      "CREATE TABLE `ünï 表` (`ü列` BIGINT PRIMARY KEY, `it's \"q\"` INT NULL);\n"
      "-- sluice:step chunked=false\n"
      "INSERT INTO `we``ird;tbl` SELECT seq, seq % 50, NULL FROM seq_1_to_3000;\n"
      "-- sluice:step chunked=false\n"
      "INSERT INTO `select` SELECT seq, NULL FROM seq_1_to_3000;\n"
      "-- sluice:step chunked=false\n"
      "INSERT INTO `ünï 表` SELECT seq, NULL FROM seq_1_to_3000;",
      "DROP TABLE `we``ird;tbl`; DROP TABLE `select`; DROP TABLE `ünï 表`;");
  p.AddRevision("inj00002", "inj00001",
                "-- sluice:step batch-size=200 workers=2 defer-indexes=all\n"
                "UPDATE `we``ird;tbl` SET `from` = `v;DROP TABLE canary;--` + 1 "
                "WHERE `from` IS NULL;\n"
                "-- sluice:step batch-size=300 workers=2 defer-indexes=all\n"
                "UPDATE `select` SET `group` = `order` * 2 WHERE `group` IS NULL;\n"
                "-- sluice:step batch-size=250\n"
                "UPDATE `ünï 表` SET `it's \"q\"` = 5 WHERE `it's \"q\"` IS NULL;",
                "UPDATE `select` SET `group` = NULL;");
  p.AddRevision("inj00003", "inj00002",
                "-- sluice:step strategy=copy batch-size=500\n"
                "ALTER TABLE `we``ird;tbl` ADD COLUMN `new'col` INT NOT NULL DEFAULT 3;\n"
                "-- sluice:step strategy=copy\n"
                "ALTER TABLE `select` ADD COLUMN `where` INT NULL;\n"
                "-- sluice:step strategy=copy\n"
                "ALTER TABLE `ünï 表` ADD COLUMN `列2` INT NULL;",
                "ALTER TABLE `select` DROP COLUMN `where`;");

  auto offline = Sluice(p, "upgrade head --sql");
  EXPECT_EQ(offline.exit_code, 0) << offline.output;
  EXPECT_NE(offline.output.find("`we``ird;tbl`"), std::string::npos) << offline.output;

  auto r = Sluice(p, "upgrade head --progress none");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ExpectCanaryAlive("upgrade");
  EXPECT_EQ(Scalar("SELECT CONCAT(COUNT(*), ':', SUM(`from` = `v;DROP TABLE canary;--` + 1), "
                   "':', SUM(`new'col` = 3)) FROM `we``ird;tbl`"),
            "3000:3000:3000");
  EXPECT_EQ(Scalar("SELECT SUM(`group` = `order` * 2) FROM `select`"), "3000");
  EXPECT_EQ(Scalar("SELECT SUM(`it's \"q\"` = 5) FROM `ünï 表`"), "3000");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = " +
                   sql::QuoteString(db_name()) + " AND INDEX_NAME IN ('idx''\"; DROP', 'key')"),
            "2")
      << "deferred indexes with hostile names were not re-created";
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = " +
                   sql::QuoteString(db_name())),
            "0");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = " +
                   sql::QuoteString(db_name()) + " AND COLUMN_NAME IN ('new''col', 'where', "
                   "'列2')"),
            "3");

  r = Sluice(p, "downgrade base --progress none");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  ExpectCanaryAlive("downgrade");
}

// `sluice alter TABLE SPEC`: the table argument is a name (quoted), never
// SQL; a spec that tries to smuggle a second statement fails without effect.
TEST_F(SecurityInjectionTest, HostileArgumentsToAlter) {
  Exec("CREATE TABLE `we``ird;tbl` (id INT PRIMARY KEY, v INT)");
  Exec("INSERT INTO `we``ird;tbl` SELECT seq, seq FROM seq_1_to_500");
  SluiceProject p;

  // A real table whose name holds a backtick and a semicolon: altered.
  auto r = Sluice(p, "alter " + ShellQuote("we`ird;tbl") + " 'ADD COLUMN c2 INT NULL' "
                     "--strategy copy --progress none");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = " +
                   sql::QuoteString(db_name()) + " AND COLUMN_NAME = 'c2'"),
            "1");
  // Names that are SQL: no such table, nothing runs.
  for (const std::string table :
       {"canary; DROP TABLE canary", "canary` ADD COLUMN x INT; DROP TABLE canary; -- ",
        "canary /*", "canary'", "`canary`"}) {
    r = Sluice(p, "alter " + ShellQuote(table) + " 'ADD COLUMN x INT NULL' --progress none");
    EXPECT_NE(r.exit_code, 0) << table << "\n" << r.output;
    ExpectCanaryAlive("alter " + table);
  }
  // Specs that try a second statement or a comment to cut the rest off.
  for (const std::string spec :
       {"ADD COLUMN x INT; DROP TABLE canary", "ADD COLUMN x INT NULL; DROP TABLE canary; --",
        "ADD COLUMN x INT /*", "ADD COLUMN x INT, ALGORITHM=COPY; DROP TABLE canary"}) {
    for (const char* strategy : {"auto", "copy"}) {
      r = Sluice(p, "alter canary " + ShellQuote(spec) + " --strategy " + strategy +
                        " --progress none");
      EXPECT_NE(r.exit_code, 0) << spec << "\n" << r.output;
      ExpectCanaryAlive("alter canary " + spec);
    }
  }
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = " +
                   sql::QuoteString(db_name()) + " AND TABLE_NAME = 'canary'"),
            "1")
      << "a refused spec changed the canary";
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = " +
                   sql::QuoteString(db_name())),
            "0");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = " +
                   sql::QuoteString(db_name()) +
                   " AND (TABLE_NAME LIKE '\\_%' OR TABLE_NAME LIKE '%\\_sluice\\_%')"),
            "0")
      << "shadow tables left behind";
}

}  // namespace
}  // namespace sluice::testing
