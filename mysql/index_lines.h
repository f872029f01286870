// The index lines of a CREATE TABLE statement as SHOW CREATE TABLE writes
// them: which secondary indexes a table has, their columns, and the table's
// shape without them (the shadow copy defers, compares and re-adds them).
#pragma once

#include <string>
#include <vector>

namespace sluice::mysql {

// A secondary index of the new shape, taken from SHOW CREATE TABLE.
struct IndexDefinition {
  std::string name;
  std::string definition;  // "UNIQUE KEY `u` (`a`,`b`)"
  bool unique = false;
  bool deferrable = true;  // FULLTEXT/SPATIAL cannot be added with LOCK=NONE: built up front
};

// The secondary index lines of a CREATE TABLE statement.
std::vector<IndexDefinition> SecondaryIndexes(const std::string& create_statement);
// The CREATE TABLE statement without its name, index lines and AUTO_INCREMENT
// counter: two tables with the same shape give the same text.
std::string ShapeWithoutIndexes(const std::string& create_statement);
// The quoted column names inside the first parenthesis of an index line.
std::vector<std::string> IndexColumns(const std::string& def);

}  // namespace sluice::mysql
