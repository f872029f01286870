// revision --autogenerate, check --drift and sluice test end to end through
// the binary, on the real MariaDB: the revisions they write run, undo
// exactly, and every scratch database is gone afterwards.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "engine/schema/schema_snapshot.h"
#include "engine/state/migrator_lock.h"
#include "tests/integration/revision_fixture.h"
#include "tests/support/child_process.h"
#include "tests/support/sluice_project.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;

class Autogenerate : public RevisionProject {
 protected:
  void SetUp() override {
    RevisionProject::SetUp();
    fs::create_directories(dir_ / "schema");
    std::ofstream(dir_ / "sluice.ini") << "versions = versions\nschema = schema\n";
  }

  void WriteSchema(const std::string& file, const std::string& text) {
    std::ofstream(dir_ / "schema" / file) << text;
  }

  size_t RevisionFiles() {
    size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_ / "versions")) ++n;
    return n;
  }

  std::string RevisionText() {
    for (const auto& e : fs::directory_iterator(dir_ / "versions")) {
      std::ifstream in(e.path());
      return std::string((std::istreambuf_iterator<char>(in)), {});
    }
    return "";
  }

  // The scratch databases a run with --log-level debug says it created.
  static std::vector<std::string> Scratches(const std::string& output) {
    std::vector<std::string> out;
    static const std::regex kCreated(R"(created scratch database (_sluice_ws_[0-9a-f]+))");
    for (std::sregex_iterator it(output.begin(), output.end(), kCreated), end; it != end; ++it) {
      out.push_back((*it)[1].str());
    }
    return out;
  }

  bool DatabaseExists(const std::string& name) {
    return Scalar("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = " +
                  sql::QuoteString(name)) == "1";
  }

  void ExpectScratchesGone(const CommandResult& r, size_t expected) {
    auto names = Scratches(r.output);
    EXPECT_EQ(names.size(), expected) << r.output;
    for (const auto& n : names) EXPECT_FALSE(DatabaseExists(n)) << n << " was left behind";
  }

  SchemaSnapshot Snap() {
    SnapshotOptions opts;
    opts.ignore_tables = {"sluice_version", "sluice_history", "sluice_checkpoint", "sluice_lock",
                          "sluice_deferred_index"};
    auto s = ReadSchemaSnapshot(conn(), db_name(), opts);
    EXPECT_TRUE(s.ok()) << s.error().message;
    return s.ok() ? *s : SchemaSnapshot{};
  }
};

