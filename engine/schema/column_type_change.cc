#include "engine/schema/column_type_change.h"

#include <map>
#include <vector>

namespace sluice {
namespace {

struct ParsedType {
  std::string base;               // "varchar", "int"
  std::vector<long> numbers;      // length, precision and scale
  std::string args;               // the text inside the parentheses
  bool is_unsigned = false;
};

ParsedType Parse(const std::string& type) {
  ParsedType p;
  size_t open = type.find('(');
  size_t close = type.rfind(')');
  p.base = type.substr(0, std::min(open, type.find(' ')));
  if (open != std::string::npos && close != std::string::npos && close > open) {
    p.args = type.substr(open + 1, close - open - 1);
    size_t i = 0;
    while (i < p.args.size() && p.args[0] != '\'') {
      size_t comma = p.args.find(',', i);
      p.numbers.push_back(std::strtol(p.args.c_str() + i, nullptr, 10));
      if (comma == std::string::npos) break;
      i = comma + 1;
    }
  }
  p.is_unsigned = type.find(" unsigned") != std::string::npos;
  return p;
}

// Rank within a family whose members only grow.
int Rank(const std::string& family_of, const std::map<std::string, int>& family) {
  auto it = family.find(family_of);
  return it == family.end() ? -1 : it->second;
}

}  // namespace

bool IsNarrowing(const std::string& from, const std::string& to) {
  if (from == to) return false;
  static const std::map<std::string, int> kIntegers = {
      {"tinyint", 1}, {"smallint", 2}, {"mediumint", 3}, {"int", 4}, {"bigint", 5}};
  static const std::map<std::string, int> kStrings = {
      {"char", 1}, {"varchar", 2}, {"tinytext", 3}, {"text", 4}, {"mediumtext", 5},
      {"longtext", 6}};
  static const std::map<std::string, int> kBytes = {
      {"binary", 1}, {"varbinary", 2}, {"tinyblob", 3}, {"blob", 4}, {"mediumblob", 5},
      {"longblob", 6}};
  const ParsedType a = Parse(from), b = Parse(to);
  int ra = Rank(a.base, kIntegers), rb = Rank(b.base, kIntegers);
  if (ra > 0 && rb > 0) {
    if (a.is_unsigned == b.is_unsigned) return rb < ra;
    return !(a.is_unsigned && !b.is_unsigned && rb > ra);  // unsigned fits a larger signed type
  }
  for (const auto* family : {&kStrings, &kBytes}) {
    ra = Rank(a.base, *family);
    rb = Rank(b.base, *family);
    if (ra > 0 && rb > 0) {
      if (rb < ra) return true;
      auto length = [](const ParsedType& p) { return p.numbers.empty() ? 0L : p.numbers[0]; };
      // char/varchar/binary/varbinary carry a length; the *text and *blob types hold more.
      return rb <= 2 && length(b) < length(a);
    }
  }
  if (a.base == "decimal" && b.base == "decimal" && a.numbers.size() == 2 &&
      b.numbers.size() == 2) {
    return b.numbers[0] - b.numbers[1] < a.numbers[0] - a.numbers[1] || b.numbers[1] < a.numbers[1];
  }
  if (a.base == "float" && b.base == "double") return false;
  if ((a.base == "enum" || a.base == "set") && a.base == b.base) {
    return b.args.compare(0, a.args.size(), a.args) != 0;  // only appending values is safe
  }
  return true;
}

}  // namespace sluice
