// Splits SQL scripts into statements. A ';' inside '...', "...", `...`,
// -- comments, # comments or /* */ comments does not end a statement.
// Also the token stream the classifier reads.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "engine/status.h"

namespace sluice::sql {

struct Statement {
  std::string text;  // trimmed, without the terminating ';'
  int line = 1;      // line where the statement starts (1-based, offset by first_line)
  // False for a last statement that ended at the end of the script without a
  // delimiter (the revision parser uses it to reject a directive mid-statement).
  bool terminated = true;
};

// Errors (unterminated quote or comment) name the line where it opened:
// "line 12: unterminated '...' string".
// Leading comments of a statement are dropped (MariaDB's executable comments
// /*! ... */ and optimizer hints /*+ ... */ are kept: they are SQL). Scripts
// containing only comments yield no statements. A `DELIMITER xx` line, as in
// the mariadb client, changes the statement terminator (for triggers and
// stored routines).
Result<std::vector<Statement>> SplitStatements(std::string_view script, int first_line = 1);

// For each line of `script` (0-based), whether it starts inside a quoted
// string, quoted identifier or /* */ comment (so it is not a fresh line of
// SQL: the revision parser must not read directives there).
std::vector<bool> LinesInsideQuotes(std::string_view script);

enum class TokenKind {
  kWord,         // unquoted identifier or keyword
  kQuotedIdent,  // `name`
  kString,       // '...' or "..." (also N'..', X'..' prefixes lex as a word first)
  kNumber,       // 123, 1.5 (digits only start)
  kSymbol,       // punctuation and operators: ( ) , . ; = <= >= <> != := ...
};

struct Token {
  TokenKind kind = TokenKind::kSymbol;
  size_t begin = 0;  // byte offsets into the tokenized text: [begin, end)
  size_t end = 0;
  int depth = 0;     // parenthesis depth before this token ('(' itself has the outer depth)
  std::string text;  // words: as written; quoted identifiers: unquoted; strings: raw
};

// Tokens of one statement, skipping comments. The contents of executable
// comments /*! ... */ and /*M! ... */ are tokenized (the server runs them).
Result<std::vector<Token>> Tokenize(std::string_view statement);

// Case-insensitive keyword test on an unquoted word.
bool IsWord(const Token& t, std::string_view upper_keyword);

}  // namespace sluice::sql
