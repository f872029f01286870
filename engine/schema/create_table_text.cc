#include "engine/schema/create_table_text.h"

#include "engine/sql/quote.h"

namespace sluice {

using sql::UnquoteIdentAt;

namespace {

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

// The name after `prefix` ("UNIQUE KEY `u` (...)" -> "u"), or "" without one.
std::string NameAfter(const std::string& line, size_t from) {
  size_t q = line.find('`', from);
  if (q == std::string::npos) return "";
  size_t end = 0;
  return UnquoteIdentAt(line, q, &end);
}

}  // namespace

CreateTableParts SplitCreateTable(const std::string& create) {
  static const char* kKeyPrefixes[] = {"UNIQUE KEY",  "UNIQUE INDEX", "FULLTEXT KEY",
                                       "SPATIAL KEY", "VECTOR KEY",   "KEY",
                                       "INDEX"};
  CreateTableParts out;
  size_t start = create.find('\n');  // the first line is "CREATE TABLE `t` ("
  if (start == std::string::npos) return out;
  ++start;
  while (start < create.size()) {
    size_t nl = create.find('\n', start);
    if (nl == std::string::npos) nl = create.size();
    std::string line = create.substr(start, nl - start);
    start = nl + 1;
    if (!line.empty() && line[0] == ')') {
      size_t first = line.find_first_not_of(' ', 1);
      if (first != std::string::npos) out.options = line.substr(first);
      // Anything after (partitioning) belongs to the options too.
      if (start < create.size()) out.options.append("\n").append(create, start);
      break;
    }
    size_t b = line.find_first_not_of(' ');
    if (b == std::string::npos) continue;
    line = line.substr(b);
    while (!line.empty() && (line.back() == ',' || line.back() == ' ' || line.back() == '\r')) {
      line.pop_back();
    }
    if (line[0] == '`') {
      size_t end = 0;
      std::string name = UnquoteIdentAt(line, 0, &end);
      out.columns.push_back({name, line});
    } else if (StartsWith(line, "PRIMARY KEY")) {
      out.indexes.push_back({"PRIMARY", line});
    } else if (StartsWith(line, "CONSTRAINT")) {
      size_t q = line.find('`'), end = 0;
      std::string name = q == std::string::npos ? "" : UnquoteIdentAt(line, q, &end);
      bool fk = q != std::string::npos && line.compare(end, 12, " FOREIGN KEY") == 0;
      (fk ? out.foreign_keys : out.checks).push_back({name, line});
    } else {
      for (const char* p : kKeyPrefixes) {
        if (StartsWith(line, p)) {
          out.indexes.push_back({NameAfter(line, 0), line});
          break;
        }
      }
    }
  }
  return out;
}

}  // namespace sluice