TEST_F(Autogenerate, WritesRevisionsThatRunAndUndoExactly) {
  Exec("CREATE TABLE orders (id BIGINT NOT NULL PRIMARY KEY, price INT NOT NULL, old_note "
       "VARCHAR(20)) ENGINE=InnoDB");
  Exec("INSERT INTO orders VALUES (1, 10, 'x'), (2, 20, NULL)");
  WriteSchema("10_orders.sql",
              "CREATE TABLE orders (\n  id BIGINT NOT NULL PRIMARY KEY,\n  price BIGINT NOT NULL,\n"
              "  note VARCHAR(20),\n  KEY i_price (price)\n) ENGINE=InnoDB;\n");
  WriteSchema("20_cust.sql",
              "CREATE TABLE cust (id INT NOT NULL PRIMARY KEY, name VARCHAR(30) NOT NULL);\n"
              "CREATE VIEW big_orders AS SELECT id, price FROM orders WHERE price > 15;\n");
  const SchemaSnapshot before = Snap();

  auto first = Sluice("--log-level debug revision --autogenerate -m sync");
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_NE(first.output.find("created "), std::string::npos) << first.output;
  ExpectScratchesGone(first, 1);
  ASSERT_EQ(RevisionFiles(), 1u);
  const std::string text = RevisionText();
  EXPECT_NE(text.find("-- sluice:parent none"), std::string::npos) << text;
  EXPECT_NE(text.find("-- note: `old_note` is dropped and `note` added with the same type"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("--   ALTER TABLE `orders` DROP COLUMN `old_note`;"), std::string::npos)
      << text;
  EXPECT_NE(text.find("CREATE OR REPLACE ALGORITHM=UNDEFINED"), std::string::npos) << text;

  auto lint = Sluice("check --offline");
  EXPECT_EQ(lint.exit_code, 0) << lint.output;
  auto up = Sluice("upgrade head --progress none");
  ASSERT_EQ(up.exit_code, 0) << up.output;
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM big_orders"), "1");
  auto only_drop = Sluice("revision --autogenerate -m still_the_drop");
  EXPECT_EQ(only_drop.exit_code, 0) << only_drop.output;
  EXPECT_NE(only_drop.output.find("no changes"), std::string::npos) << only_drop.output;
  EXPECT_NE(only_drop.output.find("only destructive changes remain"), std::string::npos)
      << only_drop.output;
  ASSERT_EQ(RevisionFiles(), 1u);
  // The drop was left out, so the database still differs in exactly that.
  auto drift = Sluice("check --drift");
  EXPECT_EQ(drift.exit_code, 1) << drift.output;
  EXPECT_NE(drift.output.find("table orders: drop column old_note"), std::string::npos)
      << drift.output;
  EXPECT_EQ(drift.output.find("sluice_version"), std::string::npos) << drift.output;

  auto second = Sluice("revision --autogenerate --allow-drop -m drop_old_note");
  ASSERT_EQ(second.exit_code, 0) << second.output;
  ASSERT_EQ(RevisionFiles(), 2u);
  ASSERT_EQ(Sluice("upgrade head --progress none").exit_code, 0);
  auto clean = Sluice("check --drift");
  EXPECT_EQ(clean.exit_code, 0) << clean.output;
  EXPECT_NE(clean.output.find("no drift"), std::string::npos) << clean.output;

  auto none = Sluice("revision --autogenerate -m nothing");
  EXPECT_EQ(none.exit_code, 0) << none.output;
  EXPECT_NE(none.output.find("no changes"), std::string::npos) << none.output;
  EXPECT_EQ(RevisionFiles(), 2u);

  auto down = Sluice("downgrade base --progress none");
  ASSERT_EQ(down.exit_code, 0) << down.output;
  EXPECT_EQ(Snap(), before);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM orders"), "2");
}

TEST_F(Autogenerate, SqlPrintsTheRevisionAndWritesNothing) {
  WriteSchema("a.sql", "CREATE TABLE t (id INT NOT NULL PRIMARY KEY);");
  auto r = Sluice("revision --autogenerate -m first --sql");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("-- sluice:revision "), std::string::npos) << r.output;
  const size_t down = r.output.find("-- sluice:down\n");
  ASSERT_NE(down, std::string::npos) << r.output;
  EXPECT_NE(r.output.find("DROP TABLE `t`;", down), std::string::npos) << r.output;
  EXPECT_EQ(RevisionFiles(), 0u);
}

TEST_F(Autogenerate, DriftJsonForCi) {
  Exec("CREATE TABLE t (id INT NOT NULL PRIMARY KEY, extra INT)");
  WriteSchema("a.sql", "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, added INT);");
  auto r = Sluice("check --drift --json --log-level error");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  auto report = nlohmann::json::parse(r.output, nullptr, false);
  ASSERT_FALSE(report.is_discarded()) << r.output;
  EXPECT_TRUE(report["drift"].get<bool>());
  std::set<std::string> changes;
  for (const auto& d : report["differences"]) {
    changes.insert(d["change"].get<std::string>() + " " + d["name"].get<std::string>());
  }
  EXPECT_EQ(changes, (std::set<std::string>{"add column added", "drop column extra"}));
  // The scratch database lives on --dev-dsn when given.
  Dsn dev = dsn();
  dev.database.clear();
  auto on_dev = Sluice("check --drift --dev-dsn " + ShellQuote(dev.ToString()));
  EXPECT_EQ(on_dev.exit_code, 1) << on_dev.output;
  dev.port = 1;
  auto unreachable = Sluice("check --drift --dev-dsn " + ShellQuote(dev.ToString()));
  EXPECT_NE(unreachable.exit_code, 0);
  EXPECT_NE(unreachable.output.find(":1"), std::string::npos) << unreachable.output;
  ASSERT_EQ(report["statements"].size(), 1u);
  EXPECT_NE(report["statements"][0]["notes"][0].get<std::string>().find("RENAME COLUMN"),
            std::string::npos);
}

