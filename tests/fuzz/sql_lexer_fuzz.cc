// Fuzzes the statement splitter and the tokenizer. Besides "no crash", checks
// that tokens lie inside the input, in order, never overlapping, with a
// non-negative parenthesis depth; that statements start at a line inside the
// script; and that every statement tokenizes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/sql/lexer.h"
#include "tests/fuzz/fuzz_check.h"

using sluice::fuzz::Check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);

  auto tokens = sluice::sql::Tokenize(input);
  if (tokens.ok()) {
    size_t prev_end = 0;
    for (const auto& t : *tokens) {
      Check(t.begin < t.end, "token is not empty", input);
      Check(t.end <= input.size(), "token ends inside the input", input);
      Check(t.begin >= prev_end, "tokens are ordered and do not overlap", input);
      Check(t.depth >= 0, "parenthesis depth is not negative", input);
      prev_end = t.end;
    }
  }

  auto statements = sluice::sql::SplitStatements(input, 1);
  if (statements.ok()) {
    int lines = 1;
    for (char c : input) lines += c == '\n';
    int prev_line = 1;
    for (const auto& s : *statements) {
      Check(!s.text.empty(), "a statement is not empty", input);
      Check(s.line >= prev_line && s.line <= lines, "statement lines are ordered and inside",
            input);
      prev_line = s.line;
      // A statement the splitter accepted must tokenize: both read quotes and
      // comments the same way. Known exception (reported, not fixed): the
      // splitter ends an executable comment /*! ... */ at the first "*/" even
      // inside a quoted string there, while Tokenize lexes its contents.
      if (s.text.find("/*!") == std::string::npos && s.text.find("/*M!") == std::string::npos) {
        Check(sluice::sql::Tokenize(s.text).ok(), "a split statement tokenizes", input);
      }
    }
  }
  return 0;
}
