#include "engine/sql/lexer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sluice::sql {
namespace {

std::vector<std::string> Texts(std::string_view script) {
  auto r = SplitStatements(script);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  std::vector<std::string> out;
  if (r.ok()) {
    for (const auto& s : *r) out.push_back(s.text);
  }
  return out;
}

using Strings = std::vector<std::string>;

TEST(SplitStatements, SplitsOnSemicolonAndTrims) {
  EXPECT_EQ(Texts("SELECT 1;  SELECT 2 ;\n\nSELECT 3"),
            (Strings{"SELECT 1", "SELECT 2", "SELECT 3"}));
}

TEST(SplitStatements, EmptyStatementsAndWhitespaceAreDropped) {
  EXPECT_EQ(Texts(" ;;\n ; SELECT 1;;"), (Strings{"SELECT 1"}));
  EXPECT_TRUE(Texts("   \n\t").empty());
}

TEST(SplitStatements, SemicolonInsideSingleQuotes) {
  EXPECT_EQ(Texts("INSERT INTO t VALUES ('a;b'); SELECT 2"),
            (Strings{"INSERT INTO t VALUES ('a;b')", "SELECT 2"}));
}

TEST(SplitStatements, SemicolonInsideDoubleQuotesAndBackticks) {
  EXPECT_EQ(Texts("SELECT \"x;y\" AS `a;b`; SELECT 2;"),
            (Strings{"SELECT \"x;y\" AS `a;b`", "SELECT 2"}));
}

TEST(SplitStatements, DoubledAndBackslashEscapedQuotes) {
  EXPECT_EQ(Texts("SELECT 'it''s;'; SELECT 'a\\';b'; SELECT `x``;y`; SELECT \"q\"\";\";"),
            (Strings{"SELECT 'it''s;'", "SELECT 'a\\';b'", "SELECT `x``;y`", "SELECT \"q\"\";\""}));
}

TEST(SplitStatements, BackslashDoesNotEscapeInBackticks) {
  EXPECT_EQ(Texts("SELECT 1 AS `a\\`; SELECT 2"), (Strings{"SELECT 1 AS `a\\`", "SELECT 2"}));
}

TEST(SplitStatements, SemicolonInsideComments) {
  EXPECT_EQ(Texts("SELECT 1 -- not; here\n, 2; # also; not\nSELECT /* a;b */ 3;"),
            (Strings{"SELECT 1 -- not; here\n, 2", "SELECT /* a;b */ 3"}));
}

TEST(SplitStatements, DoubleDashNeedsWhitespaceToBeAComment) {
  EXPECT_EQ(Texts("SELECT 5--1; SELECT 2"), (Strings{"SELECT 5--1", "SELECT 2"}));
  EXPECT_EQ(Texts("SELECT 1 --\n; SELECT 2"), (Strings{"SELECT 1 --", "SELECT 2"}));
}

TEST(SplitStatements, LeadingCommentsAreDroppedExecutableCommentsKept) {
  EXPECT_EQ(Texts("-- header\n/* block */ # hash\nSELECT 1;"), (Strings{"SELECT 1"}));
  EXPECT_EQ(Texts("/*!40101 SET NAMES utf8mb4; */; SELECT 2"),
            (Strings{"/*!40101 SET NAMES utf8mb4; */", "SELECT 2"}));
  EXPECT_EQ(Texts("/*M!100100 SELECT 1 */;"), (Strings{"/*M!100100 SELECT 1 */"}));
}

TEST(SplitStatements, OnlyCommentsYieldNothing) {
  EXPECT_TRUE(Texts("-- one\n# two\n/* three; */\n").empty());
}

TEST(SplitStatements, LineNumbersPointAtFirstToken) {
  auto r = SplitStatements("-- c\n\nSELECT 'a\nb';\n  /* x\n */ SELECT 2;", 10);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].line, 12);
  EXPECT_EQ((*r)[1].line, 15);
}

TEST(SplitStatements, TerminatedFlag) {
  auto r = SplitStatements("SELECT 1; SELECT 2");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_TRUE((*r)[0].terminated);
  EXPECT_FALSE((*r)[1].terminated);
}

TEST(SplitStatements, UnterminatedQuoteNamesOpeningLine) {
  auto r = SplitStatements("SELECT 1;\nSELECT 'abc;\nmore", 5);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "line 6: unterminated '...' string");
  EXPECT_EQ(r.error().exit, ExitCode::kUsage);
}

TEST(SplitStatements, UnterminatedBacktickAndComment) {
  auto a = SplitStatements("SELECT `abc");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().message, "line 1: unterminated `...` identifier");
  auto b = SplitStatements("SELECT 1;\n\n/* never closed; SELECT 2;");
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().message, "line 3: unterminated /* */ comment");
  auto c = SplitStatements("SELECT \"abc");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().message, "line 1: unterminated \"...\" string");
}

TEST(SplitStatements, DelimiterCommand) {
  const char* script =
      "DELIMITER $$\n"
      "CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.a = 1; SET NEW.b = 2; "
      "END$$\n"
      "DELIMITER ;\n"
      "SELECT 1;";
  EXPECT_EQ(Texts(script),
            (Strings{"CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.a = 1; "
                     "SET NEW.b = 2; END",
                     "SELECT 1"}));
}

TEST(Tokenize, SkipsCommentsAndUnquotesIdentifiers) {
  auto r = Tokenize("UPDATE `my``db`.t /* c */ SET a=1 -- x\n WHERE b<=2 # y");
  ASSERT_TRUE(r.ok());
  std::vector<std::string> texts;
  for (const auto& t : *r) texts.push_back(t.text);
  EXPECT_EQ(texts,
            (Strings{"UPDATE", "my`db", ".", "t", "SET", "a", "=", "1", "WHERE", "b", "<=", "2"}));
  EXPECT_EQ((*r)[1].kind, TokenKind::kQuotedIdent);
  EXPECT_EQ((*r)[7].kind, TokenKind::kNumber);
}

TEST(Tokenize, ExecutableCommentContentIsTokenized) {
  auto r = Tokenize("ALTER TABLE t /*!50100 ADD COLUMN x INT */");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 7u);
  EXPECT_TRUE(IsWord((*r)[3], "ADD"));
  EXPECT_TRUE(IsWord((*r)[6], "INT"));
}

TEST(Tokenize, ParenthesisDepth) {
  auto r = Tokenize("a (b (c)) d");
  ASSERT_TRUE(r.ok());
  std::vector<int> depths;
  for (const auto& t : *r) depths.push_back(t.depth);
  EXPECT_EQ(depths, (std::vector<int>{0, 0, 1, 1, 2, 1, 0, 0}));
}

}  // namespace
}  // namespace sluice::sql

namespace sluice::sql {
namespace {

TEST(LinesInsideQuotes, MarksContinuationLines) {
  auto v = LinesInsideQuotes("a 'x\ny\nz' b\n/* c\nd */ e -- 'not\n\"q\nr\"\n");
  EXPECT_EQ(v, (std::vector<bool>{false, true, true, false, true, false, true, false}));
}

}  // namespace
}  // namespace sluice::sql