TEST_F(Autogenerate, DriftIgnoresShadowTablesOnlyWhileAMigrationHoldsTheLock) {
  Exec("CREATE TABLE t (id INT NOT NULL PRIMARY KEY)");
  Exec("CREATE TABLE t_sluice_new (id INT NOT NULL PRIMARY KEY)");
  WriteSchema("a.sql", "CREATE TABLE t (id INT NOT NULL PRIMARY KEY);");
  auto holder = NewConnection();
  ASSERT_NE(holder, nullptr);
  auto got = holder->Query(
      "SELECT GET_LOCK(" + sql::QuoteString(MigratorLock::LockName(db_name())) + ", 0)");
  ASSERT_TRUE(got.ok());
  auto running = Sluice("check --drift");
  EXPECT_EQ(running.exit_code, 0) << running.output;
  holder.reset();  // the migration is gone: its leftover is drift
  auto after = Sluice("check --drift");
  EXPECT_EQ(after.exit_code, 1) << after.output;
  EXPECT_NE(after.output.find("table t_sluice_new: drop"), std::string::npos) << after.output;
}

TEST_F(Autogenerate, RefusedWhileTheDatabaseIsBehindTheHead) {
  WriteRevision("aaaa0001_t.sql",
                "-- sluice:revision aaaa0001\n-- sluice:up\n"
                "CREATE TABLE t (id INT PRIMARY KEY);\n");
  WriteSchema("a.sql", "CREATE TABLE t (id INT NOT NULL PRIMARY KEY);");
  auto r = Sluice("revision --autogenerate -m next");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("run `sluice upgrade` first"), std::string::npos) << r.output;
  EXPECT_EQ(RevisionFiles(), 1u);
}

TEST_F(Autogenerate, BadSchemasExitTwoNamingFileAndLineAndLeaveNothing) {
  auto missing = Sluice("check --drift --schema no/such/dir");
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  EXPECT_NE(missing.output.find("no such file or folder"), std::string::npos) << missing.output;

  WriteSchema("a.sql", "CREATE TABLE t (id INT NOT NULL PRIMARY KEY);\n");
  WriteSchema("b.sql", "-- the same table again\n\nCREATE TABLE t (id INT);\n");
  auto twice = Sluice("--log-level debug revision --autogenerate -m x");
  EXPECT_EQ(twice.exit_code, 2) << twice.output;
  EXPECT_NE(twice.output.find("b.sql:3: ERROR 1050"), std::string::npos) << twice.output;
  ExpectScratchesGone(twice, 1);
  EXPECT_EQ(RevisionFiles(), 0u);

  WriteSchema("b.sql", "CREATE TABLE u (id INT NOT NULL PRIMARY KEY,\n  v VARCHAR);\n");
  auto syntax = Sluice("--log-level debug check --drift");
  EXPECT_EQ(syntax.exit_code, 2) << syntax.output;
  EXPECT_NE(syntax.output.find("b.sql:1: ERROR 1064"), std::string::npos) << syntax.output;
  ExpectScratchesGone(syntax, 1);

  WriteSchema("b.sql", "DROP TABLE t;\n");
  auto other = Sluice("check --drift");
  EXPECT_EQ(other.exit_code, 2) << other.output;
  EXPECT_NE(other.output.find("b.sql:1: only CREATE TABLE"), std::string::npos) << other.output;

  std::ofstream(dir_ / "sluice.ini") << "versions = versions\n";
  auto unset = Sluice("check --drift");
  EXPECT_EQ(unset.exit_code, 2) << unset.output;
  EXPECT_NE(unset.output.find("no desired schema"), std::string::npos) << unset.output;
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM information_schema.TABLES WHERE "
                   "TABLE_SCHEMA = DATABASE()"),
            "0");
}

TEST_F(Autogenerate, ADevServerWithoutCreateRightsIsExplained) {
  const std::string user = "sluice_nocreate_" + std::to_string(getpid());
  for (const char* host : {"%", "localhost", "127.0.0.1"}) {
    const std::string account = sql::QuoteString(user) + "@" + sql::QuoteString(host);
    Exec("DROP USER IF EXISTS " + account);
    Exec("CREATE USER " + account);
    Exec("GRANT ALL ON " + sql::QuoteIdent(db_name()) + ".* TO " + account);
  }
  WriteSchema("a.sql", "CREATE TABLE t (id INT NOT NULL PRIMARY KEY);");
  Dsn limited = dsn();
  limited.user = user;
  limited.password.clear();
  limited.has_password = false;
  auto r = Sluice("check --drift", limited.ToString());
  for (const char* host : {"%", "localhost", "127.0.0.1"}) {
    Exec("DROP USER IF EXISTS " + sql::QuoteString(user) + "@" + sql::QuoteString(host));
  }
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("refuses to create the scratch database"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("grant CREATE and DROP"), std::string::npos) << r.output;
}

