// InspectTableFromInformationSchema on the real server: columns (generated
// ones too), re-creatable index definitions, foreign keys to and from the
// table, row estimate, engine and SHOW CREATE TABLE.
#include "engine/schema/inspector.h"
#include "tests/integration/data_step_fixture.h"

namespace sluice::testing {
namespace {

using InspectorTest = TestDatabase;

TEST_F(InspectorTest, ReadsColumnsIndexesAndForeignKeys) {
  Exec("CREATE TABLE parent (id INT NOT NULL PRIMARY KEY)");
  Exec(
      "CREATE TABLE child (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, parent_id INT NOT NULL, "
      "name VARCHAR(40) NULL, code VARBINARY(8) NOT NULL, doubled BIGINT AS (id * 2) VIRTUAL, "
      "PRIMARY KEY (id), UNIQUE KEY u_code (code), KEY k_name (name(10), parent_id), "
      "KEY `we``ird` (parent_id DESC), "
      "CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES parent (id))");
  Exec(
      "CREATE TABLE grandchild (id INT NOT NULL PRIMARY KEY, child_id BIGINT UNSIGNED NOT NULL, "
      "CONSTRAINT fk_child FOREIGN KEY (child_id) REFERENCES child (id))");
  auto t = InspectTableFromInformationSchema(conn(), TableRef{"", "child"});
  ASSERT_TRUE(t.ok()) << t.error().ToString();
  EXPECT_EQ(t->ref.schema, db_name());
  EXPECT_EQ(t->engine, "InnoDB");
  ASSERT_EQ(t->columns.size(), 5u);
  EXPECT_EQ(t->columns[0].name, "id");
  EXPECT_TRUE(t->columns[0].IsInteger());
  EXPECT_TRUE(t->columns[0].IsUnsigned());
  EXPECT_FALSE(t->columns[0].nullable);
  EXPECT_TRUE(t->columns[2].nullable);
  EXPECT_EQ(t->columns[3].data_type, "varbinary");
  EXPECT_FALSE(t->columns[3].generated);
  EXPECT_TRUE(t->columns[4].generated);

  ASSERT_NE(t->PrimaryKey(), nullptr);
  EXPECT_EQ(t->indexes[0].name, "PRIMARY");
  const IndexInfo* name = t->FindIndex("k_name");
  ASSERT_NE(name, nullptr);
  EXPECT_EQ(name->columns, (std::vector<std::string>{"name", "parent_id"}));
  EXPECT_EQ(name->definition, "KEY `k_name` (`name`(10),`parent_id`)");
  const IndexInfo* weird = t->FindIndex("we`ird");
  ASSERT_NE(weird, nullptr);
  EXPECT_EQ(weird->definition, "KEY `we``ird` (`parent_id` DESC)");
  const IndexInfo* code = t->FindIndex("u_code");
  ASSERT_NE(code, nullptr);
  EXPECT_TRUE(code->unique);
  EXPECT_EQ(code->definition, "UNIQUE KEY `u_code` (`code`)");

  ASSERT_EQ(t->foreign_keys.size(), 2u);
  EXPECT_EQ(t->foreign_keys[0].name, "fk_parent");
  EXPECT_EQ(t->foreign_keys[0].table, "child");
  EXPECT_EQ(t->foreign_keys[0].referenced, "parent");
  EXPECT_EQ(t->foreign_keys[1].name, "fk_child");
  EXPECT_EQ(t->foreign_keys[1].table, "grandchild");
  EXPECT_NE(t->create_statement.find("CREATE TABLE `child`"), std::string::npos);
}

TEST_F(InspectorTest, RowEstimate) {
  Exec("CREATE TABLE t (id INT NOT NULL PRIMARY KEY)");
  Exec("INSERT INTO t SELECT seq FROM seq_1_to_5000");
  Exec("ANALYZE TABLE t");
  auto t = InspectTableFromInformationSchema(conn(), TableRef{db_name(), "t"});
  ASSERT_TRUE(t.ok());
  EXPECT_GT(t->estimated_rows, 2500u);
  EXPECT_LT(t->estimated_rows, 10000u);
}

TEST_F(InspectorTest, UnknownTableIsAnInputErrorNamingIt) {
  auto t = InspectTableFromInformationSchema(conn(), TableRef{db_name(), "missing"});
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().exit, ExitCode::kUsage);
  EXPECT_NE(t.error().message.find(db_name() + ".missing"), std::string::npos);
}

// A reference from another schema is found through InnoDB's dictionary, not a
// scan of every schema in information_schema.
TEST_F(InspectorTest, ForeignKeyFromAnotherSchemaIsFound) {
  Exec("CREATE TABLE parent (id INT PRIMARY KEY)");
  const std::string other = db_name() + "_x";
  Exec("DROP DATABASE IF EXISTS `" + other + "`");
  Exec("CREATE DATABASE `" + other + "`");
  Exec("CREATE TABLE `" + other + "`.kid (id INT PRIMARY KEY, p INT, CONSTRAINT fk_kid "
       "FOREIGN KEY (p) REFERENCES `" + db_name() + "`.parent (id))");
  auto t = InspectTableFromInformationSchema(conn(), TableRef{db_name(), "parent"});
  Exec("DROP DATABASE `" + other + "`");
  ASSERT_TRUE(t.ok()) << t.error().message;
  ASSERT_EQ(t->foreign_keys.size(), 1u);
  EXPECT_EQ(t->foreign_keys[0].name, "fk_kid");
  EXPECT_EQ(t->foreign_keys[0].table, other + ".kid");
  EXPECT_EQ(t->foreign_keys[0].referenced, "parent");
}

}  // namespace
}  // namespace sluice::testing
