// DiffSchemas against the real server: two databases loaded from DDL, the
// generated up statements turn the first into the second exactly, and the
// down statements restore the first exactly (snapshots compared), for every
// kind of difference and in both directions.
#include <gtest/gtest.h>

#include "engine/schema/desired_schema.h"
#include "engine/schema/migration_script.h"
#include "engine/schema/schema_diff.h"
#include "engine/schema/schema_snapshot.h"
#include "engine/sql/lexer.h"
#include "engine/sql/quote.h"
#include "tests/integration/revision_fixture.h"
#include "tests/support/test_db.h"

namespace sluice::testing {
namespace {

struct Case {
  std::string name;
  std::string a;  // DDL of one side
  std::string b;  // DDL of the other
};

class SchemaRoundTrip : public TestDatabase, public ::testing::WithParamInterface<Case> {
 protected:
  void TearDown() override {
    if (!HasFailure()) {
      for (const auto& db : created_) Exec("DROP DATABASE IF EXISTS " + sql::QuoteIdent(db));
    }
    TestDatabase::TearDown();
  }

  // A fresh database holding `ddl`, loaded as the desired schema is.
  std::string Load(const std::string& suffix, const std::string& ddl) {
    std::string db = db_name() + suffix;
    created_.push_back(db);
    Exec("DROP DATABASE IF EXISTS " + sql::QuoteIdent(db));
    Exec("CREATE DATABASE " + sql::QuoteIdent(db) + " COLLATE 'latin1_swedish_ci'");
    Exec("USE " + sql::QuoteIdent(db));
    auto split = sql::SplitStatements(ddl);
    EXPECT_TRUE(split.ok());
    std::vector<SchemaStatement> statements;
    for (const auto& st : *split) statements.push_back({"ddl", st.line, st.text});
    auto loaded = LoadSchema(conn(), statements, nullptr);
    EXPECT_TRUE(loaded.ok()) << loaded.error().message;
    return db;
  }

  SchemaSnapshot Snap(const std::string& db) {
    auto s = ReadSchemaSnapshot(conn(), db);
    EXPECT_TRUE(s.ok()) << s.error().message;
    return s.ok() ? *s : SchemaSnapshot{};
  }

  void Apply(const std::string& db, const std::vector<MigrationStatement>& statements) {
    Exec("USE " + sql::QuoteIdent(db));
    for (const auto& st : statements) Exec(st.sql);
  }

  std::string Differences(const SchemaSnapshot& x, const SchemaSnapshot& y) {
    DiffOptions all;
    all.allow_drop = true;
    std::string out;
    for (const auto& d : DiffSchemas(x, y, all).differences) out += d.ToString() + "\n";
    return out;
  }

  // from -> to by the up statements, back by the down statements.
  void RoundTrip(const std::string& from_ddl, const std::string& to_ddl) {
    const std::string from = Load("_f", from_ddl), to = Load("_t", to_ddl);
    const SchemaSnapshot before = Snap(from), desired = Snap(to);
    DiffOptions allow;
    allow.allow_drop = true;
    const SchemaDiff diff = DiffSchemas(before, desired, allow);
    ASSERT_FALSE(diff.empty());
    SCOPED_TRACE(RenderRevisionBody(diff));
    Apply(from, diff.up);
    EXPECT_EQ(Snap(from), desired) << Differences(Snap(from), desired);
    Apply(from, diff.down);
    EXPECT_EQ(Snap(from), before) << Differences(Snap(from), before);
    for (const auto& db : {from, to}) Exec("DROP DATABASE " + sql::QuoteIdent(db));
    created_.clear();
  }

