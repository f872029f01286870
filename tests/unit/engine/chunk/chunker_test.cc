#include "engine/chunk/chunker.h"

#include <gtest/gtest.h>

#include <deque>

namespace sluice::chunk {
namespace {

// A session that answers queries from a script and records them.
class ScriptedSession : public Session {
 public:
  Result<ResultSet> Query(std::string_view sql) override {
    queries.emplace_back(sql);
    ResultSet rs = answers.empty() ? ResultSet{} : answers.front();
    if (!answers.empty()) answers.pop_front();
    return rs;
  }
  Result<ExecResult> Exec(std::string_view sql) override {
    queries.emplace_back(sql);
    return ExecResult{};
  }
  const ServerInfo& server() const override { return info; }
  std::deque<ResultSet> answers;
  std::vector<std::string> queries;
  ServerInfo info;
};

KeySpec IdSpec() {
  KeySpec s;
  s.table = {"db", "orders"};
  s.index = "PRIMARY";
  s.columns = {"id"};
  s.kinds = {LiteralKind::kInteger};
  return s;
}

TEST(ChunkerTest, BoundarySqlWalksTheIndexWithOffset) {
  Chunker c(IdSpec());
  EXPECT_EQ(c.BoundarySql(KeyRange{}, 1000),
            "SELECT `id` FROM `db`.`orders` FORCE INDEX (`PRIMARY`) ORDER BY `id` LIMIT 1 "
            "OFFSET 999");
  EXPECT_EQ(c.BoundarySql(KeyRange{KeyTuple{std::string("10")}, KeyTuple{std::string("99")}}, 5),
            "SELECT `id` FROM `db`.`orders` FORCE INDEX (`PRIMARY`) WHERE `id` > 10 AND `id` <= "
            "99 ORDER BY `id` LIMIT 1 OFFSET 4");
}

TEST(ChunkerTest, CompositeBoundaryComparesTuples) {
  KeySpec s;
  s.table = {"", "t"};
  s.columns = {"a", "b"};
  s.kinds = {LiteralKind::kInteger, LiteralKind::kString};
  Chunker c(s);
  EXPECT_EQ(c.BoundarySql(KeyRange{KeyTuple{std::string("1"), std::string("x")}, std::nullopt}, 1),
            "SELECT `a`, `b` FROM `t` WHERE (`a`, `b`) > (1, 'x') ORDER BY `a`, `b` LIMIT 1 "
            "OFFSET 0");
}

TEST(ChunkerTest, NextTakesTheActualKeyAndEndsAtTheInterval) {
  Chunker c(IdSpec());
  ScriptedSession s;
  ResultSet found;
  found.columns = {"id"};
  found.rows = {{std::string("1234")}};
  s.answers = {found, ResultSet{}};
  KeyRange interval{KeyTuple{std::string("7")}, KeyTuple{std::string("5000")}};
  auto first = c.Next(s, interval, 100);
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(first->last);
  EXPECT_EQ(first->rows, 100);
  EXPECT_TRUE(SameBound(first->range.lo, interval.lo));
  EXPECT_TRUE(SameBound(first->range.hi, KeyTuple{std::string("1234")}));
  // Fewer keys than asked for are left: the chunk takes the rest.
  auto second = c.Next(s, KeyRange{first->range.hi, interval.hi}, 100);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->last);
  EXPECT_TRUE(SameBound(second->range.hi, interval.hi));
}

TEST(ChunkerTest, BoundaryOnTheIntervalEndIsTheLastChunk) {
  Chunker c(IdSpec());
  ScriptedSession s;
  ResultSet found;
  found.rows = {{std::string("5000")}};
  s.answers = {found};
  auto chunk = c.Next(s, KeyRange{std::nullopt, KeyTuple{std::string("5000")}}, 10);
  ASSERT_TRUE(chunk.ok());
  EXPECT_TRUE(chunk->last);
}

}  // namespace
}  // namespace sluice::chunk
