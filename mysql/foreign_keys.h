// Foreign keys and the shadow copy. CREATE TABLE ... LIKE copies none, and
// InnoDB's references follow a table through RENAME, so:
//  - the table as a child: its foreign keys are created on the shadow before
//    the copy, under toggled names (names are unique per schema: `fk` <->
//    `_fk`); the shadow then also receives the parents' cascades, which fire
//    no triggers. After the swap they keep the toggled names (documented).
//  - the table as a parent (others reference it): refused by default; with
//    --foreign-keys rebuild, each child's constraint is re-pointed at the new
//    table right after the swap (an ALTER of the child, with the server's
//    checks on: fine for small children).
#pragma once

#include <string>
#include <vector>

#include "engine/db/session.h"
#include "mysql/shadow_copy_plan.h"

namespace sluice::mysql {

struct ForeignKeyDef {
  std::string name;
  std::string body;                  // "FOREIGN KEY (`a`) REFERENCES `p` (`id`) ON DELETE ..."
  std::vector<std::string> columns;  // the referencing columns
};

// The CONSTRAINT ... FOREIGN KEY lines of a CREATE TABLE statement.
std::vector<ForeignKeyDef> ForeignKeysOf(const std::string& create_statement);

// `fk` -> `_fk`, `_fk` -> `fk`.
std::string ToggledName(const std::string& name);

// ALTER TABLE shadow ADD CONSTRAINT <toggled> ..., one clause per key; empty
// when there is none. Fails when a toggled name exceeds 64 characters.
Result<std::string> AddForeignKeysSql(const TableRef& shadow,
                                      const std::vector<ForeignKeyDef>& fks);

// Re-points every foreign key that references `from` at `to`: one ALTER per
// child table (DROP FOREIGN KEY, ADD CONSTRAINT under the toggled name).
// Returns how many were re-pointed.
Result<int> RepointReferences(Session& s, const TableRef& from, const TableRef& to);

// The foreign keys of other tables that reference `table` ("child.fk").
Result<std::vector<std::string>> ReferencingKeys(Session& s, const TableRef& table);

}  // namespace sluice::mysql
