#include "mysql/index_lines.h"

#include <regex>
#include <sstream>

#include "engine/sql/quote.h"

namespace sluice::mysql {
namespace {

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

std::string TrimIndexLine(std::string line) {
  size_t b = line.find_first_not_of(' ');
  line = b == std::string::npos ? "" : line.substr(b);
  while (!line.empty() && (line.back() == ',' || line.back() == ' ')) line.pop_back();
  return line;
}

bool IsForeignKeyLine(const std::string& l) {
  return StartsWith(l, "CONSTRAINT `") && l.find(" FOREIGN KEY (") != std::string::npos;
}

bool IsIndexLine(const std::string& l) {
  return StartsWith(l, "KEY ") || StartsWith(l, "UNIQUE KEY ") || StartsWith(l, "FULLTEXT KEY ") ||
         StartsWith(l, "SPATIAL KEY ") || StartsWith(l, "VECTOR KEY ");
}

// `name` of "KEY `name` (...)".
std::string IndexName(const std::string& def) {
  size_t b = def.find('`');
  if (b == std::string::npos) return "";
  size_t end = 0;
  return sql::UnquoteIdentAt(def, b, &end);
}

}  // namespace

std::vector<std::string> IndexColumns(const std::string& def) {
  std::vector<std::string> cols;
  size_t open = def.find('(', def.find('`', def.find('`') + 1));
  if (open == std::string::npos) return cols;
  int depth = 0;
  std::string cur;
  bool in_name = false;
  for (size_t i = open; i < def.size(); ++i) {
    char c = def[i];
    if (in_name) {
      if (c == '`' && i + 1 < def.size() && def[i + 1] == '`') {
        cur += '`';
        ++i;
      } else if (c == '`') {
        in_name = false;
        if (depth == 1) cols.push_back(cur);
        cur.clear();
      } else {
        cur += c;
      }
    } else if (c == '`') {
      in_name = true;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')' && --depth == 0) {
      break;
    }
  }
  return cols;
}

std::vector<IndexDefinition> SecondaryIndexes(const std::string& create_statement) {
  std::vector<IndexDefinition> out;
  std::istringstream in(create_statement);
  std::string line;
  while (std::getline(in, line)) {
    std::string l = TrimIndexLine(line);
    if (!IsIndexLine(l)) continue;
    IndexDefinition d;
    d.definition = l;
    d.name = IndexName(l);
    d.unique = StartsWith(l, "UNIQUE");
    d.deferrable = StartsWith(l, "KEY ") || StartsWith(l, "UNIQUE KEY ");
    out.push_back(std::move(d));
  }
  return out;
}

std::string ShapeWithoutIndexes(const std::string& create_statement) {
  std::istringstream in(create_statement);
  std::string line, out;
  bool first = true;
  while (std::getline(in, line)) {
    if (first) {  // CREATE TABLE `name` (
      first = false;
      continue;
    }
    std::string l = TrimIndexLine(line);
    // Foreign keys: a scratch (temporary) table of the shape has none, the
    // shadow has them under toggled names (mysql/foreign_keys.h).
    if (IsIndexLine(l) || IsForeignKeyLine(l)) continue;
    out += l + "\n";
  }
  return std::regex_replace(out, std::regex(" AUTO_INCREMENT=[0-9]+"), "");
}

}  // namespace sluice::mysql