  std::vector<std::string> created_;
};

TEST_P(SchemaRoundTrip, UpThenDownRestoresTheSchemaExactly) {
  RoundTrip(GetParam().a, GetParam().b);
}

TEST_P(SchemaRoundTrip, AndTheOtherWayRound) { RoundTrip(GetParam().b, GetParam().a); }

const Case kCases[] = {
    {"columns_added_dropped_moved",
     "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, a INT, b VARCHAR(10), c INT)",
     "CREATE TABLE t (c INT, id INT NOT NULL PRIMARY KEY, x INT NOT NULL DEFAULT 5, a INT, "
     "z DATE)"},
    {"column_type_null_default",
     "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, a INT NULL, b VARCHAR(10) DEFAULT 'x', "
     "d DATETIME NULL, e DECIMAL(10,2) NOT NULL DEFAULT 0)",
     "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, a BIGINT NOT NULL, b VARCHAR(20) DEFAULT "
     "'it''s', d DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP, "
     "e DECIMAL(12,4) NULL)"},
    {"charset_and_collation",
     "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, s VARCHAR(10), u VARCHAR(10) CHARACTER SET "
     "utf8mb4) DEFAULT CHARSET=latin1",
     "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, s VARCHAR(10), u VARCHAR(10) CHARACTER SET "
     "utf8mb4 COLLATE utf8mb4_bin) DEFAULT CHARSET=utf8mb4"},
    {"generated_auto_increment_comment",
     "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, p INT, g INT AS (p + 1) VIRTUAL)",
     "CREATE TABLE t (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY COMMENT 'the key', p INT "
     "COMMENT 'price', g INT AS (p * 2) STORED)"},
    {"indexes_unique_prefix_on_generated",
     "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, a INT, b INT, c VARCHAR(40), KEY i_a (a), "
     "UNIQUE KEY u_b (b), KEY i_c (c(10)), KEY gone (a, b))",
     "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, a INT, b INT, c VARCHAR(40), v INT AS (a + b) "
     "VIRTUAL, KEY i_a (a, b), KEY u_b (b), KEY i_c (c(20)), UNIQUE KEY u_c (c), KEY i_v (v), "
     "FULLTEXT KEY ft (c))"},
    {"primary_key",
     "CREATE TABLE t (id INT NOT NULL, a INT NOT NULL, PRIMARY KEY (id))",
     "CREATE TABLE t (id INT NOT NULL, a INT NOT NULL, PRIMARY KEY (a, id))"},
    {"foreign_keys",
     "CREATE TABLE p (id INT NOT NULL PRIMARY KEY); CREATE TABLE c (id INT NOT NULL PRIMARY KEY, "
     "p_id INT, KEY k (p_id), CONSTRAINT fk_keep FOREIGN KEY (p_id) REFERENCES p (id))",
     "CREATE TABLE p (id INT NOT NULL PRIMARY KEY); CREATE TABLE c (id INT NOT NULL PRIMARY KEY, "
     "p_id INT, q_id INT, KEY k (p_id), CONSTRAINT fk_keep FOREIGN KEY (p_id) REFERENCES p (id) "
     "ON DELETE CASCADE, CONSTRAINT fk_q FOREIGN KEY (q_id) REFERENCES p (id))"},
    {"checks",
     "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, a INT, CONSTRAINT chk CHECK (a > 0))",
     "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, a INT, CONSTRAINT chk CHECK (a >= 0), "
     "CONSTRAINT chk2 CHECK (a < 100))"},
    {"tables_created_and_dropped",
     "CREATE TABLE old_t (id INT NOT NULL PRIMARY KEY, v VARCHAR(5)); CREATE TABLE keep_t (id "
     "INT NOT NULL PRIMARY KEY)",
     "CREATE TABLE keep_t (id INT NOT NULL PRIMARY KEY); CREATE TABLE a_child (id INT NOT NULL "
     "PRIMARY KEY, p INT, CONSTRAINT fk FOREIGN KEY (p) REFERENCES z_parent (id)); CREATE TABLE "
     "z_parent (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY) AUTO_INCREMENT=100"},
    {"views",
     "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, a INT); CREATE VIEW v1 AS SELECT id FROM t; "
     "CREATE VIEW v2 AS SELECT a FROM t",
     "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, a INT); CREATE VIEW v1 AS SELECT id, a FROM t "
     "WHERE a > 1; CREATE ALGORITHM=MERGE SQL SECURITY INVOKER VIEW v3 AS SELECT id FROM t WITH "
     "CHECK OPTION; CREATE VIEW a_on_v3 AS SELECT id FROM v3"},
    {"table_options",
     "CREATE TABLE t (id INT NOT NULL PRIMARY KEY) ENGINE=InnoDB",
     "CREATE TABLE t (id INT NOT NULL PRIMARY KEY) ENGINE=InnoDB ROW_FORMAT=COMPACT COMMENT="
     "'the table''s comment'"},
    {"engine",
     "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, a INT) ENGINE=InnoDB",
     "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, a INT) ENGINE=Aria"},
};

INSTANTIATE_TEST_SUITE_P(EveryKind, SchemaRoundTrip, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return info.param.name; });

// The same cases through the binary: the revision autogenerate writes runs
// through the dialect's online strategies (`sluice upgrade`), leaves no
// drift, and `sluice downgrade` restores the schema exactly. Except foreign
// keys changed on an existing table: the MySQL/MariaDB strategies cannot run
// such an ALTER yet (docs/REVISIONS.md), which the test pins down.
class ThroughTheBinary : public RevisionProject, public ::testing::WithParamInterface<Case> {};

TEST_P(ThroughTheBinary, AutogenerateUpgradeDriftDowngrade) {
  std::filesystem::create_directories(dir_ / "schema");
  std::ofstream(dir_ / "sluice.ini") << "versions = versions\nschema = schema\n";
  std::ofstream(dir_ / "schema" / "all.sql") << GetParam().b << ";\n";
  Exec("SET SESSION foreign_key_checks = 0");
  auto split = sql::SplitStatements(GetParam().a);
  ASSERT_TRUE(split.ok());
  for (const auto& st : *split) Exec(st.text);
  SnapshotOptions own;
  own.ignore_tables = {"sluice_version", "sluice_history", "sluice_checkpoint", "sluice_lock",
                       "sluice_deferred_index"};
  auto before = ReadSchemaSnapshot(conn(), db_name(), own);
  ASSERT_TRUE(before.ok());

  auto gen = Sluice("revision --autogenerate --allow-drop -m change");
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  auto up = Sluice("upgrade head --progress none");
  if (GetParam().name == "foreign_keys") {
    // The known limit: this fails, with the dialect's reason, until the
    // MySQL/MariaDB strategies can drop and add foreign keys online.
    EXPECT_NE(up.exit_code, 0) << up.output;
    EXPECT_NE(up.output.find("FOREIGN KEY `fk_keep`"), std::string::npos) << up.output;
    return;
  }
  ASSERT_EQ(up.exit_code, 0) << up.output;
  auto drift = Sluice("check --drift");
  EXPECT_EQ(drift.exit_code, 0) << drift.output;
  auto down = Sluice("downgrade base --progress none");
  ASSERT_EQ(down.exit_code, 0) << down.output;
  auto after = ReadSchemaSnapshot(conn(), db_name(), own);
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(*after == *before);
}

INSTANTIATE_TEST_SUITE_P(EveryKind, ThroughTheBinary, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return info.param.name; });

