#include "engine/chunk/statement_rewriter.h"

#include <gtest/gtest.h>

namespace sluice::chunk {
namespace {

sql::Classified C(const std::string& s) {
  auto c = sql::Classify(s);
  EXPECT_TRUE(c.ok()) << s;
  return c.ok() ? *c : sql::Classified{};
}

std::string Rewrite(const std::string& s, const std::string& pred = "`id` > 5") {
  return StatementTemplate(s, C(s)).Render(pred);
}

TEST(StatementRewriterTest, AndsOntoAnExistingWhere) {
  EXPECT_EQ(Rewrite("UPDATE t SET n = n + 1 WHERE a = 1 OR b = 2"),
            "UPDATE t SET n = n + 1 WHERE (a = 1 OR b = 2\n) AND (`id` > 5)");
}

TEST(StatementRewriterTest, AddsAWhereWhenThereIsNone) {
  EXPECT_EQ(Rewrite("UPDATE t SET n = n + 1"), "UPDATE t SET n = n + 1\nWHERE `id` > 5\n");
  EXPECT_EQ(Rewrite("DELETE FROM t"), "DELETE FROM t\nWHERE `id` > 5\n");
}

TEST(StatementRewriterTest, InsertSelectGetsThePredicateInItsSelect) {
  std::string out = Rewrite("INSERT INTO d (id) SELECT id FROM s WHERE x = 'WHERE'");
  EXPECT_EQ(out, "INSERT INTO d (id) SELECT id FROM s WHERE (x = 'WHERE'\n) AND (`id` > 5)");
  out = Rewrite("INSERT INTO d (id) SELECT id FROM s ON DUPLICATE KEY UPDATE id = id");
  EXPECT_NE(out.find("FROM s\nWHERE `id` > 5\n"), std::string::npos) << out;
  EXPECT_NE(out.find("ON DUPLICATE KEY UPDATE"), std::string::npos) << out;
}

TEST(StatementRewriterTest, TrailingLineCommentCannotSwallowThePredicate) {
  std::string out = Rewrite("UPDATE t SET n = 1 WHERE a = 1 -- note");
  EXPECT_NE(out.find("\n) AND (`id` > 5)"), std::string::npos) << out;
}

TEST(StatementRewriterTest, EmptyPredicateKeepsTheStatement) {
  EXPECT_EQ(Rewrite("UPDATE t SET n = 1", ""), "UPDATE t SET n = 1");
}

TEST(CheckChunkableTest, RefusesWhatCannotBeChunked) {
  auto refused = [](const std::string& s) {
    Status st = CheckChunkable(C(s));
    return !st.ok() && st.error().exit == ExitCode::kUsage &&
           st.error().message.find("chunked=false") != std::string::npos;
  };
  EXPECT_TRUE(refused("UPDATE t SET a = 1 ORDER BY id"));
  EXPECT_TRUE(refused("DELETE FROM t WHERE a = 1 LIMIT 5"));
  EXPECT_TRUE(refused("UPDATE t JOIN u ON t.id = u.id SET t.a = 1"));
  EXPECT_TRUE(refused("INSERT INTO t SELECT * FROM t"));
  EXPECT_TRUE(refused("INSERT INTO d SELECT a, COUNT(*) FROM s GROUP BY a"));
  EXPECT_FALSE(CheckChunkable(C("SELECT 1")).ok());
  EXPECT_TRUE(CheckChunkable(C("UPDATE t SET a = 1 WHERE b = 2")).ok());
  EXPECT_TRUE(CheckChunkable(C("INSERT INTO d SELECT * FROM s")).ok());
}

TEST(CheckKeyNotAssignedTest, MatchesQualifiedAndQuotedNames) {
  EXPECT_FALSE(CheckKeyNotAssigned(C("UPDATE t SET id = 1"), {"id"}).ok());
  EXPECT_FALSE(CheckKeyNotAssigned(C("UPDATE t AS x SET x.`ID` = 1"), {"id"}).ok());
  EXPECT_FALSE(CheckKeyNotAssigned(C("UPDATE t SET b = 1, a = 2"), {"a", "b"}).ok());
  EXPECT_TRUE(CheckKeyNotAssigned(C("UPDATE t SET idx = 1"), {"id"}).ok());
}

TEST(ChunkedTableTest, InsertSelectIsChunkedOverTheSource) {
  auto c = C("INSERT INTO d SELECT * FROM s AS x");
  EXPECT_EQ(ChunkedTable(c).name, "s");
  EXPECT_EQ(ChunkedAlias(c), "x");
  EXPECT_EQ(ChunkedTable(C("DELETE FROM t")).name, "t");
}

}  // namespace
}  // namespace sluice::chunk
