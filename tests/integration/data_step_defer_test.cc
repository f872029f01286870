// Index deferral: indexes are recorded before they are dropped and always
// come back, also when the run stops (or crashes) after the drop.
#include "tests/integration/data_step_fixture.h"

namespace sluice::testing {
namespace {

class DeferTest : public DataStepTest {
 protected:
  void MakeTables(int rows) {
    Exec(
        "CREATE TABLE src (id BIGINT NOT NULL PRIMARY KEY, a INT NOT NULL, b VARCHAR(20) "
        "NOT NULL, c INT NOT NULL)");
    Exec(
        "INSERT INTO src SELECT seq, seq % 97, CONCAT('b', seq % 1000), seq % 13 FROM "
        "seq_1_to_" +
        std::to_string(rows));
    Exec(
        "CREATE TABLE dst (id BIGINT NOT NULL PRIMARY KEY, a INT NOT NULL, b VARCHAR(20) "
        "NOT NULL, c INT NOT NULL, KEY idx_a (a), KEY idx_b (b(10), a), KEY idx_c (c DESC), "
        "UNIQUE KEY u_ab (a, b, id))");
  }
};

constexpr const char* kSecondary =
    "SELECT GROUP_CONCAT(DISTINCT INDEX_NAME ORDER BY INDEX_NAME) FROM "
    "information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'dst' AND "
    "INDEX_NAME <> 'PRIMARY'";

TEST_F(DeferTest, AllSecondaryIndexesComeBack) {
  MakeTables(5000);
  auto before = conn().Query("SHOW CREATE TABLE dst");
  ASSERT_TRUE(before.ok());
  DataStepOptions o = Options(500, 4);
  o.defer_indexes = "all";
  Status st = Run("INSERT INTO dst SELECT id, a, b, c FROM src", o);
  ASSERT_TRUE(st.ok()) << st.error().ToString();
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM dst"), "5000");
  EXPECT_EQ(Scalar(kSecondary), "idx_a,idx_b,idx_c,u_ab");
  auto after = conn().Query("SHOW CREATE TABLE dst");
  ASSERT_TRUE(after.ok());
  // The same table definition as before, index for index (prefix and DESC included).
  EXPECT_EQ(*after->rows[0][1], *before->rows[0][1]);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM sluice_deferred_index"), "0");
  EXPECT_EQ(sink_->finish_phase, "re-create indexes");
}

TEST_F(DeferTest, NoDeferredIndexNoIndexPhase) {
  MakeTables(2000);
  Status st = Run("INSERT INTO dst SELECT id, a, b, c FROM src", Options(500, 2));
  ASSERT_TRUE(st.ok()) << st.error().ToString();
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM dst"), "2000");
  // The bar and the finish event must not claim an index build that never ran.
  EXPECT_NE(sink_->finish_phase, "re-create indexes");
}

TEST_F(DeferTest, StopAfterTheDropThenResumeRecreatesTheIndexes) {
  MakeTables(20000);
  RunControl control;
  sink_->on_batch = [&](int ok) {
    if (ok == 3) control.RequestStop();
  };
  DataStepOptions o = Options(200, 2);
  o.max_batch_size = 200;
  o.defer_indexes = "idx_a, idx_c";
  Status st = Run("INSERT INTO dst SELECT id, a, b, c FROM src", o, "r1", &control);
  ASSERT_FALSE(st.ok());
  // Stopped after the drop: the two indexes are gone but recorded.
  EXPECT_EQ(Scalar(kSecondary), "idx_b,u_ab");
  EXPECT_EQ(Scalar("SELECT GROUP_CONCAT(index_name ORDER BY index_name) FROM "
                   "sluice_deferred_index"),
            "idx_a,idx_c");

  // The rerun (even without the option) finishes and re-creates them.
  sink_->on_batch = nullptr;
  st = Run("INSERT INTO dst SELECT id, a, b, c FROM src", Options(1000, 2), "r1");
  ASSERT_TRUE(st.ok()) << st.error().ToString();
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM dst"), "20000");
  EXPECT_EQ(Scalar(kSecondary), "idx_a,idx_b,idx_c,u_ab");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM sluice_deferred_index"), "0");
  auto create_after = conn().Query("SHOW CREATE TABLE dst");
  ASSERT_TRUE(create_after.ok());
  EXPECT_NE(create_after->rows[0][1]->find("KEY `idx_c` (`c` DESC)"), std::string::npos)
      << *create_after->rows[0][1];
}

TEST_F(DeferTest, CrashBetweenRecordAndDropIsRepairedOnResume) {
  MakeTables(1000);
  // What a crash right after recording and dropping leaves behind.
  Exec(
      "CREATE TABLE sluice_deferred_index (revision VARCHAR(64) NOT NULL, step INT NOT NULL, "
      "table_schema VARCHAR(64) NOT NULL, table_name VARCHAR(64) NOT NULL, index_name "
      "VARCHAR(64) NOT NULL, definition TEXT NOT NULL, recorded_at TIMESTAMP(6) NOT NULL "
      "DEFAULT CURRENT_TIMESTAMP(6), PRIMARY KEY (revision, step, table_schema, table_name, "
      "index_name))");
  Exec(
      "INSERT INTO sluice_deferred_index (revision, step, table_schema, table_name, "
      "index_name, definition) VALUES ('r1', 1, DATABASE(), 'dst', 'idx_a', 'KEY `idx_a` "
      "(`a`)')");
  Exec("ALTER TABLE dst DROP INDEX idx_a");
  DataStepOptions o = Options(300, 2);
  o.defer_indexes = "idx_a";  // named, though already dropped by the crashed run
  Status st = Run("INSERT INTO dst SELECT id, a, b, c FROM src", o, "r1");
  ASSERT_TRUE(st.ok()) << st.error().ToString();
  EXPECT_EQ(Scalar(kSecondary), "idx_a,idx_b,idx_c,u_ab");
}

TEST_F(DeferTest, FatalErrorStillRecreatesTheIndexes) {
  MakeTables(3000);
  Exec("INSERT INTO dst VALUES (2500, 0, 'x', 0)");  // duplicate key for the load
  DataStepOptions o = Options(200, 2);
  o.defer_indexes = "all";
  Status st = Run("INSERT INTO dst SELECT id, a, b, c FROM src", o);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, 1062);
  EXPECT_EQ(Scalar(kSecondary), "idx_a,idx_b,idx_c,u_ab");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM sluice_deferred_index"), "0");
}

TEST_F(DeferTest, RefusesUnknownUniqueAndKeyIndexes) {
  MakeTables(10);
  DataStepOptions o = Options();
  o.defer_indexes = "nope";
  Status st = Run("INSERT INTO dst SELECT id, a, b, c FROM src", o);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().exit, ExitCode::kUsage);
  EXPECT_NE(st.error().message.find("nope"), std::string::npos);
  o.defer_indexes = "u_ab";
  st = Run("INSERT INTO dst SELECT id, a, b, c FROM src", o);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("UNIQUE"), std::string::npos);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM dst"), "0");
  EXPECT_EQ(Scalar(kSecondary), "idx_a,idx_b,idx_c,u_ab");
}

}  // namespace
}  // namespace sluice::testing