class SchemaSnapshotOnServer : public SchemaRoundTrip {};

TEST_F(SchemaSnapshotOnServer, TheSameDdlInTwoDatabasesHasNoDifference) {
  const std::string ddl =
      "CREATE TABLE p (id INT NOT NULL PRIMARY KEY, n VARCHAR(10) CHARACTER SET utf8mb4); "
      "CREATE TABLE c (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, p_id INT, "
      "g INT AS (p_id * 2) VIRTUAL, CONSTRAINT fk FOREIGN KEY (p_id) REFERENCES p (id), "
      "CONSTRAINT chk CHECK (p_id > 0)) COMMENT 'c'; "
      "CREATE INDEX i_g ON c (g); CREATE VIEW v AS SELECT c.id, p.n FROM c JOIN p ON p.id = c.p_id";
  const SchemaSnapshot a = Snap(Load("_a", ddl)), b = Snap(Load("_b", ddl));
  EXPECT_EQ(a.tables.size(), 2u);
  EXPECT_EQ(a.views.size(), 1u);
  EXPECT_EQ(a, b) << Differences(a, b);
  EXPECT_TRUE(DiffSchemas(a, b).empty());
  // The character set is spelled out even where SHOW CREATE TABLE leaves it out.
  EXPECT_EQ(a.tables.at("p").FindColumn("n")->definition,
            "`n` varchar(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci DEFAULT NULL");
  EXPECT_EQ(a.tables.at("c").options.at("comment"), "COMMENT='c'");
  EXPECT_EQ(a.views.at("v").definition.find(db_name()), std::string::npos)
      << a.views.at("v").definition;
}

TEST_F(SchemaSnapshotOnServer, ALoadErrorNamesFileLineAndTheServerError) {
  Exec("CREATE DATABASE " + sql::QuoteIdent(db_name() + "_e"));
  created_.push_back(db_name() + "_e");
  Exec("USE " + sql::QuoteIdent(db_name() + "_e"));
  std::vector<SchemaStatement> statements = {{"schema/a.sql", 1, "CREATE TABLE t (id INT)"},
                                             {"schema/b.sql", 7, "CREATE TABLE t (id INT)"}};
  auto st = LoadSchema(conn(), statements, nullptr);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().exit, ExitCode::kUsage);
  EXPECT_NE(st.error().message.find("schema/b.sql:7: ERROR 1050"), std::string::npos)
      << st.error().message;
}

}  // namespace
}  // namespace sluice::testing
