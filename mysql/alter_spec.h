// Reads an ALTER TABLE spec (the text after `ALTER TABLE t`) far enough to
// refuse what an online change cannot do safely and to map old columns onto
// new ones. It does not validate the SQL: the server does that.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/status.h"

namespace sluice::mysql {

struct AlterSpec {
  std::string spec;                  // as given, trimmed
  std::string spec_without_options;  // without ALGORITHM=/LOCK= clauses (sluice adds its own)
  std::vector<std::string> clauses;  // top-level comma-separated clauses
  bool renames_table = false;        // RENAME [TO|AS] new_name
  bool drops_primary_key = false;    // DROP PRIMARY KEY
  bool adds_primary_key = false;     // ADD PRIMARY KEY / ADD CONSTRAINT .. PRIMARY KEY
  bool adds_foreign_key = false;     // ADD [CONSTRAINT x] FOREIGN KEY
  std::string user_algorithm;        // ALGORITHM= the user wrote (upper case), if any
  std::map<std::string, std::string> renamed_columns;  // old name -> new name
  std::vector<std::string> dropped_columns;
};

// Fails only for text the lexer cannot read (an unterminated quote).
Result<AlterSpec> ParseAlterSpec(const std::string& spec);

}  // namespace sluice::mysql
