// The one place identifiers and literals are quoted. Every SQL string the
// engine or a dialect builds goes through these.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/schema/table_info.h"

namespace sluice::sql {

// `name` with embedded backticks doubled.
std::string QuoteIdent(std::string_view name);
// `schema`.`table`, or `table` when the schema is empty.
std::string QuoteTable(const TableRef& t);
// 'text' with quotes doubled; text with a backslash or NUL becomes
// _utf8mb4 X'..' so that it reads the same under any sql_mode.
std::string QuoteString(std::string_view text);
// `a`, `b`, `c`
std::string QuoteIdentList(const std::vector<std::string>& names);
// The backtick-quoted name starting at text[pos] (pos at the opening
// backtick), with doubled backticks undone; sets *end after the closing one.
std::string UnquoteIdentAt(const std::string& text, size_t pos, size_t* end);

}  // namespace sluice::sql
