// Fuzzes the statement classifier and the chunk statement rewriter. Besides
// "no crash", checks that the WHERE span and insert point lie inside the
// statement, and that a chunkable data statement, once a key-range predicate
// is ANDed on, still lexes, keeps the user's condition, and has the predicate
// in the WHERE the classifier finds.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/chunk/statement_rewriter.h"
#include "engine/sql/classifier.h"
#include "engine/sql/lexer.h"
#include "tests/fuzz/fuzz_check.h"

using sluice::fuzz::Check;

namespace {
// Statements a user could mean: printable text (UTF-8 allowed), blanks, and
// balanced parentheses. Control bytes and unbalanced parentheses are syntax
// errors the server reports whatever the batch looks like.
bool Plausible(std::string_view statement) {
  for (char ch : statement) {
    auto u = static_cast<unsigned char>(ch);
    if (u < 0x20 && ch != '\n' && ch != '\t' && ch != '\r') return false;
    if (u == 0x7f) return false;
  }
  auto tokens = sluice::sql::Tokenize(statement);
  if (!tokens.ok()) return false;
  int depth = 0;
  for (const auto& t : *tokens) {
    if (t.kind != sluice::sql::TokenKind::kSymbol) continue;
    if (t.text == "(") ++depth;
    if (t.text == ")" && --depth < 0) return false;
  }
  return depth == 0;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto c = sluice::sql::Classify(input);
  if (!c.ok()) return 0;
  if (c->where) {
    Check(c->where->begin <= c->where->end, "WHERE span is ordered", input);
    Check(c->where->end <= input.size(), "WHERE span lies inside", input);
  }
  Check(c->where_insert_at <= input.size(), "WHERE insert point lies inside", input);
  if (c->kind != sluice::sql::StatementKind::kData) return 0;
  if (!sluice::chunk::CheckChunkable(*c).ok()) return 0;
  if (!Plausible(input)) return 0;

  const std::string predicate = "`sluice_k` >= 42";
  sluice::chunk::StatementTemplate tmpl(input, *c);
  std::string rendered = tmpl.Render(predicate);
  auto again = sluice::sql::Classify(rendered);
  Check(again.ok(), "the rendered batch statement still lexes", input);
  if (c->where) {
    std::string_view cond = input.substr(c->where->begin, c->where->end - c->where->begin);
    Check(rendered.find(cond) != std::string::npos, "the batch keeps the user's condition",
          input);
  }
  // On garbage the classifier may not find the WHERE again (e.g. "FROM t AS"
  // followed by nothing), but a WHERE it finds in the same kind of statement
  // must be the one holding the key predicate, never a subquery's.
  if (again->kind == sluice::sql::StatementKind::kData && again->verb == c->verb &&
      again->where) {
    std::string_view where(rendered.data() + again->where->begin,
                           again->where->end - again->where->begin);
    Check(where.find(predicate) != std::string_view::npos, "the WHERE holds the key predicate",
          input);
  }
  return 0;
}
