#include "engine/chunk/key_choice.h"

#include <gtest/gtest.h>

namespace sluice::chunk {
namespace {

TableInfo Table() {
  TableInfo t;
  t.ref = {"db", "t"};
  t.columns = {{"id", "int", "int(11)", false, false},
               {"email", "varchar", "varchar(80)", false, false},
               {"nick", "varchar", "varchar(80)", true, false},
               {"n", "int", "int(11)", false, false}};
  t.indexes = {{"PRIMARY", {"id"}, true, true, ""},
               {"u_email", {"email"}, true, false, ""},
               {"u_nick", {"nick"}, true, false, ""},
               {"k_n", {"n"}, false, false, ""}};
  return t;
}

TEST(ChooseUniqueKeyTest, PrimaryKeyByDefault) {
  auto k = ChooseUniqueKey(Table(), "");
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k->columns, std::vector<std::string>{"id"});
}

TEST(ChooseUniqueKeyTest, NamedKeyCaseInsensitive) {
  auto k = ChooseUniqueKey(Table(), "U_EMAIL");
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k->columns, std::vector<std::string>{"email"});
}

TEST(ChooseUniqueKeyTest, RefusalsNameTheTableAndUsableKeys) {
  auto bad = ChooseUniqueKey(Table(), "k_n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().exit, ExitCode::kUsage);
  EXPECT_NE(bad.error().message.find("not unique"), std::string::npos);
  EXPECT_NE(bad.error().message.find("PRIMARY, u_email"), std::string::npos);
  EXPECT_NE(ChooseUniqueKey(Table(), "u_nick").error().message.find("nullable"), std::string::npos);
  EXPECT_NE(ChooseUniqueKey(Table(), "zzz").error().message.find("db.t"), std::string::npos);
}

TEST(ChooseUniqueKeyTest, FallsBackToUniqueNotNullKey) {
  TableInfo t = Table();
  t.indexes.erase(t.indexes.begin());
  auto k = ChooseUniqueKey(t, "");
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k->columns, std::vector<std::string>{"email"});
  t.indexes = {t.indexes[1]};  // only the nullable unique key left
  EXPECT_FALSE(ChooseUniqueKey(t, "").ok());
}

}  // namespace
}  // namespace sluice::chunk