TEST_F(Autogenerate, AStaleScratchDatabaseIsDroppedByTheNextRun) {
  char stale[40];
  snprintf(stale, sizeof stale, "_sluice_ws_%06x%06x", getpid() & 0xffffff,
           static_cast<unsigned>(std::rand()) & 0xffffff);
  Exec(std::string("CREATE DATABASE ") + sql::QuoteIdent(stale));
  WriteSchema("a.sql", "CREATE TABLE t (id INT NOT NULL PRIMARY KEY);");
  auto r = Sluice("check --drift");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_FALSE(DatabaseExists(stale));
}

// A kill -9 leaves the scratch database of `sluice test` behind with its
// lock released; the next run drops it. SIGINT stops the run and drops it.
TEST_F(Autogenerate, KilledAndInterruptedRunsLeaveNoScratchDatabase) {
  WriteRevision("aaaa0001_slow.sql",
                "-- sluice:revision aaaa0001\n-- sluice:up\nCREATE TABLE t (id INT PRIMARY KEY);\n"
                "DO SLEEP(3);\n-- sluice:down\nDROP TABLE t;\n");
  std::ofstream(dir_ / "sluice.ini") << "versions = versions\n";
  WriteSchema("a.sql", "CREATE TABLE t (id INT PRIMARY KEY);");
  for (int sig : {SIGKILL, SIGINT}) {
    auto child = ChildProcess::Start({SLUICE_BINARY, "--log-level", "debug", "test"},
                                     {"SLUICE_DSN=" + dsn_string()}, dir_.string());
    ASSERT_NE(child, nullptr);
    std::vector<std::string> names;
    for (int i = 0; i < 100 && names.empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      names = Scratches(child->Output());
    }
    ASSERT_EQ(names.size(), 1u) << child->Output();
    for (int i = 0; i < 100 && child->Output().find("DO SLEEP(3)") == std::string::npos; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_NE(child->Output().find("DO SLEEP(3)"), std::string::npos) << child->Output();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // inside DO SLEEP(3)
    child->Signal(sig);
    int code = child->Wait(30);
    if (sig == SIGKILL) {
      EXPECT_EQ(code, 128 + SIGKILL);
      EXPECT_TRUE(DatabaseExists(names[0]));
      auto next = Sluice("check --drift --schema schema");  // any run that opens a scratch
      EXPECT_FALSE(DatabaseExists(names[0])) << next.output;
    } else {
      EXPECT_EQ(code, 3) << child->Output();
      EXPECT_FALSE(DatabaseExists(names[0])) << child->Output();
    }
  }
}

TEST_F(Autogenerate, SigintWhileTheSchemaLoadsDropsTheScratchAndWritesNothing) {
  WriteSchema("a.sql", "CREATE TABLE slow AS SELECT SLEEP(3) AS x;\nCREATE TABLE t (id INT);\n");
  auto child = ChildProcess::Start(
      {SLUICE_BINARY, "--log-level", "debug", "revision", "--autogenerate", "-m", "x"},
      {"SLUICE_DSN=" + dsn_string()}, dir_.string());
  ASSERT_NE(child, nullptr);
  std::vector<std::string> names;
  for (int i = 0; i < 100 && names.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    names = Scratches(child->Output());
  }
  ASSERT_EQ(names.size(), 1u) << child->Output();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // inside SLEEP(3)
  child->Signal(SIGINT);
  EXPECT_EQ(child->Wait(30), 3) << child->Output();
  EXPECT_NE(child->Output().find("interrupted"), std::string::npos) << child->Output();
  EXPECT_FALSE(DatabaseExists(names[0]));
  EXPECT_EQ(RevisionFiles(), 0u);
}

constexpr const char* kCreate = R"(-- sluice:revision aaaa0001
-- sluice:message create
-- sluice:up
CREATE TABLE items (id INT NOT NULL PRIMARY KEY, v VARCHAR(20) NOT NULL);
INSERT INTO items VALUES (1, 'a'), (2, 'b');
-- sluice:down
DROP TABLE items;
)";

constexpr const char* kWiden = R"(-- sluice:revision aaaa0002
-- sluice:parent aaaa0001
-- sluice:up
ALTER TABLE items ADD COLUMN qty INT NULL, ADD INDEX i_v (v);
UPDATE items SET qty = id WHERE qty IS NULL;
-- sluice:down
ALTER TABLE items DROP INDEX i_v, DROP COLUMN qty;
)";

constexpr const char* kView = R"(-- sluice:revision aaaa0003
-- sluice:parent aaaa0002
-- sluice:up
CREATE VIEW item_names AS SELECT v FROM items;
-- sluice:down
DROP VIEW item_names;
)";

