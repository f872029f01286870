// Lints revision files for operations that hurt a live application:
//  - DROP TABLE / DROP COLUMN in `up` that the down section does not undo;
//  - a NOT NULL column added without a DEFAULT;
//  - RENAME (tables or columns): running code still uses the old name;
//  - UPDATE or DELETE without WHERE;
//  - the placeholder `sluice revision` writes, still in place.
#pragma once

#include <string>
#include <vector>

#include "engine/revision/revision_file.h"

namespace sluice::plan {

struct LintFinding {
  // drop-without-down | not-null-without-default | rename | no-where | placeholder
  std::string rule;
  std::string path;
  int line = 0;
  std::string message;  // "path:line: [rule] what"
};

std::vector<LintFinding> LintRevision(const revision::RevisionFile& f);

}  // namespace sluice::plan
