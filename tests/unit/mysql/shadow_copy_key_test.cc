// The key a shadow copy chunks and mirrors by when the ALTER changes the
// primary or unique keys (ChooseKey in mysql/shadow_copy_plan.cc).
#include <gtest/gtest.h>

#include "mysql/shadow_copy_plan.h"
#include "mysql/triggers.h"

namespace sluice::mysql {
namespace {

ColumnInfo Col(std::string name, bool nullable = false) {
  ColumnInfo c;
  c.name = std::move(name);
  c.column_type = "int(11)";
  c.data_type = "int";
  c.nullable = nullable;
  return c;
}

IndexInfo Key(std::string name, std::vector<std::string> cols, bool unique = true) {
  IndexInfo i;
  i.primary = name == "PRIMARY";
  i.name = std::move(name);
  i.columns = std::move(cols);
  i.unique = unique;
  return i;
}

struct Tables {
  TableInfo old_t, new_t;
  ShadowNames names = *MakeShadowNames({"db", "t"});
  Tables() {
    old_t.ref = {"db", "t"};
    old_t.columns = {Col("id"), Col("i"), Col("code"), Col("v", true)};
    old_t.indexes = {Key("PRIMARY", {"id"}), Key("u_code", {"code"})};
    new_t = old_t;
    new_t.ref = {"db", "t_sluice_new"};
  }
  Result<CopyPlan> Plan(const std::map<std::string, std::string>& renamed = {}) {
    return MakeCopyPlan(names, old_t, new_t, renamed, {});
  }
};

TEST(ShadowCopyKeyTest, AWiderPrimaryKeyMirrorsByTheOldKeyAndDeletesFirst) {
  Tables t;
  t.new_t.indexes = {Key("PRIMARY", {"id", "i"}), Key("u_code", {"code"})};
  t.old_t.indexes = {Key("PRIMARY", {"id"})};
  auto p = t.Plan();
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->old_key, std::vector<std::string>{"id"});
  EXPECT_EQ(p->key_index, "PRIMARY");
  EXPECT_EQ(p->new_key_index, "PRIMARY");
  EXPECT_TRUE(p->delete_by_key);
  EXPECT_EQ(CreateTriggerSql(*p)[1],
            "CREATE TRIGGER `db`.`_t_upd` AFTER UPDATE ON `db`.`t` FOR EACH ROW BEGIN DELETE FROM "
            "`db`.`t_sluice_new` WHERE `id` <=> OLD.`id`; REPLACE INTO `db`.`t_sluice_new` (`id`, `i`, "
            "`code`, `v`) VALUES (NEW.`id`, NEW.`i`, NEW.`code`, NEW.`v`); END");
}

TEST(ShadowCopyKeyTest, AUniqueKeyKeptInBothTablesIsPreferredToTheOldPrimaryKey) {
  Tables t;  // PRIMARY KEY (id) -> PRIMARY KEY (id, i); u_code stays
  t.new_t.indexes = {Key("PRIMARY", {"id", "i"}), Key("u_code", {"code"})};
  auto p = t.Plan();
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->old_key, std::vector<std::string>{"code"});
  EXPECT_EQ(p->new_key_index, "u_code");
  EXPECT_FALSE(p->delete_by_key);
}

TEST(ShadowCopyKeyTest, PrimaryKeyReplacedByANotNullUniqueKey) {
  Tables t;  // DROP PRIMARY KEY, ADD UNIQUE KEY (id)
  t.old_t.indexes = {Key("PRIMARY", {"id"})};
  t.new_t.indexes = {Key("id", {"id"})};
  auto p = t.Plan();
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->key_index, "PRIMARY");
  EXPECT_EQ(p->new_key_index, "id");
  EXPECT_FALSE(p->delete_by_key);
}

TEST(ShadowCopyKeyTest, SwappedPrimaryAndUniqueKeys) {
  Tables t;  // PRIMARY KEY (code), UNIQUE (id)
  t.new_t.indexes = {Key("PRIMARY", {"code"}), Key("u_id", {"id"})};
  auto p = t.Plan();
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->key_index, "PRIMARY");
  EXPECT_EQ(p->new_key, std::vector<std::string>{"id"});
  EXPECT_EQ(p->new_key_index, "u_id");
}

TEST(ShadowCopyKeyTest, ARenamedKeyColumnDifferingOnlyInCase) {
  Tables t;
  t.old_t.indexes = {Key("PRIMARY", {"id"})};
  t.new_t.columns[0] = Col("ID");
  t.new_t.indexes = {Key("PRIMARY", {"ID"})};
  auto p = t.Plan({{"id", "ID"}});
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->new_key, std::vector<std::string>{"ID"});
  EXPECT_FALSE(p->delete_by_key);
}

TEST(ShadowCopyKeyTest, RefusesWhenNoKeyIdentifiesARowInBoth) {
  Tables t;  // the old key becomes NULL-able and nothing unique is kept
  t.old_t.indexes = {Key("PRIMARY", {"id"})};
  t.new_t.columns[0] = Col("id", true);
  t.new_t.indexes = {Key("k", {"id"}, false)};
  auto p = t.Plan();
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().message.find("PRIMARY (`id`)"), std::string::npos) << p.error().message;
  EXPECT_NE(p.error().message.find("NULL-able"), std::string::npos) << p.error().message;
  Tables u;  // still NOT NULL, but no index starts with it
  u.old_t.indexes = {Key("PRIMARY", {"id"})};
  u.new_t.indexes = {Key("k", {"i"}, false)};
  auto q = u.Plan();
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.error().message.find("no index of the new table starts with it"), std::string::npos)
      << q.error().message;
}

}  // namespace
}  // namespace sluice::mysql
