#include "engine/sql/quote.h"

namespace sluice::sql {

std::string QuoteIdent(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 2);
  out += '`';
  for (char c : name) {
    if (c == '`') out += '`';
    out += c;
  }
  out += '`';
  return out;
}

std::string QuoteTable(const TableRef& t) {
  if (t.schema.empty()) return QuoteIdent(t.name);
  return QuoteIdent(t.schema) + "." + QuoteIdent(t.name);
}

std::string QuoteString(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '\'';
  for (char c : text) {
    switch (c) {
      case '\'':
        out += "''";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\0':
        out += "\\0";
        break;
      default:
        out += c;
    }
  }
  out += '\'';
  return out;
}

std::string QuoteIdentList(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ", ";
    out += QuoteIdent(names[i]);
  }
  return out;
}

}  // namespace sluice::sql
