#include "engine/sql/quote.h"

#include <gtest/gtest.h>

#include "engine/sql/lexer.h"

namespace sluice::sql {
namespace {

TEST(Quote, Ident) {
  EXPECT_EQ(QuoteIdent("orders"), "`orders`");
  EXPECT_EQ(QuoteIdent("we`ird"), "`we``ird`");
  EXPECT_EQ(QuoteIdent(""), "``");
}

TEST(Quote, UnquoteIdentAtUndoesQuoteIdent) {
  const std::string text = "KEY " + QuoteIdent("we`ird") + " (`a`)";
  size_t end = 0;
  EXPECT_EQ(UnquoteIdentAt(text, 4, &end), "we`ird");
  EXPECT_EQ(text.substr(end), " (`a`)");
}

TEST(Quote, Table) {
  EXPECT_EQ(QuoteTable({"", "t"}), "`t`");
  EXPECT_EQ(QuoteTable({"shop", "or`ders"}), "`shop`.`or``ders`");
}

TEST(Quote, String) {
  EXPECT_EQ(QuoteString("plain"), "'plain'");
  EXPECT_EQ(QuoteString("it's"), "'it''s'");
  EXPECT_EQ(QuoteString("back\\slash"), "_utf8mb4 X'6261636B5C736C617368'");
  EXPECT_EQ(QuoteString(std::string_view("nul\0x", 5)), "_utf8mb4 X'6E756C0078'");
}

TEST(Quote, IdentList) {
  EXPECT_EQ(QuoteIdentList({"a", "b`c"}), "`a`, `b``c`");
  EXPECT_EQ(QuoteIdentList({}), "");
}

// Quoted text survives the lexer as one token with its original value.
TEST(Quote, RoundTripsThroughTheLexer) {
  for (std::string raw : {"a;b", "x`y", "`;`", "-- not a comment", "/* no */"}) {
    auto toks = Tokenize(QuoteIdent(raw));
    ASSERT_TRUE(toks.ok());
    ASSERT_EQ(toks->size(), 1u) << raw;
    EXPECT_EQ((*toks)[0].text, raw);
    auto split = SplitStatements("SELECT " + QuoteString(raw) + "; SELECT 2");
    ASSERT_TRUE(split.ok());
    EXPECT_EQ(split->size(), 2u) << raw;
  }
}

}  // namespace
}  // namespace sluice::sql
