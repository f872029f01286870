// The difference between two schema snapshots, as the statements that turn
// the first into the second: one ALTER TABLE per table (so each runs through
// the dialect's online strategy), CREATE / DROP TABLE, views. Renames are
// never guessed: a dropped and an added column of the same type only get a
// note. DROP TABLE / DROP COLUMN are left out unless allowed.
#pragma once

#include <string>
#include <vector>

#include "engine/schema/schema_snapshot.h"

namespace sluice {

// One difference, in words: {"table", "orders", "modify column", "note",
// "`note` varchar(20) ...", "`note` varchar(40) ..."}.
struct SchemaDifference {
  std::string object_kind;  // "table" | "view"
  std::string object;       // table or view name
  std::string change;       // "create", "drop", "add column", "modify column", "move column",
                            // "drop column", "add index", "drop index", "change index",
                            // "add foreign key", ..., "change option", "change"
  std::string name;         // the column, index, constraint or option; "" for the object itself
  std::string from;         // the old definition ("" when added)
  std::string to;           // the new definition ("" when dropped)

  std::string ToString() const;  // "table orders: modify column note: A -> B"
};

// One statement of a migration, with the comments written above it.
struct MigrationStatement {
  std::string object;                 // the table or view it changes
  std::string sql;                    // without the terminating ';'
  std::vector<std::string> warnings;  // lint: a drop, NOT NULL without DEFAULT, a narrowing type
  std::vector<std::string> notes;     // a possible rename
};

struct SchemaDiff {
  std::vector<SchemaDifference> differences;  // everything that differs, left-out drops included
  std::vector<MigrationStatement> up;         // from -> to
  std::vector<MigrationStatement> down;       // undoes `up`, in reverse order
  std::vector<std::string> left_out;          // destructive statements not in `up`
  bool empty() const { return differences.empty(); }
};

struct DiffOptions {
  bool allow_drop = false;  // emit DROP TABLE / DROP COLUMN
};

SchemaDiff DiffSchemas(const SchemaSnapshot& from, const SchemaSnapshot& to,
                       const DiffOptions& options = {});

}  // namespace sluice
