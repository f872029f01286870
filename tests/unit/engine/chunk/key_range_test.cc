#include "engine/chunk/key_range.h"

#include <gtest/gtest.h>

namespace sluice::chunk {
namespace {

KeySpec Spec(std::vector<std::string> cols, std::vector<LiteralKind> kinds,
             TupleStyle style = TupleStyle::kRowConstructor) {
  KeySpec s;
  s.table = {"db", "t"};
  s.qualifier = "`t`";
  s.columns = std::move(cols);
  s.kinds = std::move(kinds);
  s.style = style;
  return s;
}

TEST(KeyLiteralTest, ByKind) {
  EXPECT_EQ(KeyLiteral(LiteralKind::kInteger, "-42"), "-42");
  EXPECT_EQ(KeyLiteral(LiteralKind::kInteger, "18446744073709551615"), "18446744073709551615");
  // Not an integer after all: still quoted, never pasted raw.
  EXPECT_EQ(KeyLiteral(LiteralKind::kInteger, "1 OR 1=1"), "'1 OR 1=1'");
  EXPECT_EQ(KeyLiteral(LiteralKind::kBinary, std::string("\x00'\\\xff", 4)), "X'00275CFF'");
  EXPECT_EQ(KeyLiteral(LiteralKind::kBinary, ""), "''");
  EXPECT_EQ(KeyLiteral(LiteralKind::kString, "it's"), "'it''s'");
}

TEST(TupleCompareTest, SingleColumn) {
  auto s = Spec({"id"}, {LiteralKind::kInteger});
  EXPECT_EQ(TupleCompare(s, ">", {std::string("5")}, false), "`id` > 5");
  EXPECT_EQ(TupleCompare(s, "<=", {std::string("9")}, true), "`t`.`id` <= 9");
}

TEST(TupleCompareTest, CompositeAsRowConstructor) {
  auto s = Spec({"a", "b"}, {LiteralKind::kInteger, LiteralKind::kString});
  EXPECT_EQ(TupleCompare(s, ">", {std::string("1"), std::string("x")}, false),
            "(`a`, `b`) > (1, 'x')");
}

TEST(TupleCompareTest, CompositeExpandedIsLexicographicNotColumnwise) {
  auto s =
      Spec({"a", "b", "c"}, {LiteralKind::kInteger, LiteralKind::kInteger, LiteralKind::kInteger},
           TupleStyle::kExpanded);
  EXPECT_EQ(TupleCompare(s, ">", {std::string("1"), std::string("2"), std::string("3")}, false),
            "((`a` > 1) OR (`a` = 1 AND `b` > 2) OR (`a` = 1 AND `b` = 2 AND `c` > 3))");
  EXPECT_EQ(TupleCompare(s, "<=", {std::string("1"), std::string("2"), std::string("3")}, false),
            "((`a` < 1) OR (`a` = 1 AND `b` < 2) OR (`a` = 1 AND `b` = 2 AND `c` <= 3))");
}

TEST(RangePredicateTest, OpenAndClosedBounds) {
  auto s = Spec({"id"}, {LiteralKind::kInteger});
  EXPECT_EQ(RangePredicate(s, KeyRange{}, false), "");
  EXPECT_EQ(RangePredicate(s, KeyRange{KeyTuple{std::string("3")}, std::nullopt}, false),
            "`id` > 3");
  EXPECT_EQ(RangePredicate(s, KeyRange{std::nullopt, KeyTuple{std::string("7")}}, false),
            "`id` <= 7");
  EXPECT_EQ(
      RangePredicate(s, KeyRange{KeyTuple{std::string("3")}, KeyTuple{std::string("7")}}, true),
      "`t`.`id` > 3 AND `t`.`id` <= 7");
}

TEST(BoundCodecTest, RoundTripsBinaryAndOpenBounds) {
  std::optional<KeyTuple> bound = KeyTuple{std::string("a\0'\"\\\xff", 6), std::string("")};
  auto text = EncodeBound(bound);
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(*text, "[\"610027225CFF\",\"\"]");
  auto back = DecodeBound(text);
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(SameBound(*back, bound));
  EXPECT_FALSE(EncodeBound(std::nullopt).has_value());
  auto open = DecodeBound(std::nullopt);
  ASSERT_TRUE(open.ok());
  EXPECT_FALSE(open->has_value());
  EXPECT_FALSE(DecodeBound(std::string("{}")).ok());
  EXPECT_FALSE(DecodeBound(std::string("[\"XY\"]")).ok());
}

TEST(SameBoundTest, OpenOnlyEqualsOpen) {
  EXPECT_TRUE(SameBound(std::nullopt, std::nullopt));
  EXPECT_FALSE(SameBound(KeyTuple{std::string("1")}, std::nullopt));
  EXPECT_FALSE(SameBound(KeyTuple{std::string("1")}, KeyTuple{std::string("1 ")}));
}

TEST(KeySpecTest, RefusesNullableColumnsAndPicksTheIndex) {
  TableInfo t;
  t.ref = {"db", "t"};
  t.columns = {{"id", "bigint", "bigint(20)", false, false},
               {"k", "varbinary", "varbinary(16)", false, false},
               {"maybe", "int", "int(11)", true, false}};
  t.indexes = {{"PRIMARY", {"id"}, true, true, "PRIMARY KEY (`id`)"},
               {"u_k", {"k"}, true, false, "UNIQUE KEY `u_k` (`k`)"}};
  auto s = KeySpec::Make(t, ChunkKey{{"k"}, false}, TupleStyle::kRowConstructor);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->index, "u_k");
  EXPECT_EQ(s->kinds, std::vector<LiteralKind>{LiteralKind::kBinary});
  EXPECT_FALSE(KeySpec::Make(t, ChunkKey{{"maybe"}, false}, TupleStyle::kRowConstructor).ok());
  EXPECT_FALSE(KeySpec::Make(t, ChunkKey{{"nope"}, false}, TupleStyle::kRowConstructor).ok());
  auto rowid = KeySpec::Make(t, ChunkKey{{"_tidb_rowid"}, true}, TupleStyle::kRowConstructor);
  ASSERT_TRUE(rowid.ok());
  EXPECT_TRUE(rowid->index.empty());
}

}  // namespace
}  // namespace sluice::chunk
