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
  // A backslash or NUL means different things with and without the
  // NO_BACKSLASH_ESCAPES sql_mode; a hex literal with a charset introducer
  // means the same under every mode (and on TiDB).
  if (text.find('\\') != std::string_view::npos || text.find('\0') != std::string_view::npos) {
    static const char kHex[] = "0123456789ABCDEF";
    std::string out = "_utf8mb4 X'";
    for (unsigned char c : text) {
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
    return out + "'";
  }
  std::string out;
  out.reserve(text.size() + 2);
  out += '\'';
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
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

std::string UnquoteIdentAt(const std::string& text, size_t pos, size_t* end) {
  std::string name;
  size_t i = pos + 1;
  for (; i < text.size(); ++i) {
    if (text[i] == '`') {
      if (i + 1 < text.size() && text[i + 1] == '`') {
        name += '`';
        ++i;
        continue;
      }
      break;
    }
    name += text[i];
  }
  *end = i + 1;
  return name;
}

}  // namespace sluice::sql
