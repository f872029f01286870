// The lines of a SHOW CREATE TABLE result, by role: the server prints one
// column, key or constraint per line, so its own normalised text can be
// compared and re-used without a SQL parser of ours.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace sluice {

// One definition line without its indentation and trailing comma.
struct CreateTableLine {
  std::string name;  // column, index ("PRIMARY" for the primary key) or constraint name
  std::string text;  // "`a` int(11) NOT NULL", "UNIQUE KEY `u` (`a`,`b`)", ...
};

struct CreateTableParts {
  std::vector<CreateTableLine> columns;       // in table order
  std::vector<CreateTableLine> indexes;       // PRIMARY KEY, UNIQUE, KEY, FULLTEXT, SPATIAL, ...
  std::vector<CreateTableLine> foreign_keys;  // CONSTRAINT `x` FOREIGN KEY ...
  std::vector<CreateTableLine> checks;        // CONSTRAINT `x` CHECK (...)
  std::string options;                        // the text after the closing ")"
};

CreateTableParts SplitCreateTable(const std::string& create);

}  // namespace sluice
