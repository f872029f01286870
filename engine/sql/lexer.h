// Splits SQL scripts into statements. A ';' inside '...', "...", `...`,
// -- comments, # comments or /* */ comments does not end a statement.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/status.h"

namespace sluice::sql {

struct Statement {
  std::string text;  // trimmed, without the terminating ';'
  int line = 1;      // line where the statement starts (1-based, offset by first_line)
};

// Errors (unterminated quote or comment) name the line where it opened:
// "line 12: unterminated '...' string".
Result<std::vector<Statement>> SplitStatements(std::string_view script, int first_line = 1);

}  // namespace sluice::sql