TEST_F(Autogenerate, StairwayPassesOnASoundProjectAndWritesJunit) {
  WriteRevision("aaaa0001_create.sql", kCreate);
  WriteRevision("aaaa0002_widen.sql", kWiden);
  WriteRevision("aaaa0003_view.sql", kView);
  WriteSchema("a.sql",
              "CREATE TABLE items (id INT NOT NULL PRIMARY KEY, v VARCHAR(20) NOT NULL, qty INT, "
              "KEY i_v (v));\nCREATE VIEW item_names AS SELECT v FROM items;\n");
  auto r = Sluice("--log-level debug test --junit report.xml");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  for (const char* id : {"aaaa0001", "aaaa0002", "aaaa0003"}) {
    EXPECT_NE(r.output.find(std::string("ok    stairway ") + id), std::string::npos) << r.output;
  }
  EXPECT_NE(r.output.find("ok    schema heads match the desired schema"), std::string::npos)
      << r.output;
  ExpectScratchesGone(r, 2);
  std::ifstream junit(dir_ / "report.xml");
  std::string xml((std::istreambuf_iterator<char>(junit)), {});
  EXPECT_NE(xml.find("tests=\"6\" failures=\"0\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("name=\"aaaa0002\"/>"), std::string::npos) << xml;
  // The target database was never touched.
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM information_schema.TABLES WHERE "
                   "TABLE_SCHEMA = DATABASE()"),
            "0");

  WriteSchema("a.sql", "CREATE TABLE items (id INT NOT NULL PRIMARY KEY, v VARCHAR(20) NOT NULL);");
  auto differs = Sluice("test");
  EXPECT_EQ(differs.exit_code, 1) << differs.output;
  EXPECT_NE(differs.output.find("FAIL  schema heads match the desired schema"), std::string::npos)
      << differs.output;
  EXPECT_NE(differs.output.find("table items: drop column qty"), std::string::npos)
      << differs.output;
  // Without --log-level the report is not buried under the steps' info lines.
  EXPECT_EQ(differs.output.find(" info "), std::string::npos) << differs.output;
}

TEST_F(Autogenerate, StairwayNamesTheRevisionWhoseDownDoesNotUndoItsUp) {
  WriteRevision("aaaa0001_create.sql", kCreate);
  WriteRevision("aaaa0002_broken.sql", R"(-- sluice:revision aaaa0002
-- sluice:parent aaaa0001
-- sluice:up
ALTER TABLE items MODIFY v VARCHAR(40) NOT NULL;
-- sluice:down
ALTER TABLE items MODIFY v VARCHAR(30) NOT NULL;
)");
  WriteRevision("aaaa0003_view.sql", kView);
  std::ofstream(dir_ / "sluice.ini") << "versions = versions\n";
  auto r = Sluice("test --junit report.xml");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("FAIL  stairway aaaa0002: revision aaaa0002: its down does not undo"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("(before the up -> after the down):\n  table items: modify column v: `v` "
                          "varchar(20)"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("-> `v` varchar(30)"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("ok    stairway aaaa0003"), std::string::npos) << r.output;
  std::ifstream junit(dir_ / "report.xml");
  std::string xml((std::istreambuf_iterator<char>(junit)), {});
  EXPECT_NE(xml.find("failures=\"1\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<failure message=\"revision aaaa0002"), std::string::npos) << xml;
}

TEST_F(Autogenerate, StairwayWantsOneHeadUnlessAllowed) {
  WriteRevision("aaaa0001_create.sql", kCreate);
  WriteRevision("bbbb0001_other.sql",
                "-- sluice:revision bbbb0001\n-- sluice:up\nCREATE TABLE other (id INT PRIMARY "
                "KEY);\n-- sluice:down\nDROP TABLE other;\n");
  std::ofstream(dir_ / "sluice.ini") << "versions = versions\n";
  auto strict = Sluice("test");
  EXPECT_EQ(strict.exit_code, 1) << strict.output;
  EXPECT_NE(strict.output.find("FAIL  graph single head: 2 heads"), std::string::npos)
      << strict.output;
  auto allowed = Sluice("test --allow-multiple-heads");
  EXPECT_EQ(allowed.exit_code, 0) << allowed.output;
  EXPECT_NE(allowed.output.find("ok    stairway bbbb0001"), std::string::npos) << allowed.output;
}

}  // namespace
}  // namespace sluice::testing
