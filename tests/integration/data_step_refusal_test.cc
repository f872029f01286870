// Statements that cannot be chunked safely are refused with an input error
// (exit 2) before anything changes, unless chunked=false.
#include "tests/integration/data_step_fixture.h"

namespace sluice::testing {
namespace {

class RefusalTest : public DataStepTest {
 protected:
  void ExpectRefused(const std::string& statement, const std::string& why,
                     DataStepOptions o = Options()) {
    Status st = Run(statement, o);
    ASSERT_FALSE(st.ok()) << statement;
    EXPECT_EQ(st.error().exit, ExitCode::kUsage) << st.error().ToString();
    EXPECT_NE(st.error().message.find(why), std::string::npos) << st.error().message;
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM t WHERE n <> 0"), "0") << statement;
  }
};

TEST_F(RefusalTest, OrderByOrLimit) {
  MakeIntTable(100);
  ExpectRefused("UPDATE t SET n = 1 ORDER BY id", "ORDER BY or LIMIT");
  ExpectRefused("DELETE FROM t LIMIT 10", "ORDER BY or LIMIT");
  ExpectRefused("UPDATE t SET n = 1 WHERE id > 5 LIMIT 10", "chunked=false");
}

TEST_F(RefusalTest, MultiTable) {
  MakeIntTable(100);
  MakeIntTable(10, "u");
  ExpectRefused("UPDATE t JOIN u ON t.id = u.id SET t.n = 1", "several tables");
  ExpectRefused("DELETE t FROM t, u WHERE t.id = u.id", "several tables");
}

TEST_F(RefusalTest, AssignmentToTheChunkKey) {
  MakeIntTable(100);
  ExpectRefused("UPDATE t SET id = id + 1000", "chunk key column id");
  ExpectRefused("UPDATE t SET n = 1, `t`.`ID` = id + 1000", "chunk key column");
}

TEST_F(RefusalTest, NoUsableUniqueKey) {
  MakeIntTable(100);
  Exec("CREATE TABLE h (a INT, n INT NOT NULL DEFAULT 0, UNIQUE KEY u_a (a), KEY k_n (n))");
  Exec("INSERT INTO h (a) VALUES (1), (2), (NULL)");
  ExpectRefused("UPDATE h SET n = 1", "no primary key");
  DataStepOptions o = Options();
  o.key = "u_a";
  ExpectRefused("UPDATE h SET n = 1", "nullable", o);
  o.key = "k_n";
  ExpectRefused("UPDATE h SET n = 1", "not unique", o);
  o.key = "missing";
  ExpectRefused("UPDATE h SET n = 1", "no such index", o);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM h WHERE n <> 0"), "0");
}

TEST_F(RefusalTest, InsertSelectIntoItsOwnSourceAndGroupBy) {
  MakeIntTable(100);
  ExpectRefused("INSERT INTO t (id) SELECT id + 1000 FROM t", "own target");
  Exec("CREATE TABLE g (n INT NOT NULL PRIMARY KEY, c INT NOT NULL)");
  ExpectRefused("INSERT INTO g SELECT n, COUNT(*) FROM t GROUP BY n", "GROUP BY");
}

TEST_F(RefusalTest, UnknownTableNamesSchemaAndTable) {
  MakeIntTable(1);
  Status st = Run("UPDATE nosuch SET n = 1", Options());
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().exit, ExitCode::kUsage);
  EXPECT_NE(st.error().message.find(db_name() + ".nosuch"), std::string::npos)
      << st.error().message;
}

TEST_F(RefusalTest, ChunkedFalseRunsWhatWouldBeRefused) {
  MakeIntTable(100);
  DataStepOptions o = Options();
  o.chunked = false;
  Status st = Run("UPDATE t SET n = 1 ORDER BY id DESC LIMIT 10", o);
  ASSERT_TRUE(st.ok()) << st.error().ToString();
  EXPECT_EQ(Scalar("SELECT MIN(id) FROM t WHERE n = 1"), "91");
}

}  // namespace
}  // namespace sluice::testing
